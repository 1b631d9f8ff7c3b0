"""Issue 18, point 3: a configuration change marks what it touches — and an edit no score reads
(a comment, the layout, the site's or the reminders' settings, where the database is) touches no
stored result (kaohe.office.results' ``config_digest``: the configuration as scoring reads it).

On the three-station bureau of office_bureau.py, April 2015 by hand: 丙 100, 乙 100 − 2 − 1 = 97,
甲 100 − 2 − 2 = 96. With 接警后未按时到场 at −3 a time instead of −2: 乙 100 − 3 − 1 = 96, 甲 100 − 3 − 3 = 94."""

from __future__ import annotations

import hashlib
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


def _totals(store: Store) -> dict[str, tuple[Decimal, int]]:
    result = stored_result(store, APRIL)
    assert result is not None
    return {u.unit: (u.total, u.rank) for u in result.units}


def test_an_edit_no_score_reads_leaves_the_stored_results_up_to_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")
    config = ob.make(tmp_path)
    reg = load_registry(get_plugin_manager())
    bureau = load_bureau(config, reg)
    with Store(bureau.database) as store:
        ingest(store, bureau, reg, tmp_path / "register.csv", actor="test")
        score_period(store, bureau, reg, APRIL)
        assert _totals(store) == {"c": (Decimal(100), 1), "b": (Decimal(97), 2), "a": (Decimal(96), 3)}
    text = config.read_text(encoding="utf-8")
    # a comment, blank lines, the database named (the same file), the site's, the reminders', the
    # appeals' (a TOML date among them), the report's and the results' settings: nothing a score reads
    edited = (
        "# 2015年4月 考核办修改了网站设置\n\n"
        + text.replace('cutoff_day = "end"', 'cutoff_day   =   "end"   # 自然月\ndatabase = "kaohe.sqlite"')
        + '\n[site]\nidle_minutes = 20\n\n[notify]\nsmtp_host = "mail.example"\nfrom = "kaoheban@example.gov"\n\n[results]\nstale = "score"\n'
        + '\n[appeals]\nworking_days = 3\nholidays = [2015-05-04]\n\n[report]\nlines_per_item = 5\n'
    )
    config.write_text(edited, encoding="utf-8")
    again = load_bureau(config, reg)
    assert again.text != bureau.text and config_digest(again, APRIL) == config_digest(bureau, APRIL)
    with Store(again.database) as store:
        assert staleness(store, again, APRIL) is None
    # the late arrival at −3 points a time: a score reads it
    config.write_text(edited.replace("params = { points = -2 }", "params = { points = -3 }"), encoding="utf-8")
    changed = load_bureau(config, reg)
    with Store(changed.database) as store:
        assert staleness(store, changed, APRIL) == "此后配置文件(kaohe.toml)已改动"
        score_period(store, changed, reg, APRIL)
        assert staleness(store, changed, APRIL) is None
        assert _totals(store) == {"c": (Decimal(100), 1), "b": (Decimal(96), 2), "a": (Decimal(94), 3)}


def test_results_stored_with_the_whole_texts_digest_stay_up_to_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A result stored by a version that digested the configuration's whole text (all before this
    one) is up to date while the text is the same, out of date once it is edited."""
    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")
    config = ob.make(tmp_path)
    reg = load_registry(get_plugin_manager())
    bureau = load_bureau(config, reg)
    whole = hashlib.sha256(config.read_text(encoding="utf-8").encode("utf-8")).hexdigest()
    assert config_digests(bureau, APRIL) == (config_digest(bureau, APRIL), whole)
    assert config_digest(bureau, APRIL) != whole
    with Store(bureau.database) as store:
        ingest(store, bureau, reg, tmp_path / "register.csv", actor="test")
        score_period(store, bureau, reg, APRIL)
        store.db.execute("UPDATE period_results SET config = ? WHERE period = ?", [whole, APRIL.label])
        assert staleness(store, bureau, APRIL) is None
    config.write_text(config.read_text(encoding="utf-8") + "\n# 注释\n", encoding="utf-8")
    edited = load_bureau(config, reg)
    with Store(edited.database) as store:
        assert staleness(store, edited, APRIL) == "此后配置文件(kaohe.toml)已改动"
