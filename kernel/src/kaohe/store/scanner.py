"""A scanning process (``Store.tallies_done``): the month's grouped scans made beside the scoring, in a
process of its own, started as ``python -m kaohe.store.scanner`` (never a copy of the scoring's
process, its connections and threads); or a reading process (``Store.units_results``): the units'
stored results of some periods read beside an aggregate, a few units ahead.

It reads pickled messages on its standard input and answers each on its standard output: first
(database path, the audit trail's last entry the scoring reads, the file of the scoring's store
code): where that is its own code, it opens the store read-only, one read transaction for all its
scans, and answers whether it reads the same state (the same last entry; a reading process is given
a fourth part, (periods, their states as the aggregate reads them: ``Store.results_states``), and compares those
instead); then a call of ``Store.tallies`` at a time, answered with its rows (a list), or None where
its scan failed (the scoring's own connection makes it again and says what is wrong); a reading
process is asked {"unit": …, "periods": […]} and answers ``Store.unit_results`` of them. It ends at
the end of its input."""

from __future__ import annotations

import pickle
import sys
from typing import Any, BinaryIO

from . import store as _store_module
from .store import Store

CODE = _store_module.__file__
"""The store's code this process runs: the scoring's must be the same (its first message says its own)."""


def serve(incoming: BinaryIO, outgoing: BinaryIO) -> None:
    """Answer the scoring's messages (see the module's text) until its input ends."""
    first = pickle.load(incoming)
    path, mark, code = first[:3]
    states = first[3] if len(first) > 3 else None  # a reading process (``Store.units_results``)
    store: Store | None = None
    same = False
    if code == CODE:  # the scoring's own kaohe (never another found first on the path): no migration here either
        try:
            store = Store(path, readonly=True)
            store.db.execute("BEGIN")
            same = store.audit_mark() == mark if states is None else store.results_states(states[0]) == states[1]
        except Exception:  # noqa: BLE001 - its scans are then made by the scoring's own connection
            same = False
    _answer(outgoing, same)
    while True:
        try:
            call = pickle.load(incoming)
        except EOFError:
            break
        rows: Any = None
        # still in its read transaction (SQLite ends one by itself after some errors): else the rows
        # might be of another state of the database than the scoring's
        if same and store is not None and store.db.conn.in_transaction:
            try:
                rows = store.unit_results(call["unit"], call["periods"]) if isinstance(call, dict) else list(store.tallies(*call))
            except Exception:  # noqa: BLE001 - made again by the scoring's connection, and no more here
                rows, same = None, False
        _answer(outgoing, rows)
    if store is not None:
        store.close()


def _answer(outgoing: BinaryIO, value: Any) -> None:
    pickle.dump(value, outgoing, protocol=pickle.HIGHEST_PROTOCOL)
    outgoing.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
