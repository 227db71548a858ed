"""The columnar executor of `policy evaluate` (docs/design/declared-rules.md §2.2), on polars.

Imported only when used: polars is the optional extra ``policy-complaints[fast]``, and
nothing else under ``core/`` imports it (the executor's :func:`~.executor.plan` checks for it
first). :mod:`.read` turns a batch of JSON Lines into the INPUT frame (one typed column per
declared field, and a doubt mask: the rows that must go per ticket); :mod:`.compile` runs the
industry's declarations on it, with the calendar as a table of dates (:mod:`.calendar`), into
the RESULT frames; :mod:`.document` turns those into the result document's bytes, identical
to the per-ticket writers'; :mod:`.executor` drives the batches and sends every row the
columns cannot decide exactly through the per-ticket engine.
"""
