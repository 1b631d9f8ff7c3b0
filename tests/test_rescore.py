"""Rescoring only what changed (issue 18 point 3): after a one-record correction of the demo (a case
of June re-sent by 刑侦大队 as one of the eight major kinds, 八类案件), ``kaohe score 2015-06``
evaluates again only the items reading that department's kinds (and those whose rule may raise a
flag), takes every other item's stored result as it is, and stores exactly what a full rescore
(``--full``) stores: every unit's tree, total, rank and flags, the categories' and items' results
(numerically: a stored tree writes each number without its trailing zeros), in June and in the
quarter it brings up to date. A voided record likewise; an adjustment scores the month whole."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from demo_helpers import ingested_demo
from pg_support import pg_url  # noqa: F401 (fixture)
from kaohe.core.periods import Period
from kaohe.office.ingest import ingest
from kaohe.office.jobs import score_period, scored_now
from kaohe.office.rescore import to_evaluate
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import load_bureau
from kaohe.store.store import Store

PERIODS = ("2015-04", "2015-05", "2015-06", "2015-Q2")


@pytest.fixture(scope="module")
def demo_scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo's year ingested, 2015-Q2 scored (its months, then the quarter); and the file
    holding 刑侦大队's cases."""
    d = tmp_path_factory.mktemp("rescore")
    bureau, registry, files = ingested_demo(d)
    with Store(bureau.database) as store:
        scored_now(store, bureau, registry, Period.parse("2015-Q2"))
    cases = next(f for f in files if f.name.endswith("破案记录_2015.xlsx"))
    return d, cases


def _copy(src: Path, dst: Path) -> Any:
    shutil.copytree(src, dst)
    pm = get_plugin_manager()
    registry = load_registry(pm)
    return load_bureau(dst / "kaohe.toml", registry), registry


def _stored(d: Path) -> dict[str, Any]:
    """Everything stored of ``PERIODS``, the run ids aside; numbers of the categories and items as
    decimals."""
    db = sqlite3.connect(d / "kaohe.sqlite")
    try:
        out: dict[str, Any] = {}
        q = "SELECT * FROM {} WHERE period IN ({}) ORDER BY period, unit"
        marks = ",".join("?" * len(PERIODS))
        for table, extra in (("scores", ""), ("explanations", ""), ("category_results", ", category"), ("item_results", ", item")):
            cur = db.execute(q.format(table, marks) + extra, PERIODS)
            names = [c[0] for c in cur.description]
            rows = []
            for row in cur:
                r = dict(zip(names, row, strict=True))
                r.pop("run_id", None)
                if table in ("category_results", "item_results"):
                    r = {k: Decimal(v) if k in ("base", "raw", "top", "weight", "score", "points", "uncapped") else v for k, v in r.items()}
                rows.append(r)
            out[table] = rows
        cur = db.execute(f"SELECT period, missing, empty, digest, parts FROM period_results WHERE period IN ({marks}) ORDER BY period", PERIODS)
        out["period_results"] = cur.fetchall()
        return out
    finally:
        db.close()


def _correct(cases: Path, to: Path) -> tuple[str, str]:
    """刑侦大队's cases file with the first case solved in June 2015 turned into one of the eight
    major kinds (or out of them): (its number, its unit as written)."""
    wb = openpyxl.load_workbook(cases)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[2]]
    when, major = header.index("破案日期"), header.index("是否八类")
    for row in ws.iter_rows(min_row=3):
        d = row[when].value
        if isinstance(d, dt.datetime) and d.year == 2015 and d.month == 6:
            row[major].value = "否" if row[major].value == "是" else "是"
            wb.save(to)
            return str(row[0].value), str(row[1].value)
    raise AssertionError("no case of June 2015")


