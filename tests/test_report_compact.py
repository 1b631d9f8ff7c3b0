"""The published page written compactly (issue 18 point 5): the item's title, reference and period
said once per item (``dl.item-facts``) instead of in every record line's details, no indentation from
the template, the markup still well formed; and an edition whose page an earlier kaohe wrote (in the
old layout) still verifies, its file's checksum recorded when it was published."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import office_bureau as ob
import report_bureau as rb

VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source"}


class Balance(HTMLParser):
    """Every element closed in the order it was opened (no end tag left out or misplaced)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> at {self.getpos()} while {self.stack[-3:]} open")
            return
        self.stack.pop()


def _text(markup: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", markup))


def test_the_page_says_an_items_facts_once_without_indentation_and_well_formed(tmp_path: Path, monkeypatch: Any) -> None:
    """Page layout 2 (kept to write again the page of an edition published in it)."""
    from kaohe.report import html as report_html

    monkeypatch.setattr(report_html, "LAYOUT", 2)
    *_, html = rb.publish_period(tmp_path, "2015-03")
    page = html.read_text(encoding="utf-8")
    check = Balance()
    check.feed(page)
    check.close()
    assert check.errors == [] and check.stack == []
    body = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    assert not re.search(r"^[ \t]", body, re.M)  # no line indented
    evil = page[page.index('<section id="unit-evil"'):]
    evil = evil[: evil.index("</section>")]
    items = re.findall(r'<details class="item" id="[^"]+">.*?</ol>', evil, re.S)
    assert items and all(i.count('<dl class="item-facts">') == 1 for i in items)
    criticised = next(i for i in items if "被督察通报批评" in i)
    facts = re.search(r'<dl class="item-facts">(.*?)</dl>', criticised, re.S)
    assert facts is not None
    # the item as the test bureau defines it (report_bureau.py): its title, category, seed line, month
    assert _text(facts.group(1)) == "考核项目被督察通报批评(队伍建设)依据seed 000 l.446计分期2015-03"
    # the record line: its own facts only, the reference no longer repeated
    detail = re.search(r'<dl class="record-detail">(.*?)</dl>', criticised, re.S)
    assert detail is not None
    assert _text(detail.group(1)) == (
        f"记录编号testdept.check:C04记录日期2015-03-13报送部门督察支队记录说明{rb.EVIL_NOTE}来源督察通报.csv · 第5行"
    )
    assert "考核项目" not in "".join(re.findall(r'<dl class="record-detail">.*?</dl>', page, re.S))


def test_an_edition_whose_page_an_earlier_kaohe_wrote_still_verifies(tmp_path: Path, monkeypatch: Any) -> None:
    """Edition 1 published as the code before the compact page did (page layout 1, its files'
    record in the audit trail without ``html_layout``), edition 2 now: both verify against the
    checksums recorded when each was published; edition 1's lost page is written again in layout 1,
    byte for byte; a byte changed in the old page is found."""
    from kaohe.core.periods import Period
    from kaohe.office.ingest import ingest
    from kaohe.office.publication import publish
    from kaohe.plugins.discovery import get_plugin_manager, load_registry
    from kaohe.report import html as report_html
    from kaohe.scheme.config import load_bureau
    from kaohe.store.integrity import verify
    from kaohe.store.store import Store

    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")
    d = tmp_path / "bureau"
    reg = load_registry(get_plugin_manager())
    bureau = load_bureau(ob.make(d), reg)
    april = Period.parse("2015-04")
    with Store(bureau.database) as store:
        assert not ingest(store, bureau, reg, d / "register.csv", actor="考核办").rejected
        with monkeypatch.context() as m:
            m.setattr(report_html, "LAYOUT", 1)
            first = publish(store, bureau, reg, april, published_on=dt.date(2015, 5, 6), actor="考核办")
        page = first.directory / "index.html"
        old = page.read_bytes()
        assert re.search(rb"^ +<dl class=\"record-detail\">", old, re.M) and b"item-facts" not in old
        trail = [json.loads(e["detail"]) for e in store.audit(action="发布文件")]
        assert len(trail) == 1 and "html_layout" not in trail[0]
        page.unlink()  # written again in the layout it was published in
        again = publish(store, bureau, reg, april, published_on=dt.date(2015, 5, 6), actor="考核办")
        assert (again.number, again.new) == (1, False) and page.read_bytes() == old

        store.add_adjustment("2015-04", "a", Decimal(1), "协助破获重大案件", "考核领导小组", actor="考核办")
        second = publish(store, bureau, reg, april, published_on=dt.date(2015, 5, 7), actor="考核办")
        assert second.number == 2
        new = (second.directory / "index.html").read_text(encoding="utf-8")
        assert 'id="lines-data"' in new and not re.search(r"^ +<", new, re.M)
        assert json.loads(store.audit(action="发布文件")[-1]["detail"])["html_layout"] == 3
        result = verify(store, root=d)
        assert result.findings == [] and result.files == 6
        page.write_bytes(old.replace(b"<main>", b"<main> "))  # the old page changed by a byte: found
        found = [f.message for f in verify(store, root=d).findings]
        assert len(found) == 1 and "第1版" in found[0] and "index.html" in found[0]


def test_an_edition_published_in_page_layout_2_and_json_version_2_is_written_again_in_them(tmp_path: Path, monkeypatch: Any) -> None:
    """Edition 1 published as the code before page layout 3 and JSON version 3 did: its lost page
    and JSON are written again in layout 2 and version 2, byte for byte, and verify; edition 2 is
    published in layout 3 and version 3."""
    from kaohe.core.periods import Period
    from kaohe.office.ingest import ingest
    from kaohe.office.publication import publish
    from kaohe.plugins.discovery import get_plugin_manager, load_registry
    from kaohe.report import html as report_html
    from kaohe.report import jsondata
    from kaohe.scheme.config import load_bureau
    from kaohe.store.integrity import verify
    from kaohe.store.store import Store

    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")
    d = tmp_path / "bureau"
    reg = load_registry(get_plugin_manager())
    bureau = load_bureau(ob.make(d), reg)
    april = Period.parse("2015-04")
    with Store(bureau.database) as store:
        assert not ingest(store, bureau, reg, d / "register.csv", actor="考核办").rejected
        with monkeypatch.context() as m:
            m.setattr(report_html, "LAYOUT", 2)
            m.setattr(jsondata, "VERSION", 2)
            first = publish(store, bureau, reg, april, published_on=dt.date(2015, 5, 6), actor="考核办")
        page, doc = first.directory / "index.html", first.directory / "report-2015-04.json"
        old_page, old_doc = page.read_bytes(), doc.read_bytes()
        assert b"item-facts" in old_page and b"lines-data" not in old_page and json.loads(old_doc)["version"] == 2
        trail = json.loads(store.audit(action="发布文件")[-1]["detail"])
        assert (trail["html_layout"], trail["json_version"]) == (2, 2)
        page.unlink()
        doc.unlink()
        again = publish(store, bureau, reg, april, published_on=dt.date(2015, 5, 6), actor="考核办")
        assert (again.number, again.new) == (1, False)
        assert page.read_bytes() == old_page and doc.read_bytes() == old_doc

        store.add_adjustment("2015-04", "a", Decimal(1), "协助破获重大案件", "考核领导小组", actor="考核办")
        second = publish(store, bureau, reg, april, published_on=dt.date(2015, 5, 7), actor="考核办")
        assert second.number == 2
        new = (second.directory / "index.html").read_text(encoding="utf-8")
        assert 'id="lines-data"' in new and json.loads((second.directory / "report-2015-04.json").read_text(encoding="utf-8"))["version"] == 3
        trail = json.loads(store.audit(action="发布文件")[-1]["detail"])
        assert (trail["html_layout"], trail["json_version"]) == (3, 3)
        result = verify(store, root=d)
        assert result.findings == [] and result.files == 6
