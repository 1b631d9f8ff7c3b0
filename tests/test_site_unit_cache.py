"""The unit page's body is kept per process until the store changes (web/pages.py ``unit_page``, as
the ranking is): a correction, a rescoring and a new edition are seen on the next request, and two
accounts with different views never get each other's page. On site_support's bureau: 直溪 (zhixi)
2015-04 is 98 (test_site_ranking.py works it out by hand); an office adjustment of −0.5 makes it 97.5."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
import report_bureau
from kaohe.core.periods import Period
from kaohe.office.jobs import score_period
from kaohe.office.publication import publish
from kaohe.store.store import Store
from site_support import make_site, running, signed_in


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    bureau, db = make_site(tmp_path_factory.mktemp("unit-cache"))
    with running(bureau) as base:
        yield base, bureau, db


def test_a_correction_and_a_rescoring_are_seen_on_the_next_request_and_views_stay_apart(site):
    base, bureau, db = site
    office, station = signed_in(base, "office"), signed_in(base, "xuebu")
    for _ in range(2):  # the second answer comes from what was kept
        status, _, html = office.get("/unit/2015-04/zhixi")
        assert status == 200 and "总分 <strong>98</strong>" in html and "已过时" not in html
    with Store(db) as store:
        store.add_adjustment("2015-04", "zhixi", D("-0.5"), "通报批评", "考核办", actor="office")
    status, _, html = office.get("/unit/2015-04/zhixi")
    assert "总分 <strong>98</strong>" in html and "保存的结果已过时(此后有调整)" in html  # told, not re-scored
    with Store(db) as store:
        score_period(store, bureau, report_bureau.registry(), Period.parse("2015-04"))
    status, _, html = office.get("/unit/2015-04/zhixi")
    assert "总分 <strong>97.5</strong>" in html and "已过时" not in html
    # a station never gets the office's page of another unit, kept or not; nor a draft of its own
    assert station.get("/unit/2015-04/zhixi")[0] == 403
    assert station.get("/unit/2015-04/xuebu")[0] == 403
    with Store(db) as store:
        publish(store, bureau, report_bureau.registry(), Period.parse("2015-04"), published_on=dt.date(2015, 5, 6), actor="test", write=False)
    status, _, html = station.get("/unit/2015-04/xuebu")
    assert status == 200 and "已过时" not in html and "薛埠" in html
    assert "申请复查" not in html or "/appeals/new/2015-04/xuebu" in html  # its own appeal links only