def test_a_one_record_correction_rescored_equals_a_full_rescore(demo_scored, tmp_path):
    src, cases = demo_scored
    d = tmp_path / "bureau"
    bureau, registry = _copy(src, d)
    before = _stored(d)
    fixed = tmp_path / cases.name
    _correct(cases, fixed)
    with Store(bureau.database) as store:
        report = ingest(store, bureau, registry, fixed, actor="test")
        assert report.changed == 1 and report.new == 0
        fresh = to_evaluate(store, bureau, registry, Period.parse("2015-06"))
        assert fresh is not None
        xingzhen = {i.id for i in bureau.items if i.department == "刑侦大队"}
        assert fresh & xingzhen and len(fresh) < len(bureau.items) // 2  # only a few items evaluated again
        scored_now(store, bureau, registry, Period.parse("2015-06"))
    incremental = _stored(d)
    assert incremental != before  # the correction changed June and the quarter
    with Store(bureau.database) as store:
        scored_now(store, bureau, registry, Period.parse("2015-06"), full=True)
    assert _stored(d) == incremental


def test_a_voided_record_rescored_equals_a_full_rescore(demo_scored, tmp_path, taken):
    src, _ = demo_scored
    d = tmp_path / "bureau"
    bureau, registry = _copy(src, d)
    db = sqlite3.connect(d / "kaohe.sqlite")
    key = db.execute(
        "SELECT key FROM records WHERE department = '刑侦大队' AND month = '2015-06' AND kind LIKE '%case%' ORDER BY key"
    ).fetchone() or db.execute("SELECT key FROM records WHERE department = '刑侦大队' AND month = '2015-06' ORDER BY key").fetchone()
    db.close()
    before = _stored(d)
    with Store(bureau.database) as store:
        store.void_record(key[0], "复查:重复登记", actor="test")
        assert to_evaluate(store, bureau, registry, Period.parse("2015-06")) is not None
        scored_now(store, bureau, registry, Period.parse("2015-06"))
    incremental = _stored(d)
    assert incremental != before
    assert taken and taken[0] is not None  # the units whose records did not change taken as stored
    with Store(bureau.database) as store:
        scored_now(store, bureau, registry, Period.parse("2015-06"), full=True)
    assert _stored(d) == incremental


def test_adjustments_rescored_equal_a_full_rescore(demo_scored, tmp_path):
    """An adjustment of one item (a points change on appeal) has that item evaluated again, one of a
    unit's total is applied anew: the same results as a full rescore."""
    src, _ = demo_scored
    d = tmp_path / "bureau"
    bureau, registry = _copy(src, d)
    before = _stored(d)
    june = Period.parse("2015-06")
    unit = bureau.units[0].id
    item = next(i for i in bureau.items if i.department == "刑侦大队" and i.window(june) is not None)
    with Store(bureau.database) as store:
        assert to_evaluate(store, bureau, registry, june) == _flagging(bureau)  # nothing since
        store.add_adjustment("2015-06", unit, Decimal("1.5"), "复查改分", "刑侦大队", kind="复查改分", item=item.id, actor="test")
        store.add_adjustment("2015-06", unit, Decimal(2), "表彰", "考核领导小组", actor="test")
        assert to_evaluate(store, bureau, registry, june) == _flagging(bureau) | {item.id}
        scored_now(store, bureau, registry, june)
    incremental = _stored(d)
    assert incremental != before
    with Store(bureau.database) as store:
        scored_now(store, bureau, registry, june, full=True)
    assert _stored(d) == incremental


def _flagging(bureau: Any) -> set[str]:
    """The items whose rule may raise a flag: evaluated at every rescoring."""
    return {i.id for i in bureau.items if getattr(type(i.rule), "raises_flags", True)}


def test_a_sign_off_scores_the_month_whole(demo_scored, tmp_path):
    src, _ = demo_scored
    d = tmp_path / "bureau"
    bureau, registry = _copy(src, d)
    with Store(bureau.database) as store:
        store.sign_off("刑侦大队", "2015-06", "test")
        assert to_evaluate(store, bureau, registry, Period.parse("2015-06")) is None


