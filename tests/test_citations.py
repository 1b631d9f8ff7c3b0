"""Citations a station can check (issue #19 point 3): the bureau names its regulations in
``[regulations]``, each item names the article, and explain, the HTML, XLSX and JSON report say
依据《…》第X条. The bundled 出入境 plugin and a real store; the articles read off seed 000:
l.618 "(四)出入境大队考核派出所基础工作" of 第十一条 (l.538), l.622 "2、常驻境外人员"."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import kaohe_churujing
import openpyxl
import pytest
from intake_helpers import write_xlsx
from kaohe import Item, cite, rules
from kaohe.core.errors import ConfigError, RuleError
from kaohe.core.periods import Period
from kaohe.office.ingest import ingest
from kaohe.office.jobs import score_period
from kaohe.plugins.discovery import BUILTIN, get_plugin_manager, load_registry
from kaohe.report import publish
from kaohe.scheme.config import parse_bureau
from kaohe.scoring.explain import unit_data, unit_text
from kaohe.store.store import Store

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2016, 1, 1)
TITLE = "派出所绩效考核制度"
CITED = "《派出所绩效考核制度》第十一条(四)2"  # 常驻境外人员漏登 (l.622)


def registry():
    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("churujing", kaohe_churujing)]))
    assert not reg.errors, reg.errors
    return reg


def config(**more):
    return {
        "bureau": {"name": "测试局", "cutoff_day": 20},
        "series": [{"id": "A"}],
        "categories": [{"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100}],
        "units": [{"id": "jincheng", "name": "金城派出所", "series": "A", "class": "A", "headcount": 40}],
        **more,
    }


REGULATIONS = {"jintan_2015": {"title": TITLE, "number": "坛公发〔2015〕12号", "date": dt.date(2015, 4, 1)}}


@pytest.fixture
def reg():
    return registry()


def test_items_cite_the_regulation_the_bureau_names(reg):
    b = parse_bureau(config(regulations=REGULATIONS), reg)
    missed = b.item("churujing.resident_missed")
    assert (missed.document, missed.article, missed.citation) == ("jintan_2015", "第十一条(四)2", CITED)
    assert missed.reference == "seed 000 l.622"  # the seed line stays, for the plugin's authors
    assert b.item("churujing.lodging_late").basis == "《派出所绩效考核制度》第十一条(四)1"
    assert b.item("churujing.exit_ban_filing").basis == "《派出所绩效考核制度》第十一条(四)3"
    (regulation,) = b.regulations
    assert regulation.name == "《派出所绩效考核制度》(坛公发〔2015〕12号,2015年4月1日印发)"


def test_without_the_regulation_named_the_article_alone(reg):
    b = parse_bureau(config(), reg)
    assert b.item("churujing.resident_missed").basis == "第十一条(四)2"


def test_a_bureau_overrides_an_article_and_its_office_items_cite_the_only_regulation(reg):
    office = {
        "id": "office.flood_duty", "title": "防汛值守未到岗", "category": "jichu", "reference": "局考核办通知",
        "article": "第十五条", "reads": ["office.flood_duty"], "shape": "per_occurrence", "params": {"points": -2},
    }
    items = {"enable": ["*"], "churujing.resident_missed": {"article": "第八条(二)"}}
    b = parse_bureau(config(regulations=REGULATIONS, items=items, office_items=[office]), reg)
    assert b.item("churujing.resident_missed").basis == "《派出所绩效考核制度》第八条(二)"
    assert b.item("office.flood_duty").basis == "《派出所绩效考核制度》第十五条"
    # an office item without an article cites its reference, as before
    del office["article"]
    b = parse_bureau(config(regulations=REGULATIONS, office_items=[office]), reg)
    assert b.item("office.flood_duty").basis == "局考核办通知"


def test_a_document_the_configuration_does_not_name_is_an_error(reg):
    items = {"enable": ["*"], "churujing.resident_missed": {"document": "jintan_2016"}}
    with pytest.raises(ConfigError) as err:
        parse_bureau(config(regulations=REGULATIONS, items=items), reg, "kaohe.toml")
    assert 'items."churujing.resident_missed".document' in str(err.value)
    assert "jintan_2015" in str(err.value) and "'jintan_2016'" in str(err.value)
    with pytest.raises(ConfigError, match="regulations.jintan_2015.title"):
        parse_bureau(config(regulations={"jintan_2015": {"number": "坛公发〔2015〕12号"}}), reg, "kaohe.toml")
    with pytest.raises(ConfigError, match="regulations.jintan_2015.*未知"):
        parse_bureau(config(regulations={"jintan_2015": {"title": TITLE, "wenhao": "x"}}), reg, "kaohe.toml")


def test_cite_names_an_item_whose_line_is_not_in_the_table():
    item = Item(id="x.a", title="甲", department="乙", category="jichu", reference="seed 000 l.999", reads=["x.a"],
                rule=rules.PerOccurrence(points=-1))
    assert cite([item], "doc", {999: "第一条"})[0].article == "第一条"
    with pytest.raises(RuleError, match="x.a"):
        cite([item], "doc", {620: "第十一条(四)1"})


def test_every_bundled_item_names_an_article():
    reg = load_registry()
    bundled = [i for i in reg.items.values() if i.plugin != "office"]
    assert len(bundled) > 250
    assert all(i.document == "jintan_2015" and i.article.startswith("第") for i in bundled), [
        i.id for i in bundled if not i.article
    ]
    # spot checks against the seed's text
    assert reg.items["jiwei.veto_bans"].article == "第五条(一)"  # l.432
    assert reg.items["jingzhen.prosecuted_quarterly"].article == "第八条(二)“打击处理季度加考部分”(3)"  # l.524
    assert reg.items["xiaofang.dec_fire_honour"].article == "第十二条(十八)"  # l.684


def test_explain_and_the_report_cite_by_article(tmp_path, reg):
    b = parse_bureau(config(regulations=REGULATIONS), reg)
    with Store(tmp_path / "kaohe.sqlite") as store:
        f = write_xlsx(
            tmp_path / "churujing.xlsx", [[dt.date(2015, 4, 20), "金城派出所", 2]],
            headers=["统计截止日期", "派出所", "常驻境外人员漏登人次"],
        )
        ingest(store, b, reg, f, today=TODAY)
        result = score_period(store, b.evolve(engine="python"), reg, Period.parse("2015-04"))  # every line, as published
        unit = result.unit("jincheng")
        text = unit_text(unit)
        # 2 人次 × 扣0.5分 (l.622)
        assert f"◆ 常驻境外人员漏登 -1  〔出入境大队;依据{CITED}〕" in text
        (missed,) = [i for c in unit_data(unit)["categories"] for i in c["items"] if i["item"] == "churujing.resident_missed"]
        assert missed["reference"] == CITED
        html = publish(tmp_path / "out", b, reg, result, store)
    page = html.read_text(encoding="utf-8")
    assert f"依据{CITED}" in page
    assert "考核依据:《派出所绩效考核制度》(坛公发〔2015〕12号,2015年4月1日印发)" in page
    assert "seed 000" not in page
    report = json.loads((html.parent / "report-2015-04.json").read_text(encoding="utf-8"))
    assert report["regulations"] == [
        {"key": "jintan_2015", "title": TITLE, "number": "坛公发〔2015〕12号", "date": "2015-04-01"}
    ]
    ws = openpyxl.load_workbook(html.parent / "通报-2015-04.xlsx")["金城派出所"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5) if r[1].value == "常驻境外人员漏登"]
    assert [r[3] for r in rows] == [CITED]


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT / "examples").iterdir() if (p / "kaohe.toml").exists()))
def test_every_office_item_of_the_examples_cites_its_regulation(example):
    data = tomllib.loads((ROOT / "examples" / example / "kaohe.toml").read_text(encoding="utf-8"))
    (key,) = data["regulations"]
    b = parse_bureau(data, load_registry(get_plugin_manager(load_entrypoints=False, plugins=BUILTIN)), base=ROOT / "examples" / example)
    office = [i for i in b.items if i.plugin == "office"]
    assert office and all(i.document == key and i.basis.startswith(f"《{data['regulations'][key]['title']}》") for i in office)
