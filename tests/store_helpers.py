"""Records written into a store as an import writes them, for the store's own tests."""

from __future__ import annotations

from kaohe.intake.staging import IngestReport
from kaohe.store.integrity import stored_hash
from kaohe.store.store import Store


def imported(store: Store, rows: list[tuple[str, str, str, str]]) -> None:
    """(key, kind, unit, attributes' JSON) of June 1st 2015 written as an import writes them
    (``write_batch``, one transaction)."""
    batch = [
        ((k, kind, unit, "2015-06-01", "2015-06", None, a, "", stored_hash(kind, unit, "2015-06-01", None, a, "")), "s", i, None)
        for i, (k, kind, unit, a) in enumerate(rows)
    ]
    import_id = store.begin_import(file="f", path="f", digest="d", adapter="a", department="d", actor="t", strict=False, dry_run=False)
    assert import_id is not None
    report = IngestReport("f", "a", "d", kept=10)
    store.write_batch(batch, "f", import_id, report, False)  # type: ignore[arg-type]
    store.finish_import(import_id, report, digest="d", actor="t")
    store.forget_written()