def test_only_the_units_whose_tree_changed_are_rewritten(demo_scored, tmp_path):
    """A correction credited to one station changes few units' trees in June (the normalisation
    within a group may change others'): the rows of the others are left as they were (their run)."""
    src, cases = demo_scored
    d = tmp_path / "bureau"
    bureau, registry = _copy(src, d)
    fixed = tmp_path / cases.name
    _correct(cases, fixed)
    with Store(bureau.database) as store:
        ingest(store, bureau, registry, fixed, actor="test")
        scored_now(store, bureau, registry, Period.parse("2015-06"))
    db = sqlite3.connect(d / "kaohe.sqlite")
    run = db.execute("SELECT run_id FROM period_results WHERE period = '2015-06'").fetchone()[0]
    rewritten, units = db.execute("SELECT sum(run_id = ?), count(*) FROM scores WHERE period = '2015-06'", [run]).fetchone()
    db.close()
    assert 1 <= rewritten < units


def test_publishing_after_a_correction_equals_a_full_rescores_edition(demo_scored, tmp_path, monkeypatch):
    """Issue 18 point 1: after a one-record correction, publishing June and the quarter brings their
    stored results up to date (only what changed evaluated again) and makes each edition from them,
    never scoring the period whole; each edition is the one a full scoring of the period from the
    records gives: its result equal, its payload's digest the same, its report files the same bytes."""
    import attrs
    import kaohe.office.publication as publication
    from kaohe.office.jobs import history
    from kaohe.report.editions import freeze, inputs_entry, payload_chunks
    from kaohe.scoring.pipeline import score
    from kaohe.scoring.sources import StoreSource

    src, cases = demo_scored
    fixed = tmp_path / cases.name
    _correct(cases, fixed)
    d = tmp_path / "bureau"
    bureau, registry = _copy(src, d)
    with Store(bureau.database) as store:
        ingest(store, bureau, registry, fixed, actor="test")
        for label in ("2015-06", "2015-Q2"):
            period = Period.parse(label)
            monkeypatch.setattr(publication, "score", _refused)  # the period is never scored whole
            done = publication.publish(store, bureau, registry, period, out=d / "published" / label, allow_missing="测试", actor="test")
            monkeypatch.undo()
            assert not store.period_state(label) is None and publication.staleness(store, bureau, period) is None
            source = StoreSource(store, bureau, registry)
            every = bureau.evolve(engine="python")  # an edition lists every record's line
            whole = score(every, period, source, history(store, every, period, source, stored=False))
            # the edition's units: held without their record lines, each made whole as it is read
            assert attrs.evolve(done.result, units=tuple(done.units())) == whole
            rows = publication._adjustment_rows(store, bureau, period), publication._appeal_rows(store, bureau, period)
            confirmed = "测试" if whole.missing or whole.empty else None
            _, digest = freeze(payload_chunks(bureau, registry, whole, inputs_entry(store, bureau, period), *rows, confirmed))
            assert done.digest == digest
            assert done.directory is not None
            again, _ = publication.write_edition(store, bureau, registry, attrs.evolve(done, result=whole, whole=None), tmp_path / "whole" / label)
            files = sorted(f.name for f in done.directory.iterdir())
            assert files == sorted(f.name for f in again.iterdir()) and len(files) == 3
            for name in files:
                assert (done.directory / name).read_bytes() == (again / name).read_bytes(), name


