"""Appeals on the site (issue 17, point 5): a station appeals one deduction with evidence, the owning
department decides online, the next edition carries the decision; every refusal changes nothing.

The bureau is report_bureau's (tests/site_support): in 2015-02 儒林派出所 (series s2) has three
"接警后未按时到场" records of 测试大队 at −1 each (E11-E13: 基础工作建设 60 − 3 = 57) and one
"被督察通报批评" of 督察支队 at −2 (队伍建设 40 − 2 = 38); in s2 the top 队伍建设 is 薛埠's 42 (one
表扬 +2) and the top 基础工作建设 is 60. So 儒林's month score, by seed 000 l.686 (category ÷ the
series' top × weight), is 38/42 × 40 + 57/60 × 60 = 36.19 + 57 = 93.19; with E11 changed from −1 to
0 on appeal it is 36.19 + 58/60 × 60 = 94.19.

2015-02 is published today (its appeal window open), 2015-01 on 2015-01-26 (its window long shut)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import report_bureau
from pg_support import module_database  # noqa: F401 (the fixture: each backend)
from site_support import ACCOUNTS, PASSWORD, Client, running, signed_in

from kaohe.core.periods import Period
from kaohe.office.accounts import add_users
from kaohe.office.evidence import unchanged as evidence_unchanged
from kaohe.office.publication import publish
from kaohe.store.store import Store

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
LATE = "/appeals/new/2015-02/rulin?item=testdept.late&record=testdept.event:E11"


def make(tmp: Path, database: str = "kaohe.sqlite") -> tuple[Any, Any, Path]:
    bureau, reg, db = report_bureau.make(tmp, database)
    with Store(db) as store:
        publish(store, bureau, reg, Period.parse("2015-01"), published_on=dt.date(2015, 1, 26), actor="test", write=False)
        publish(store, bureau, reg, Period.parse("2015-02"), published_on=dt.date.today(), actor="test", write=False)
        add_users(store, bureau, [(a, n, r, w, PASSWORD) for a, n, r, w in ACCOUNTS], "test")
        add_users(store, bureau, [("ducha", "督察支队内勤", "部门", "督察支队", PASSWORD)], "test")
    return bureau, reg, db


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, module_database: str) -> Iterator[tuple[str, Any, Any, Path]]:  # noqa: F811
    tmp = tmp_path_factory.mktemp("site-appeals")
    bureau, reg, db = make(tmp, module_database)
    with running(bureau) as base:
        yield base, bureau, reg, db


def tokens(body: str) -> dict[str, str]:
    return dict(re.findall(r'name="(csrf|form|item|record)" value="([^"]*)"', body))


def post_files(
    c: Client, path: str, fields: dict[str, str], files: list[tuple[str, bytes]], length: int | None = None,
) -> tuple[int, dict[str, str], str]:
    """A multipart POST, as a browser sends a form with files."""
    boundary = "----kaohe" + secrets.token_hex(8)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    for name, data in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    req = urllib.request.Request(
        c.base + path, data=b"".join(parts), headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", **({"Content-Length": str(length)} if length else {}),
        },
    )
    try:
        with c.opener.open(req, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read().decode("utf-8")


def file_one(c: Client, url: str, reason: str, files: list[tuple[str, bytes]], **extra: str) -> tuple[int, dict[str, str], str]:
    status, _, body = c.get(url)
    assert status == 200, body
    t = tokens(body)
    path = url.split("?")[0]
    return post_files(c, path, {**t, "reason": reason, **extra}, files)


def state(db: Path, bureau: Any) -> tuple[int, int, list[str]]:
    """What a refusal must leave as it was: the appeals, the audit trail, the evidence kept."""
    with Store(db) as store:
        n, audit = len(store.appeals()), store.last_audit_id()
    folder = Path(bureau.office.evidence_directory)
    return n, audit, sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def total(c: Client, unit: str = "rulin") -> str:
    status, data = c.json(f"/unit/2015-02/{unit}.json")
    assert status == 200, data
    return str(data["total"])


def test_a_station_appeals_with_a_pdf_the_department_changes_the_points_and_the_next_edition_carries_it(site):
    base, bureau, reg, db = site
    rulin = signed_in(base, "rulin")
    assert total(rulin) == "93.19"

    # the form shows the deduction: item, points, reason, regulation
    status, page = rulin.json(LATE.replace("/rulin?", "/rulin.json?"))
    assert status == 200 and page["refused"] is None
    assert (page["title"], page["points"], page["reference"], page["department"]) == ("接警后未按时到场", "-1", "seed 000 l.548", "测试大队")

    status, headers, _ = file_one(rulin, LATE, "当日系统故障,到场时间记录有误", [("到场记录.pdf", PDF), ("现场照片.png", PNG)])
    assert status == 303, _
    where = headers["location"]
    appeal_id = int(where.rsplit("/", 1)[1])

    # filed through the use case, with the account as the actor; the files outside the database
    with Store(db) as store:
        a = store.appeal(appeal_id)
        assert a is not None and (a["unit"], a["item"], a["record"], a["points"], a["actor"]) == (
            "rulin", "testdept.late", "testdept.event:E11", "-1", "rulin",
        )
        files = store.appeal_evidence(appeal_id)
    assert [(f["name"], f["type"], f["size"]) for f in files] == [("到场记录.pdf", "application/pdf", len(PDF)), ("现场照片.png", "image/png", len(PNG))]
    kept = Path(bureau.office.evidence_directory) / files[0]["sha256"][:2] / files[0]["sha256"]
    assert kept.read_bytes() == PDF
    with Store(db) as store:  # kaohe verify finds both, unchanged
        assert [(s, f["name"]) for s, f in store.kept_evidence() if s == f"appeal:{appeal_id}"] == [
            (f"appeal:{appeal_id}", "到场记录.pdf"), (f"appeal:{appeal_id}", "现场照片.png"),
        ]
        assert evidence_unchanged(store, bureau.office.evidence_directory)[1] == []

    # served to the unit and the department, as a PDF shown in the browser; not to another unit or a leader
    dept = signed_in(base, "dept")
    for c in (rulin, dept):
        status, headers, _ = c.get(f"/appeals/{appeal_id}/evidence/1")
        assert status == 200 and headers["content-type"] == "application/pdf"
        assert headers["content-disposition"].startswith("inline;") and headers["x-content-type-options"] == "nosniff"
        assert "object-src 'self'" in headers["content-security-policy"] and "script-src 'self'" in headers["content-security-policy"]
    for account in ("xuebu", "leader", "ducha"):
        other = signed_in(base, account)
        assert other.get(f"/appeals/{appeal_id}/evidence/1")[0] == 404
    assert signed_in(base, "xuebu").get(f"/appeals/{appeal_id}")[0] == 404
    assert signed_in(base, "ducha").get(f"/appeals/{appeal_id}")[0] == 404

    # the department's queue holds it, pending; 薛埠 sees none of it
    status, q = dept.json("/appeals.json")
    assert status == 200 and [(r["id"], r["outcome"]) for r in q["appeals"]] == [(appeal_id, None)] and q["pending"] == 1
    assert signed_in(base, "xuebu").json("/appeals.json")[1]["appeals"] == []

    # 督察支队 may not decide 测试大队's appeal
    csrf = signed_in(base, "ducha")
    assert post_decision(csrf, appeal_id, {"outcome": "维持", "reason": "x"})[0] == 404

    # the department changes the points: −1 → 0
    status, headers, body = post_decision(dept, appeal_id, {"outcome": "改分", "points": "0", "reason": "系统日志证实按时到场"})
    assert status == 303, body
    # a second decision: refused, nothing changed
    before = state(db, bureau)
    status, _, body = post_decision(dept, appeal_id, {"outcome": "维持", "reason": "再决定一次"})
    assert status == 409 and "决定不可更改" in body and state(db, bureau) == before

    # the unit sees the decision
    status, one = rulin.json(f"/appeals/{appeal_id}.json")
    assert (one["outcome"], one["new_points"], one["decider"]) == ("改分", "0", "测试大队 测试大队乙")

    # the office publishes again: the second edition carries it, and the unit's total is 94.19
    with Store(db) as store:
        done = publish(store, bureau, reg, Period.parse("2015-02"), actor="office", write=False)
        assert done.number == 2
    assert total(rulin) == "94.19"


def post_decision(c: Client, appeal_id: int, fields: dict[str, str]) -> tuple[int, dict[str, str], str]:
    return c.request(f"/appeals/{appeal_id}/decide", {"csrf": c.csrf(f"/appeals"), **fields})


@pytest.mark.parametrize(
    ("account", "url", "files", "expected"),
    [
        # after the deadline: 2015-01 was published 2015-01-26
        ("rulin", "/appeals/new/2015-01/rulin?item=testdept.late&record=testdept.event:E01", [], "已超过复查申请期限"),
        # against a bonus: 薛埠's 表扬 +2
        ("xuebu", "/appeals/new/2015-02/xuebu?item=testdept.praise&record=testdept.event:E18", [], "复查申请只针对扣分"),
        # a file that is not a photo, PDF or scan (HTML named .pdf)
        ("rulin", LATE, [("证据.pdf", b"<html><script>alert(1)</script></html>")], "内容不是照片、PDF 或扫描件"),
        # a PDF named as a photo
        ("rulin", LATE, [("证据.jpg", PDF)], "与文件名的扩展名“.jpg”不符"),
        # too many files (the default: 5)
        ("rulin", LATE, [(f"p{i}.pdf", PDF + bytes([i])) for i in range(6)], "至多 5 个文件"),
    ],
)
def test_refusals_change_nothing(site, account, url, files, expected):
    base, bureau, _, db = site
    c = signed_in(base, account)
    before = state(db, bureau)
    status, _, body = c.get(url)
    assert status == 200
    if files:  # the form is offered; the filing refused
        status, _, body = file_one(c, url, "理由", files)
        assert status == 400
    else:  # no form: the page says why; a POST anyway is refused too
        assert 'enctype="multipart/form-data"' not in body
        t = {"csrf": c.csrf(url), "form": secrets.token_urlsafe(24), **dict(re.findall(r"[?&](item|record)=([^&]+)", url))}
        status, _, posted = post_files(c, url.split("?")[0], {**t, "reason": "理由"}, [])
        assert status == 400 and expected in posted
    assert expected in body
    assert state(db, bureau) == before


def test_an_oversized_file_is_refused_and_nothing_is_kept(site):
    base, bureau, _, db = site
    c = signed_in(base, "rulin")
    before = state(db, bureau)
    big = PDF + b"0" * (10 << 20)  # one byte past 10 MB, the default
    status, _, body = file_one(c, LATE.replace("E11", "E12"), "理由", [("大.pdf", big)])
    assert status == 400 and "太大:每个文件至多 10 MB" in body
    # a body beyond what the limits allow at all is refused before it is read
    # (a body that says it is longer than five such files: the server answers before reading it)
    _, _, page = c.get(LATE.replace("E11", "E12"))
    status, _, body = post_files(c, "/appeals/new/2015-02/rulin", {**tokens(page), "reason": "理由"}, [("a.pdf", PDF)], length=60 << 20)
    assert status == 413 and "提交的内容太大" in body
    assert state(db, bureau) == before


def test_a_replayed_form_another_units_page_and_a_missing_token_are_refused(site):
    base, bureau, _, db = site
    c = signed_in(base, "rulin")
    url = LATE.replace("E11", "E13")
    status, _, body = c.get(url)
    t = tokens(body)
    fields = {**t, "reason": "重复提交测试"}
    status, headers, _ = post_files(c, url.split("?")[0], fields, [("a.pdf", PDF)])
    assert status == 303
    before = state(db, bureau)
    status, _, body = post_files(c, url.split("?")[0], fields, [("a.pdf", PDF)])  # the same form again
    assert status == 409 and "此表单已提交过" in body
    assert state(db, bureau) == before
    # another unit's form by URL, and a form without the CSRF token
    assert c.get("/appeals/new/2015-02/xuebu?item=testdept.late")[0] == 403
    status, _, body = post_files(c, url.split("?")[0], {**fields, "csrf": "", "form": secrets.token_urlsafe(24)}, [])
    assert status == 403 and "校验码" in body
    assert state(db, bureau) == before


def test_the_office_sees_every_appeal_and_a_leader_no_evidence(site):
    base, *_ = site
    office = signed_in(base, "office")
    status, q = office.json("/appeals.json")
    assert status == 200 and q["appeals"] and q["deciding"]
    assert all(r["unit"] == "rulin" for r in q["appeals"])
    status, one = signed_in(base, "leader").json(f"/appeals/{q['appeals'][0]['id']}.json")
    assert status == 200 and one["evidence"] == [] and not one["may_decide"]


def test_a_decision_out_of_range_is_refused_and_a_void_marks_the_record(site):
    base, bureau, _, db = site
    with Store(db) as store:
        pending = [a for a in store.appeals(pending=True) if a["record"] == "testdept.event:E13"]
    assert len(pending) == 1  # filed by the replay test
    appeal_id = pending[0]["id"]
    dept = signed_in(base, "dept")
    before = state(db, bureau)
    # 改分 must lie between the original −1 and 0
    status, _, body = post_decision(dept, appeal_id, {"outcome": "改分", "points": "-2", "reason": "加重"})
    assert status == 400 and "改后分值应在 -1 与 0 之间" in body
    status, _, body = post_decision(dept, appeal_id, {"outcome": "改分", "points": "abc", "reason": "x"})
    assert status == 400 and "改后分值应为数字" in body
    # within the range but with a million decimal places (its text alone would be a megabyte)
    status, _, body = post_decision(dept, appeal_id, {"outcome": "改分", "points": "-1E-999999", "reason": "x"})
    assert status == 400 and "改后分值至多保留 4 位小数" in body
    status, _, body = post_decision(dept, appeal_id, {"outcome": "", "reason": "x"})
    assert status == 400 and "复查决定应为 维持、改分、撤销记录 之一" in body
    assert state(db, bureau) == before
    # 撤销记录: the record stays stored, marked void
    status, _, body = post_decision(dept, appeal_id, {"outcome": "撤销记录", "reason": "核实属重复登记"})
    assert status == 303, body
    with Store(db) as store:
        assert store.voided({"testdept.event:E13"}) == {"testdept.event:E13"}
        assert store.appeal(appeal_id)["actor"] == "rulin"
        assert store.audit(action="复查决定")[-1]["actor"] == "dept"
