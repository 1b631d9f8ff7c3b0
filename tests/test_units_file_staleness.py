"""Issue 18, point 1: the stored results are never shown as up to date when what they were scored
from has changed — the units file (``units_file``) too, not only kaohe.toml's text.

On the three-station bureau of office_bureau.py, 丙 read from units.csv. April 2015 by hand: 丙 100
(nothing), 乙 100 − 2 − 1 = 97, 甲 100 − 2 − 2 = 96; one series, so 丙 1st, 乙 2nd, 甲 3rd. A station 丁
added to units.csv has no record: 100, tied first with 丙; 乙 3rd, 甲 4th."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import office_bureau as ob
import pytest
from kaohe.core.periods import Period
from kaohe.office.ingest import ingest
from kaohe.office.jobs import score_period
from kaohe.office.results import config_digest, config_digests, staleness, stored_result
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import load_bureau
from kaohe.store.store import Store

APRIL = Period.parse("2015-04")


def test_a_changed_units_file_makes_the_stored_results_out_of_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")
    config = ob.make(tmp_path)
    text = config.read_text(encoding="utf-8").replace('[[units]]\nid = "c"\nname = "丙派出所"\nseries = "s"\n', "")
    config.write_text('units_file = "units.csv"\n' + text, encoding="utf-8")
    units = tmp_path / "units.csv"
    units.write_text("id,name,series\nc,丙派出所,s\n", encoding="utf-8")
    reg = load_registry(get_plugin_manager())
    bureau = load_bureau(config, reg)
    with Store(bureau.database) as store:
        ingest(store, bureau, reg, tmp_path / "register.csv", actor="test")
        score_period(store, bureau, reg, APRIL)
        assert staleness(store, bureau, APRIL) is None
        before = stored_result(store, APRIL)
        assert before is not None
        assert {u.unit: (u.total, u.rank) for u in before.units} == {
            "c": (Decimal(100), 1), "b": (Decimal(97), 2), "a": (Decimal(96), 3),
        }
    # the configuration's text unchanged, a station added to its units file
    units.write_text("id,name,series\nc,丙派出所,s\nd,丁派出所,s\n", encoding="utf-8")
    again = load_bureau(config, reg)
    assert again.text == bureau.text and config_digest(again, APRIL) != config_digest(bureau, APRIL)
    with Store(again.database) as store:
        assert staleness(store, again, APRIL) == "此后配置文件(kaohe.toml)或其单位文件(units_file)已改动"
        score_period(store, again, reg, APRIL)
        assert staleness(store, again, APRIL) is None
        after = stored_result(store, APRIL)
        assert after is not None
        assert {u.unit: (u.total, u.rank) for u in after.units} == {
            "c": (Decimal(100), 1), "d": (Decimal(100), 1), "b": (Decimal(97), 3), "a": (Decimal(96), 4),
        }
    # the same units saved again with Windows line ends: the same units, the same digest (still up to date)
    units.write_bytes("id,name,series\r\nc,丙派出所,s\r\nd,丁派出所,s\r\n".encode("utf-8"))
    assert config_digest(load_bureau(config, reg), APRIL) == config_digest(again, APRIL)


def test_units_written_in_the_configuration_keep_the_texts_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a units file the digest the versions before stored (the whole text's) is the text's
    alone, as before: results stored by an earlier version stay up to date (test_config_staleness.py)."""
    import hashlib

    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")
    config = ob.make(tmp_path)
    bureau = load_bureau(config, load_registry(get_plugin_manager()))
    assert config_digests(bureau, APRIL)[1] == hashlib.sha256(config.read_text(encoding="utf-8").encode("utf-8")).hexdigest()
