"""The columnar executor of `policy evaluate` (docs/design/declared-rules.md §2.2), on polars.

Imported only when used: polars is the optional extra ``policy-complaints[fast]``, and
nothing else under ``core/`` imports it. :mod:`.read` turns a batch of JSON Lines into the
INPUT frame (one typed column per declared field, and a doubt mask: the rows that must go per
ticket); :mod:`.document` turns the RESULT frames into the result document's bytes, identical
to the per-ticket writers'.
"""