def _refused(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the period was scored whole")


def test_a_longer_period_scored_whole_is_up_to_date_until_one_of_its_months_changes(tmp_path):
    """report_bureau scores each month, then 2015-Q1 whole from the records (``score_period``): the
    quarter keeps the digests of the three stored months it was scored beside, so it reads as up to
    date at once (it used to read "此后 2015-01 的计算结果已改变" right after being scored), and out
    of date once February is stored again with other results."""
    import report_bureau

    from kaohe.office.results import staleness

    bureau, registry, db = report_bureau.make(tmp_path)
    q1 = Period.parse("2015-Q1")
    with Store(db) as store:
        assert staleness(store, bureau, q1) is None
        state = store.period_state("2015-02")
        assert json.loads(store.period_state("2015-Q1")["parts"])["2015-02"] == state["digest"]
    (tmp_path / "late").mkdir()
    (tmp_path / "late" / "督察通报.csv").write_text("编号,单位,日期,说明\nZ1,rulin,2015-02-10,补报的督察通报\n", encoding="utf-8")
    with Store(db) as store:
        report = ingest(store, bureau, registry, tmp_path / "late" / "督察通报.csv", actor="test")
        assert report.new == 1, [r.text() for r in report.rejected]
        score_period(store, bureau, registry, Period.parse("2015-02"))
        assert staleness(store, bureau, Period.parse("2015-02")) is None
        assert staleness(store, bureau, q1) == "此后 2015-02 的计算结果已改变"

@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Each rescoring of what changed (``rescore.changed_only``, as ``score_period`` calls it): how many
    units it took as stored (their trees not read back) and how many it scored again; None when it
    could not tell and the month was scored as before."""
    import kaohe.office.jobs as jobs
    from kaohe.office import rescore

    seen: list[Any] = []

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        done = rescore.changed_only(*args, **kwargs)
        seen.append(None if done is None else (len(done.heads), len(done.decoded)))
        return done

    monkeypatch.setattr(jobs, "changed_only", wrapped)
    return seen


def _june(d: Path) -> dict[str, dict[str, Any]]:
    """unit → its June row (total, rank, run) and its categories' (raw, top)."""
    db = sqlite3.connect(d / "kaohe.sqlite")
    try:
        out: dict[str, dict[str, Any]] = {
            u: {"total": Decimal(t), "rank": r, "run": run, "cats": {}}
            for u, t, r, run in db.execute("SELECT unit, total, rank, run_id FROM scores WHERE period = '2015-06'")
        }
        for u, c, raw, top in db.execute("SELECT unit, category, raw, top FROM category_results WHERE period = '2015-06'"):
            out[u]["cats"][c] = (Decimal(raw), Decimal(top))
        return out
    finally:
        db.close()


def test_the_one_record_correction_takes_the_unchanged_units_as_stored(demo_scored, tmp_path, taken):
    """Issue 18 point 3: after the one-record correction, only the units whose results changed are
    read back and scored again; every other one is taken as stored (its tree not decoded), and the
    result is the full rescore's (``test_a_one_record_correction_rescored_equals_a_full_rescore``)."""
    src, cases = demo_scored
    d = tmp_path / "bureau"
    bureau, registry = _copy(src, d)
    fixed = tmp_path / cases.name
    _correct(cases, fixed)
    with Store(bureau.database) as store:
        ingest(store, bureau, registry, fixed, actor="test")
        scored_now(store, bureau, registry, Period.parse("2015-06"))
    n = len(bureau.active_units(Period.parse("2015-06")))
    assert len(taken) == 1 and taken[0] is not None
    kept, scored = taken[0]
    assert kept + scored == n and 1 <= scored < n // 2


def test_an_adjustment_moving_a_groups_top_rescores_the_group(demo_scored, tmp_path, taken):
    """An item's adjustment lifting the lowest unit of a normalised category far above its group's
    top: every unit of the group is normalised against the new top (seed 000 l.686), so every one
    of them is scored again, and the units of the other groups are taken as stored; the result is
    the full rescore's."""
    src, _ = demo_scored
    d = tmp_path / "bureau"
    bureau, registry = _copy(src, d)
    june = Period.parse("2015-06")
    before = _june(d)
    scheme = bureau.scheme
    cat = next(c for c in scheme.period_categories if c.normalise and not c.per_capita)
    item = next(i for i in bureau.items if i.category == cat.id and i.window(june) is not None and i.cap is None)
    members = [u for u in bureau.active_units(june) if cat.applies_to(u.series) and cat.id in before[u.id]["cats"]]
    low = min(members, key=lambda u: before[u.id]["cats"][cat.id][0])
    top = before[low.id]["cats"][cat.id][1]
    with Store(bureau.database) as store:
        store.add_adjustment("2015-06", low.id, top + 100, "复查改分", item.department, kind="复查改分", item=item.id, actor="test")
        scored_now(store, bureau, registry, june)
    after = _june(d)
    assert after[low.id]["cats"][cat.id][1] == after[low.id]["cats"][cat.id][0] > top  # the unit is its group's top now
    from kaohe.rules.base import group_key

    group = [u.id for u in members if group_key(u, scheme.normalise_within) == group_key(low, scheme.normalise_within)]
    assert len(group) > 1 and all(after[u]["cats"][cat.id][1] == after[low.id]["cats"][cat.id][0] for u in group)
    assert taken and taken[0] is not None and taken[0][1] >= len(group)
    incremental = _stored(d)
    with Store(bureau.database) as store:
        scored_now(store, bureau, registry, june, full=True)
    assert _stored(d) == incremental


def test_a_rank_moved_by_another_units_total_equals_a_full_rescore(demo_scored, tmp_path, taken):
    """The last unit of a series given 考核办's commendation (an adjustment of its total) above the
    first: it is ranked first, every other unit of its series one place lower. Those units are taken
    as stored (nothing of theirs changed but the rank): only their tree's tail and their score row
    are written again, and the result is the full rescore's."""
    src, _ = demo_scored
    d = tmp_path / "bureau"
    bureau, registry = _copy(src, d)
    june = Period.parse("2015-06")
    before = _june(d)
    series = bureau.active_units(june)[0].series
    members = [u.id for u in bureau.active_units(june) if u.series == series]
    last = max(members, key=lambda u: before[u]["rank"])
    lift = max(before[u]["total"] for u in members) - before[last]["total"] + 10
    with Store(bureau.database) as store:
        store.add_adjustment("2015-06", last, lift, "表彰", "考核领导小组", actor="test")
        scored_now(store, bureau, registry, june)
    after = _june(d)
    assert after[last]["rank"] == 1
    lower = [u for u in members if u != last and before[u]["rank"] < before[last]["rank"]]
    assert lower and all(after[u]["rank"] == before[u]["rank"] + 1 for u in lower)
    assert taken and taken[0] is not None and taken[0][0] >= len(lower)  # taken as stored, their ranks rewritten
    incremental = _stored(d)
    with Store(bureau.database) as store:
        scored_now(store, bureau, registry, june, full=True)
    assert _stored(d) == incremental


def test_an_appeal_decision_rescored_equals_a_full_rescore(demo_scored, tmp_path, taken):
    """June published, a unit's appeal against one of its deductions decided 改分 (its adjustment, an
    entry of its own): rescoring June gives the full rescore's results."""
    from kaohe.office.appeals import decide_appeal, file_appeal
    from kaohe.office.publication import publish

    src, _ = demo_scored
    d = tmp_path / "bureau"
    bureau, registry = _copy(src, d)
    june = Period.parse("2015-06")
    db = sqlite3.connect(d / "kaohe.sqlite")
    unit, item, points = db.execute(
        "SELECT unit, item, points FROM item_results WHERE period = '2015-06' AND CAST(points AS REAL) < 0 ORDER BY unit, item"
    ).fetchone()
    db.close()
    before = _stored(d)
    with Store(bureau.database) as store:
        publish(store, bureau, registry, june, out=d / "published", allow_missing="测试", actor="test")
        a = file_appeal(store, bureau, june, unit, item, "重复登记", actor="test")
        decide_appeal(store, bureau, a["id"], "改分", "考核办 王某", "核实属实", points=Decimal(points) / 2, actor="test")
        scored_now(store, bureau, registry, june)
    assert taken and taken[-1] is not None
    incremental = _stored(d)
    assert incremental != before
    with Store(bureau.database) as store:
        scored_now(store, bureau, registry, june, full=True)
    assert _stored(d) == incremental


def test_a_revoked_adjustment_rescored_equals_a_full_rescore(demo_scored, tmp_path, taken):
    """An adjustment of a unit's total made, June rescored, then revoked: the unit is scored again
    (its stored total holds the adjustment, the period has none in force now), its total as
    without it; the same results as a full rescore."""
    src, _ = demo_scored
    d = tmp_path / "bureau"
    bureau, registry = _copy(src, d)
    june = Period.parse("2015-06")
    unit = bureau.units[0].id
    before = _june(d)
    with Store(bureau.database) as store:
        adj = store.add_adjustment("2015-06", unit, Decimal(3), "表彰", "考核领导小组", actor="test")
        scored_now(store, bureau, registry, june)
        assert _june(d)[unit]["total"] == before[unit]["total"] + 3
        store.revoke_adjustment(adj.id, "重复登记", "test")
        scored_now(store, bureau, registry, june)
    assert _june(d)[unit]["total"] == before[unit]["total"]
    assert len(taken) == 2 and all(t is not None for t in taken)
    incremental = _stored(d)
    with Store(bureau.database) as store:
        scored_now(store, bureau, registry, june, full=True)
    assert _stored(d) == incremental


def _june_rows(store: Store) -> tuple[list[Any], list[Any]]:
    """June's stored trees and scores (but their run), by unit."""
    trees = store.db.execute("SELECT unit, tree FROM explanations WHERE period = '2015-06' ORDER BY unit").fetchall()
    scores = store.db.execute(
        "SELECT unit, name, series, class, total, subtotal, rank, flags, veto, carried, fields FROM scores"
        " WHERE period = '2015-06' ORDER BY unit"
    ).fetchall()
    return [tuple(r) for r in trees], [tuple(r) for r in scores]


def test_the_one_record_correction_on_postgresql_equals_a_full_rescore(tmp_path, pg_url, taken, monkeypatch):  # noqa: F811
    """PostgreSQL's store reads the stored trees as bytes too (``PgStore.period_texts``): after the
    one-record correction, the units taken as stored keep their rows, and what is stored (trees,
    scores, the period's digest) is what a full rescore stores."""
    monkeypatch.setenv("KAOHE_DATABASE_URL", pg_url)
    bureau, registry, files = ingested_demo(tmp_path)
    cases = next(f for f in files if f.name.endswith("破案记录_2015.xlsx"))
    june = Period.parse("2015-06")
    fixed = tmp_path / cases.name
    _correct(cases, fixed)
    with Store(bureau.database) as store:
        for month in ("2015-04", "2015-05", "2015-06"):
            score_period(store, bureau, registry, Period.parse(month))
        assert ingest(store, bureau, registry, fixed, actor="test").changed == 1
        score_period(store, bureau, registry, june, full=False)
        state = store.period_state("2015-06")
        assert state is not None
        changed = (state["digest"], _june_rows(store))
        score_period(store, bureau, registry, june)
        state = store.period_state("2015-06")
        assert state is not None
        assert (state["digest"], _june_rows(store)) == changed
    assert len(taken) == 1 and taken[0] is not None and taken[0][0] > 0  # units taken as stored


def test_results_stored_by_another_run_meanwhile_are_not_overwritten_with_units_without_items(demo_scored, tmp_path):
    """A rescoring of what changed takes most units as stored, without their items: if another run
    stored the month after it read it (another ``kaohe score``), those units cannot be written
    whole: the store refuses (one line, ``StoreBusy``) and keeps what the other run stored."""
    from kaohe.office.jobs import history
    from kaohe.office.rescore import changed_only
    from kaohe.office.results import config_digest, foldable
    from kaohe.scoring.sources import StoreSource
    from kaohe.store.store import StoreBusy

    src, cases = demo_scored
    d = tmp_path / "bureau"
    bureau, registry = _copy(src, d)
    fixed = tmp_path / cases.name
    _correct(cases, fixed)
    june = Period.parse("2015-06")
    with Store(bureau.database) as store:
        ingest(store, bureau, registry, fixed, actor="test")
        source = StoreSource(store, bureau, registry)
        fresh = to_evaluate(store, bureau, registry, june)
        state = store.period_state("2015-06")
        assert fresh is not None and state is not None
        done = changed_only(store, bureau, registry, june, fresh, source, history(store, bureau, june, source))
        assert done is not None and done.heads
        score_period(store, bureau, registry, june, full=True)  # another run stores the month meanwhile
        after = _stored(d)
        with pytest.raises(StoreBusy, match="已被另一次计算保存"):
            store.save_result(
                done.result, config_digest(bureau, june), len(bureau.items), None, done.trees, int(state["run_id"]),
                foldable(bureau, june), done.decoded, done.reused, None, done.heads,
            )
    assert _stored(d) == after
