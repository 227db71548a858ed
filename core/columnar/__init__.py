"""The columnar executor of declared rules (docs/design/declared-rules.md §2.2), on polars.

Imported only when used: polars is optional, and nothing else in the core imports this package.
"""
