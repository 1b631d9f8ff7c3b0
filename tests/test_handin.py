"""A department hands in its data online and withdraws a wrong record (issue 17, points 1-2): the dry
run shown before anything is stored, confirmation and cancellation, a replayed confirmation, another
department's file, oversized and wrong-type uploads, the blank templates, withdrawing before and after
publication; concurrent uploads while pages are read. Real server, real SQLite store, real files.

The test bureau (report_bureau): 测试大队's events E01-E07 dated January 2015 (cut-off day 20: month
2015-01), E11-E13 in February; 2015-02 published (site_support.make_site)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
import uuid
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest
import report_bureau
from inprocess import kaohe as run_kaohe
from kaohe.office.accounts import add_users
from kaohe.office.handin import area
from kaohe.scheme.bureau import IntakeLimits
from kaohe.store.store import Store
from pg_support import module_database  # noqa: F401 (the fixture: each backend)
from site_support import PASSWORD, Client, make_site, running, signed_in

HEADER = ["编号", "单位", "日期", "类型", "说明"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, module_database: str) -> Any:  # noqa: F811 - pg_support's fixture
    tmp = tmp_path_factory.mktemp("handin")
    bureau, db = make_site(tmp, module_database)
    bureau = attrs.evolve(bureau, office=attrs.evolve(bureau.office, limits=IntakeLimits(max_file_mb=1)))
    with Store(db) as store:
        add_users(store, bureau, [("ducha", "督察支队己", "部门", "督察支队", PASSWORD)], "test")
    with running(bureau, report_bureau.registry()) as base:
        yield base, bureau, db


def csv_bytes(rows: list[tuple[str, ...]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(client: Client, name: str, content: bytes, *, accept_json: bool = True) -> tuple[int, dict[str, str], str]:
    """POST the hand-in form as a browser does: the CSRF field first, then the file."""
    csrf = client.csrf("/handin")
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    import urllib.error
    import urllib.request

    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if accept_json:
        headers["Accept"] = "application/json"
    req = urllib.request.Request(client.base + "/handin/upload", data=body, headers=headers)
    try:
        with client.opener.open(req, timeout=60) as r:
            return r.status, dict(r.headers.items()), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers.items()), e.read().decode()


def post(client: Client, path: str, data: dict[str, str] | None = None, page: str = "/handin") -> tuple[int, dict[str, str], str]:
    return client.request(path, {"csrf": client.csrf(page), **(data or {})})


def stored(db: Path, key: str) -> dict[str, Any] | None:
    with Store(db) as store:
        return store.record_row(key)


def version(db: Path, key: str) -> int:
    with Store(db) as store:
        return next(store.stored_records([key])).version


def audit(db: Path, action: str) -> list[dict[str, Any]]:
    with Store(db) as store:
        return [dict(r) for r in store.db["audit"].rows_where("action = ?", [action], order_by="id")]


def waiting_folders(bureau: Any) -> list[str]:
    root = area(bureau)
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def test_dry_run_shows_the_figures_before_anything_is_stored_then_confirm(site):
    base, bureau, db = site
    dept = signed_in(base, "dept")
    rows = [
        ("E01", "rulin", "2015-01-05", "迟到", "一类警情 到场用时25分钟"),  # as stored: unchanged
        ("E04", "jincheng", "2015-01-08", "表扬", "二类警情 到场用时18分钟"),  # another type: a correction
        ("N01", "xuebu", "2015-04-02", "迟到", "新记录"),  # new
        ("N02", "xuebu", "2015-04-03", "迟到", ""),  # new
        ("N03", "nowhere", "2015-04-03", "迟到", ""),  # row 6: no such unit
        ("N04", "rulin", "2015-04-31", "迟到", ""),  # row 7: no such date
        ("N05", "rulin", "2015-04-04", "迟", ""),  # row 8: not one of the types
    ]
    status, _, body = upload(dept, "测试大队_4月.csv", csv_bytes(rows))
    assert status == 201, body
    check = json.loads(body)
    assert check["adapter"] == "testdept.events" and check["department"] == "测试大队"
    assert (check["rows"], check["accepted"], check["rejected_total"]) == (7, 4, 3)
    assert (check["new"], check["changed"], check["unchanged"]) == (2, 1, 1)
    where = [(r["sheet"], r["row"], r["column"]) for r in check["rejected"]]
    assert where == [("", 6, "单位"), ("", 7, "日期"), ("", 8, "类型")]
    assert "迟到、表扬、否决" in check["rejected"][2]["message"]
    # nothing stored yet
    assert stored(db, "testdept.event:N01") is None
    assert version(db, "testdept.event:E04") == 1
    # the page shows the same, with the confirm and cancel forms
    status, _, html = dept.get(f"/handin/check/{check['token']}")
    assert status == 200 and "新增 2 条,更正 1 条,不变 1 条" in html and "可导入 4 行,拒绝 3 行" in html
    assert "/confirm" in html and "/cancel" in html
    imports_before = len(audit(db, "导入"))

    status, _, html = post(dept, f"/handin/check/{check['token']}/confirm", page=f"/handin/check/{check['token']}")
    assert status == 200, html
    assert "新增 2 条,更正 1 条,不变 1 条,拒绝 3 行" in html
    assert stored(db, "testdept.event:N01") is not None
    assert version(db, "testdept.event:E04") == 2 and version(db, "testdept.event:E01") == 1
    logged = audit(db, "导入")
    assert len(logged) == imports_before + 1 and logged[-1]["actor"] == "dept"
    assert check["token"] not in waiting_folders(bureau)

    # the same form sent again: refused, not imported twice
    csrf = dept.csrf("/handin")
    status, _, html = dept.request(f"/handin/check/{check['token']}/confirm", {"csrf": csrf})
    assert status == 409 and "已确认、已取消或已过期" in html
    assert len(audit(db, "导入")) == imports_before + 1


def test_cancel_deletes_the_upload(site):
    base, bureau, db = site
    dept = signed_in(base, "dept")
    status, _, body = upload(dept, "cancel.csv", csv_bytes([("C01", "rulin", "2015-04-06", "迟到", "")]))
    token = json.loads(body)["token"]
    assert token in waiting_folders(bureau)
    status, headers, _ = post(dept, f"/handin/check/{token}/cancel")
    assert status == 303 and headers["location"] == "/handin"
    assert token not in waiting_folders(bureau)
    assert stored(db, "testdept.event:C01") is None
    assert dept.get(f"/handin/check/{token}")[0] == 404
    assert audit(db, "取消上报")[-1]["actor"] == "dept"


def test_another_departments_upload_cannot_be_seen_or_confirmed(site):
    base, bureau, db = site
    dept, ducha = signed_in(base, "dept"), signed_in(base, "ducha")
    status, _, body = upload(dept, "mine.csv", csv_bytes([("M01", "rulin", "2015-04-06", "迟到", "")]))
    token = json.loads(body)["token"]
    assert ducha.get(f"/handin/check/{token}")[0] == 404
    status, _, html = post(ducha, f"/handin/check/{token}/confirm")
    assert status == 409 and "其他部门" in html
    assert stored(db, "testdept.event:M01") is None
    assert token in waiting_folders(bureau)
    post(dept, f"/handin/check/{token}/cancel")


def test_a_file_of_another_department_is_refused(site):
    base, bureau, db = site
    dept = signed_in(base, "dept")
    before = waiting_folders(bureau)
    # 督察通报's columns only: the format of 督察支队, not of 测试大队
    content = csv_bytes([("D99", "rulin", "2015-04-06", "")], header=["编号", "单位", "日期", "说明"])
    status, _, body = upload(dept, "督察.csv", content)
    assert status == 422
    message = json.loads(body)["error"]
    assert "督察通报" in message and "督察支队" in message and "不属于部门 测试大队" in message
    assert stored(db, "testdept.check:D99") is None
    assert waiting_folders(bureau) == before  # the file deleted
    # the owner may hand it in
    ducha = signed_in(base, "ducha")
    status, _, body = upload(ducha, "督察.csv", content)
    assert status == 201 and json.loads(body)["new"] == 1
    post(ducha, f"/handin/check/{json.loads(body)['token']}/cancel")


def test_oversized_and_wrong_type_uploads_are_refused(site):
    base, bureau, db = site
    dept = signed_in(base, "dept")
    before = waiting_folders(bureau)
    big = csv_bytes([("B01", "rulin", "2015-04-06", "迟到", "x" * 2000)] * 700)  # ~1.4 MB, the limit is 1 MB
    assert len(big) > (1 << 20) + (64 << 10)
    status, _, body = upload(dept, "big.csv", big)
    assert status == 413 and "超过上限 1 MB" in json.loads(body)["error"]
    status, _, body = upload(dept, "old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert status == 415 and "只接受 XLSX(.xlsx)或 CSV(.csv)" in json.loads(body)["error"]
    status, _, html = upload(dept, "photo.png", b"\x89PNG", accept_json=False)
    assert status == 415 and "不接受.png文件" in html
    assert waiting_folders(bureau) == before
    assert stored(db, "testdept.event:B01") is None


def test_a_unit_or_a_visitor_cannot_hand_in(site):
    base, bureau, db = site
    unit = signed_in(base, "rulin")
    assert unit.get("/handin")[0] == 403
    status, _, _ = upload(unit, "x.csv", csv_bytes([("U01", "rulin", "2015-04-06", "迟到", "")]))
    assert status == 403
    visitor = Client(base)
    assert visitor.get("/handin")[0] == 303
    assert stored(db, "testdept.event:U01") is None


def test_the_template_has_the_headers_lists_and_explanations_and_reads_back_empty(site, tmp_path):
    base, bureau, db = site
    dept = signed_in(base, "dept")
    status, page = dept.json("/handin.json")
    assert status == 200 and [a["id"] for a in page["adapters"]] == ["testdept.events"]
    import urllib.request

    with dept.opener.open(urllib.request.Request(base + "/handin/template/testdept.events.xlsx"), timeout=30) as r:
        assert r.status == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in r.headers["content-disposition"]
        content = r.read()
    path = tmp_path / "模板.xlsx"
    path.write_bytes(content)
    wb = openpyxl.load_workbook(path)
    sheet = wb.worksheets[0]
    assert sheet.cell(1, 1).value == "测试市公安局测试大队 测试大队工作记录"
    assert [c.value for c in sheet[2]] == ["编号", "单位", "日期", "说明", "类型"]  # the adapter's columns, in order
    (dv,) = sheet.data_validations.dataValidation
    assert str(dv.sqref).startswith("E3:") and dv.formula1 == "'选项'!$A$1:$A$3"
    assert [wb["选项"].cell(r, 1).value for r in (1, 2, 3)] == ["迟到", "表扬", "否决"]
    notes = list(wb["填写说明"].iter_rows(min_row=3, max_row=7, values_only=True))
    assert [(n[0], n[1]) for n in notes] == [("“编号”", "必填"), ("“单位”", "必填"), ("“日期”", "必填"), ("“说明”", "可空"), ("“类型”", "必填")]
    # handed in as it is: an empty file of the department's format
    status, _, body = upload(dept, "模板.xlsx", content)
    check = json.loads(body)
    assert status == 201 and (check["adapter"], check["rows"], check["new"]) == ("testdept.events", 0, 0)
    assert "文件中只有表头,没有数据行" in check["notes"]
    post(dept, f"/handin/check/{check['token']}/cancel")
    # another department's template: not offered
    assert dept.get("/handin/template/testdept.checks.xlsx")[0] == 404


def test_withdrawing_a_record_before_and_after_publication(site):
    base, bureau, db = site
    dept = signed_in(base, "dept")
    key = "testdept.event:E02"  # 2015-01, not published
    status, _, html = dept.get(f"/handin/record?key={key}")
    assert status == 200 and "撤回这条记录" in html
    # a reason is required
    status, _, html = post(dept, "/handin/record/withdraw", {"key": key, "reason": "  "})
    assert status == 409 and "请写明撤回的理由" in html
    assert stored(db, key)["voided"] is False
    status, headers, _ = post(dept, "/handin/record/withdraw", {"key": key, "reason": "重复录入"})
    assert status == 303
    row = stored(db, key)
    assert row is not None and row["voided"] is True  # kept, marked
    entry = audit(db, "撤销记录")[-1]
    assert (entry["actor"], entry["subject"]) == ("dept", key) and "重复录入" in entry["detail"]
    # twice: refused
    status, _, html = post(dept, "/handin/record/withdraw", {"key": key, "reason": "再撤"})
    assert status == 409 and "已作废" in html
    # 2015-02 is published, so locked (``[publication] lock`` by default): refused, with the way to go
    status, _, html = dept.get("/handin/record?key=testdept.event:E11")
    assert status == 200 and "撤回这条记录" not in html and "2015-02 已发布第1版,已锁定" in html
    status, _, html = post(dept, "/handin/record/withdraw", {"key": "testdept.event:E11", "reason": "错了"})
    assert status == 409 and "记录 testdept.event:E11 属 2015-02,2015-02 已发布第1版,已锁定" in html
    assert "复查" in html and "考核办" in html and "kaohe unlock 2015-02" in html
    assert stored(db, "testdept.event:E11")["voided"] is False
    # the office unlocks February with a reason: the department may withdraw the record again
    office = signed_in(base, "office")
    status, _, _ = post(office, "/unlock/2015-02", {"reason": "测试大队报错记录,同意撤回"}, page="/publish/2015-02")
    assert status == 303
    status, _, html = dept.get("/handin/record?key=testdept.event:E11")
    assert "撤回这条记录" in html and "已锁定" not in html
    status, _, _ = post(dept, "/handin/record/withdraw", {"key": "testdept.event:E11", "reason": "错了"})
    assert status == 303 and stored(db, "testdept.event:E11")["voided"] is True


def test_another_departments_record_cannot_be_withdrawn_by_url(site):
    base, bureau, db = site
    dept, unit = signed_in(base, "dept"), signed_in(base, "rulin")
    with Store(db) as store:
        key = next(r[0] for r in store.db.execute("SELECT key FROM records WHERE department = '督察支队' ORDER BY key"))
    assert dept.get(f"/handin/record?key={key}")[0] == 403
    status, _, html = post(dept, "/handin/record/withdraw", {"key": key, "reason": "不是我的"})
    assert status == 403 and "不是本部门报送的" in html
    status, _, _ = post(unit, "/handin/record/withdraw", {"key": "testdept.event:E03", "reason": "x"}, page="/periods")
    assert status == 403
    assert stored(db, key)["voided"] is False and stored(db, "testdept.event:E03")["voided"] is False


def test_concurrent_uploads_lose_nothing_while_pages_are_read(site):
    base, bureau, db = site
    errors: list[str] = []
    stop = threading.Event()

    def hand_in(account: str, n: int) -> None:
        try:
            c = signed_in(base, account)
            if account == "dept":
                rows = [(f"P{n}-{i}", "xuebu", "2015-04-10", "迟到", "") for i in range(40)]
                content = csv_bytes(rows)
            else:
                content = csv_bytes([(f"P{n}-{i}", "xuebu", "2015-04-10", "") for i in range(40)], header=["编号", "单位", "日期", "说明"])
            status, _, body = upload(c, f"p{n}.csv", content)
            assert status == 201, body
            token = json.loads(body)["token"]
            status, _, html = post(c, f"/handin/check/{token}/confirm")
            assert status == 200 and "新增 40 条" in html, html
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(f"{account} {n}: {exc!r}")

    def read() -> None:
        c = signed_in(base, "office")
        while not stop.is_set():
            status, _, _ = c.get("/ranking/2015-02")
            if status != 200:
                errors.append(f"ranking {status}")

    reader = threading.Thread(target=read)
    reader.start()
    workers = [threading.Thread(target=hand_in, args=(acc, n)) for n, acc in enumerate(["dept", "ducha"] * 3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    stop.set()
    reader.join(30)
    assert errors == []
    with Store(db) as store:
        for n, dept in enumerate(["testdept.event", "testdept.check"] * 3):
            count = store.db.execute("SELECT count(*) FROM records WHERE key LIKE ?", [f"{dept}:P{n}-%"]).fetchone()[0]
            assert count == 40


def test_cli_template_ingest_pinned_and_withdraw(tmp_path):
    """The command line: ``kaohe template`` writes the blank template, filled and ingested with
    ``--department``; pinned to another department the file is refused naming its format;
    ``kaohe withdraw`` voids one's own record only, once."""
    config = tmp_path / "kaohe.toml"
    config.write_text(
        '[bureau]\nname = "测试局"\n[[series]]\nid = "A"\n[[categories]]\nid = "jichu"\nname = "基础工作建设"\n'
        'weight = 100\nbase = 100\n[[units]]\nid = "jincheng"\nname = "金城派出所"\nseries = "A"\nclass = "A"\n'
        'headcount = 40\n[items]\nenable = ["xiaofang.*", "churujing.*"]\n',
        encoding="utf-8",
    )

    def kaohe(*args: str) -> Any:
        return run_kaohe("--config", str(config), *args)

    out = tmp_path / "消防.xlsx"
    done = kaohe("template", "xiaofang.enforcement", "-o", str(out))
    assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(out)
    sheet = wb.worksheets[0]
    headers = [c.value for c in sheet[2]]
    assert headers[:4] == ["文书编号", "派出所", "日期", "文书类型"] and sheet.cell(1, 1).value.startswith("测试局消防大队")
    assert "填写说明" in wb.sheetnames
    sheet.append(["XF2015001", "金城派出所", dt.date(2015, 4, 20), "当场处罚", *([500] if len(headers) > 4 else [])])
    wb.save(out)
    refused = kaohe("ingest", str(out), "-q", "--department", "出入境大队")
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    (line,) = refused.stderr.splitlines()
    assert "消防大队" in line and "不属于部门 出入境大队" in line
    done = kaohe("ingest", str(out), "-q", "--department", "消防大队")
    assert done.returncode == 0 and "新增1条" in done.stdout, done.stdout + done.stderr
    with Store(tmp_path / "kaohe.sqlite") as store:
        (key,) = [r[0] for r in store.db.execute("SELECT key FROM records")]
    refused = kaohe("withdraw", key, "--reason", "错报", "--department", "出入境大队")
    assert refused.returncode != 0 and "只有报送的部门可以撤回" in refused.stderr
    done = kaohe("withdraw", key, "--reason", "文书编号错", "--department", "消防大队", "--actor", "消防 张三")
    assert done.returncode == 0 and "已撤回记录" in done.stdout, done.stderr
    assert kaohe("withdraw", key, "--reason", "再撤").returncode != 0
    with Store(tmp_path / "kaohe.sqlite") as store:
        assert store.record_row(key)["voided"] is True
        (entry,) = store.db["audit"].rows_where("action = ?", ["撤销记录"])
        assert entry["actor"] == "消防 张三" and "文书编号错" in entry["detail"]
    assert kaohe("template", "nosuch.adapter").returncode != 0


def test_a_file_changed_after_its_check_is_not_imported(site):
    """The confirmation imports exactly the file that was checked: one changed on disk in between
    (its checksum differs) is refused and deleted, nothing stored."""
    base, bureau, db = site
    dept = signed_in(base, "dept")
    status, _, body = upload(dept, "swap.csv", csv_bytes([("S01", "rulin", "2015-04-06", "迟到", "")]))
    check = json.loads(body)
    (area(bureau) / check["token"] / "swap.csv").write_bytes(csv_bytes([("S02", "rulin", "2015-04-06", "否决", "")]))
    status, _, html = post(dept, f"/handin/check/{check['token']}/confirm")
    assert status == 409 and "校验值不符" in html
    assert stored(db, "testdept.event:S01") is None and stored(db, "testdept.event:S02") is None
    assert check["token"] not in waiting_folders(bureau)
