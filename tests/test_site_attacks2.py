"""Attacks on the site's newer pages (hand-in by upload, appeals, the HTTP API) beyond
tests/test_site_attacks.py: bodies the forms never ask for (huge, multipart where a plain form is
expected, a JSON nested beyond Python's recursion limit), tokens where they do not belong, methods
that are not the page's, another department's check token. One server for the module (uvicorn on
127.0.0.1)."""

from __future__ import annotations

import http.client
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import attrs
import pytest
from kaohe.office.accounts import add_users
from kaohe.office.tokens import add_token
from kaohe.store.store import Store
from pg_support import module_database  # noqa: F401 (the fixture: each backend)
from site_support import PASSWORD, Client, make_site_with_registry, running, signed_in


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, module_database: str) -> Any:  # noqa: F811 - pg_support's fixture
    tmp = tmp_path_factory.mktemp("attacks2")
    bureau, reg, db = make_site_with_registry(tmp, module_database)
    locked = attrs.evolve(bureau.office, publication=attrs.evolve(bureau.publication, lock=True))
    bureau = attrs.evolve(bureau, office=locked)  # 2015-02, published, is locked
    with Store(db) as store:
        add_users(store, bureau, [("ducha", "督察支队己", "部门", "督察支队", PASSWORD)], "test")
        token = add_token(store, bureau, "测试大队", "office", name="测试大队系统")[1]
    with running(bureau, reg) as base:
        yield {"base": base, "bureau": bureau, "db": db, "token": token, "tmp": tmp}


def raw(base: str, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
        chunked: bool = False) -> tuple[int, dict[str, str], bytes]:
    """One request as sent, on its own connection (``chunked``: the body without a Content-Length)."""
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    try:
        if chunked:
            conn.putrequest(method, path)
            for k, v in (headers or {}).items():
                conn.putheader(k, v)
            conn.putheader("Transfer-Encoding", "chunked")
            conn.endheaders()
            assert body is not None
            step = 1 << 16
            try:
                for i in range(0, len(body), step):
                    piece = body[i:i + step]
                    conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                conn.send(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered (and closed) before the whole body was sent
        else:
            conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def spooled() -> int:
    """Bytes of the temporary files Starlette spools a form's file parts to, in the temp folder."""
    tmp = Path(os.environ.get("TMPDIR", "/tmp"))
    total = 0
    for p in tmp.glob("tmp*"):
        try:
            if p.is_file():
                total += p.stat().st_size
        except OSError:
            pass
    return total


def api(site: Any, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    h = {"Authorization": f"Bearer {site['token']}", "Content-Type": "application/json", **(headers or {})}
    status, _, out = raw(site["base"], method, path, body, h)
    return status, json.loads(out)


# --- the API --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bomb", [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000])
def test_a_json_nested_beyond_the_recursion_limit_gets_a_one_line_400(site, bomb):
    status, out = api(site, "POST", "/api/v1/records", bomb)
    assert status == 400 and "JSON" in out["error"] and "\n" not in out["error"], out


def test_rows_nested_deeply_inside_a_valid_object_get_a_400_not_a_500(site):
    deep = '{"adapter": "testdept.events", "dry_run": true, "rows": [{"unit": ' + "[" * 100_000 + "]" * 100_000 + "}]}"
    status, out = api(site, "POST", "/api/v1/records", deep.encode())
    assert status == 400 and "\n" not in out["error"], out


def test_a_huge_number_and_a_huge_string_are_refused_in_one_line(site):
    status, out = api(site, "POST", "/api/v1/records", b'{"adapter": "testdept.events", "rows": [' + b"9" * 50_000 + b"]}")
    assert status == 400 and "JSON" in out["error"], out
    status, out = api(site, "POST", "/api/v1/records", json.dumps({"adapter": "x" * 200_000, "rows": []}).encode())
    assert status == 400 and len(out["error"]) < 1000, len(out["error"])


def test_the_token_is_read_from_the_header_only(site):
    base, token = site["base"], site["token"]
    status, _, out = raw(base, "GET", f"/api/v1/adapters?access_token={token}")
    assert status == 401 and "Authorization" in json.loads(out)["error"]
    # a signed-in session's cookie is not a token
    c = signed_in(base, "dept")
    status, _, out = raw(base, "GET", "/api/v1/adapters", headers={"Cookie": f"kaohe_session={c.cookie()}"})
    assert status == 401
    # a token is not a session: the site's pages do not read it
    status, _, _ = raw(base, "GET", "/handin.json", headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    assert status == 401


# --- bodies the site's forms never ask for -------------------------------------------------------------


def test_an_anonymous_multipart_post_is_refused_before_its_file_reaches_the_disk(site):
    # 40 MB in one file part to the sign-in form (which takes two short fields): refused for its size
    # before it is parsed, so nothing is spooled to a temporary file
    base = site["base"]
    boundary = "xk17"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    body = head + b"\0" * (40 << 20) + f"\r\n--{boundary}--\r\n".encode()
    before = spooled()
    for chunked in (False, True):
        status, _, out = raw(base, "POST", "/login", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}, chunked=chunked)
        assert status == 413, (status, out[:200])
        assert "太大" in out.decode("utf-8")
    assert spooled() - before < (1 << 20)


def test_a_plain_form_without_a_length_is_cut_off_at_the_limit(site):
    base = site["base"]
    body = b"account=" + b"a" * (20 << 20)
    status, _, out = raw(base, "POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"}, chunked=True)
    assert status == 413 and "太大" in out.decode("utf-8")


def test_ordinary_forms_still_work_after_the_limit(site):
    base = site["base"]
    c = Client(base)
    assert c.login("dept") == 303
    status, _, _ = c.request("/logout", {"csrf": c.csrf("/periods"), "note": "x" * 10_000})
    assert status == 303


# --- hand-in: methods, CSRF, another department ----------------------------------------------------------


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----kaohe-x17"
    out = b""
    for k, v in fields.items():
        out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
    out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def upload(c: Client, fields: dict[str, str], filename: str, content: bytes, **headers: str) -> tuple[int, dict[str, str], bytes]:
    body, ctype = multipart(fields, filename, content)
    return raw(c.base, "POST", "/handin/upload", body, {"Content-Type": ctype, "Cookie": f"kaohe_session={c.cookie()}",
                                                        "Accept": "application/json", **headers})


def handin_folder(site: Any) -> list[Path]:
    root = Path(site["bureau"].database).parent
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".csv", ".xlsx") and "handin" in str(p))


def test_an_upload_without_the_token_or_from_another_site_keeps_nothing(site):
    c = signed_in(site["base"], "dept")
    token = c.csrf("/handin")
    before = handin_folder(site)
    assert upload(c, {}, "a.csv", b"x,y\n1,2\n")[0] == 403
    assert upload(c, {"csrf": "A" * 43}, "a.csv", b"x,y\n1,2\n")[0] == 403
    other = signed_in(site["base"], "ducha")
    assert upload(c, {"csrf": other.csrf("/handin")}, "a.csv", b"x,y\n1,2\n")[0] == 403
    assert upload(c, {"csrf": token}, "a.csv", b"x,y\n1,2\n", Origin="http://evil.example")[0] == 403
    assert handin_folder(site) == before


def test_a_check_token_of_another_department_opens_nothing(site):
    c = signed_in(site["base"], "dept")
    token = c.csrf("/handin")
    status, _, out = upload(c, {"csrf": token}, "../../../../etc/出勤<script>.csv", "编号,单位,日期,说明,类型\nX17-1,rulin,2015-03-05,,迟到\n".encode())
    if status != 201:
        pytest.skip(f"the test bureau's adapter refused the file: {out[:200]!r}")
    got = json.loads(out)
    assert "/" not in got["file"] and "<" not in got["file"] and ".." not in got["file"].strip(".")
    other = signed_in(site["base"], "ducha")
    assert other.json(f"/handin/check/{got['token']}.json")[0] == 404
    status, _, _ = other.request(f"/handin/check/{got['token']}/confirm", {"csrf": other.csrf("/handin")})
    assert status == 409
    status, _, _ = other.request(f"/handin/check/{got['token']}/cancel", {"csrf": other.csrf("/handin")})
    assert status == 409
    assert c.json(f"/handin/check/{got['token']}.json")[0] == 200


@pytest.mark.parametrize("path", ["/handin/record/withdraw", "/handin/check/x/confirm", "/handin/check/x/cancel", "/appeals/1/decide",
                                  "/handin/upload"])
@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
def test_a_state_changing_page_answers_no_other_method(site, path, method):
    c = signed_in(site["base"], "dept")
    status, _, _ = raw(site["base"], method, path, headers={"Cookie": f"kaohe_session={c.cookie()}"})
    assert status == 405


def test_private_downloads_and_refusals_carry_the_headers(site):
    c = signed_in(site["base"], "dept")
    for path in ("/handin/template/testdept.events.xlsx", "/handin.json", "/handin/check/nope.json", "/handin/record.json?key=zz"):
        status, headers, _ = raw(c.base, "GET", path, headers={"Cookie": f"kaohe_session={c.cookie()}"})
        assert status in (200, 404), path
        assert headers["cache-control"] == "no-store" and headers["x-content-type-options"] == "nosniff", path
        assert "default-src 'none'" in headers["content-security-policy"], path


def test_a_small_file_part_sent_to_a_plain_form_is_refused_in_one_line(site):
    c = Client(site["base"])
    body, ctype = multipart({"csrf": c.csrf(), "account": "dept", "password": PASSWORD}, "a.csv", b"x")
    status, headers, out = raw(site["base"], "POST", "/login", body, {"Content-Type": ctype, "Cookie": f"kaohe_session={c.cookie()}",
                                                                      "Accept": "application/json"})
    assert status == 400 and json.loads(out) == {"error": "提交的表单无法读取(此表单不接收文件,或格式不对):请刷新页面后重新填写提交"}
    assert headers["cache-control"] == "no-store"


# --- the audit trail ---------------------------------------------------------------------------------------


def audit_since(site: Any, mark: int) -> list[tuple[str, str]]:
    with Store(site["db"]) as store:
        return [(str(e["actor"]), str(e["action"])) for e in store.audit() if int(e["id"]) > mark]


def mark_now(site: Any) -> int:
    with Store(site["db"]) as store:
        return store.audit_mark()


def test_every_hand_in_action_is_in_the_audit_trail_with_the_account(site):
    # 测试大队 hands in a file (checked: nothing stored), confirms it, withdraws one of its records,
    # cancels a second upload and signs off April: each change is audited with "dept" as the actor
    c = signed_in(site["base"], "dept")
    token = c.csrf("/handin")
    csv = "编号,单位,日期,说明,类型\nX17-A,xuebu,2015-04-06,审计,迟到\nX17-B,xuebu,2015-04-07,审计,迟到\n".encode()
    mark = mark_now(site)
    status, _, out = upload(c, {"csrf": token}, "april.csv", csv)
    assert status == 201, out[:300]
    first = json.loads(out)["token"]
    status, _, out = raw(c.base, "POST", f"/handin/check/{first}/confirm", urllib.parse.urlencode({"csrf": token}).encode(),
                         {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"kaohe_session={c.cookie()}", "Accept": "application/json"})
    assert status == 200, out[:300]
    trail = audit_since(site, mark)
    assert trail and {a for a, _ in trail} == {"dept"}, trail
    # the confirmed form replayed: nothing imported twice
    mark = mark_now(site)
    status, _, _ = raw(c.base, "POST", f"/handin/check/{first}/confirm", urllib.parse.urlencode({"csrf": token}).encode(),
                       {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"kaohe_session={c.cookie()}", "Accept": "application/json"})
    assert status == 409 and audit_since(site, mark) == []
    status, _, _ = c.request("/handin/record/withdraw", {"csrf": token, "key": "testdept.event:X17-A", "reason": "重复报送"})
    assert status == 303
    trail = audit_since(site, mark)
    assert trail and {a for a, _ in trail} == {"dept"}, trail
    mark = mark_now(site)
    status, _, out = upload(c, {"csrf": token}, "again.csv", csv)
    assert status == 201
    status, _, _ = c.request(f"/handin/check/{json.loads(out)['token']}/cancel", {"csrf": token})
    assert status == 303
    status, _, _ = c.request("/signoff/2015-04", {"csrf": token, "department": "测试大队", "note": "<b>已核</b>"})
    assert status == 303
    trail = audit_since(site, mark)
    assert len(trail) >= 2 and {a for a, _ in trail} == {"dept"}, trail
    # a GET of the state-changing pages changes nothing
    mark = mark_now(site)
    for path in ("/signoff/2015-04", "/handin/record?key=testdept.event:X17-B", "/handin", "/publish/2015-04"):
        c.get(path)
    assert audit_since(site, mark) == []


# --- a body nobody signed in sends -------------------------------------------------------------------------


def answered_before_the_body(base: str, path: str, cookie: str | None = None) -> int | None:
    """The status of a multipart POST to ``path`` that announces 40 MB and sends 1 KB of it, if the
    server answers within 5 s without the rest (it did not wait to read a body it does not need)."""
    import socket

    u = urllib.parse.urlsplit(base)
    with socket.create_connection((u.hostname, u.port), timeout=5) as s:
        head = (f"POST {path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                f"Content-Length: {40 << 20}\r\n" + (f"Cookie: kaohe_session={cookie}\r\n" if cookie else "") + "\r\n")
        s.sendall(head.encode() + b"--b\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"a.pdf\"\r\n\r\n%PDF-" + b"0" * 1000)
        try:
            first = s.recv(64)
        except TimeoutError:
            return None
    return int(first.split()[1]) if first.startswith(b"HTTP/1.1") else None


def test_nobody_signed_in_gets_an_answer_without_the_server_reading_an_appeal_body(site):
    base = site["base"]
    # refused (no session: no CSRF token) without waiting for the 40 MB announced
    assert answered_before_the_body(base, "/appeals/new/2015-02/rulin") == 403
    assert answered_before_the_body(base, "/handin/upload") == 403
    assert answered_before_the_body(base, "/reports/new") == 403  # self-reports share the appeals' form route


def test_a_push_into_a_locked_period_stores_nothing(site):
    with Store(site["db"]) as store:
        before = store.db.execute("SELECT count(*) FROM records").fetchone()[0]
    rows = [{"编号": "X17-L", "单位": "rulin", "日期": "2015-02-09", "类型": "迟到"},
            {"编号": "X17-M", "单位": "rulin", "日期": "2015-04-09", "类型": "迟到"}]
    status, out = api(site, "POST", "/api/v1/records", json.dumps({"adapter": "testdept.events", "rows": rows}).encode())
    assert status in (400, 409, 422, 423) and "锁定" in json.dumps(out, ensure_ascii=False), out
    with Store(site["db"]) as store:
        assert store.db.execute("SELECT count(*) FROM records").fetchone()[0] == before


# --- output ------------------------------------------------------------------------------------------------

INJECTED = ("<script>", "<img src=x", "<b>已核", "<svg")


def test_no_new_page_lets_a_name_a_note_or_a_file_name_through_as_html(site):
    # 恶意所's name and its records' notes are HTML (report_bureau); 督察支队 signs off March with an
    # HTML note and hands in a file whose name is HTML; every page showing them escapes them
    base = site["base"]
    ducha = signed_in(base, "ducha")
    token = ducha.csrf("/handin")
    assert ducha.request("/signoff/2015-03", {"csrf": token, "department": "督察支队", "note": "<b>已核</b><svg onload=alert(1)>"})[0] == 303
    status, _, out = upload(ducha, {"csrf": token}, "<img src=x onerror=alert(1)>.csv", "编号,单位,日期,说明\nX17-C,evil,2015-04-02,<script>alert(2)</script>\n".encode())
    assert status == 201, out[:300]
    check = json.loads(out)["token"]
    pages = {
        "ducha": ["/department/%E7%9D%A3%E5%AF%9F%E6%94%AF%E9%98%9F/2015-03", "/signoff/2015-03", f"/handin/check/{check}", "/handin",
                  "/handin/record?key=testdept.check:C04", "/unit/2015-03/evil/item/testdept.criticised", "/unit/2015-03/evil/history"],
        "office": ["/office", "/search?q=onerror", "/publish/2015-03", "/signoff/2015-03", "/ranking/2015-03",
                   "/department/%E6%B5%8B%E8%AF%95%E5%A4%A7%E9%98%9F/2015-02", "/unit/2015-02/evil/history",
                   "/unit/2015-02/evil/item/testdept.late", "/handin/record?key=testdept.event:E16", "/appeals"],
    }
    shown = set()
    for account, paths in pages.items():
        c = ducha if account == "ducha" else signed_in(base, account)
        for path in paths:
            status, headers, body = c.get(path)
            assert status == 200, (account, path, status, body[:300])
            assert headers["content-type"].startswith("text/html") and "script-src 'self'" in headers["content-security-policy"]
            leaked = [s for s in INJECTED if s in body]
            assert leaked == [], (path, leaked)
            if "&lt;" in body:
                shown.add(path)
    # the injections are there, as text: the unit's name, a record's note (the file's name loses its
    # "<>" when it is received; the sign-off page does not show the note)
    assert {"/search?q=onerror", "/handin/record?key=testdept.event:E16", "/unit/2015-02/evil/history"} - shown == set()


def test_a_department_cannot_leave_more_than_ten_uploads_waiting(site):
    # each waiting upload stays on disk for 24 hours: an account uploading in a loop would fill it
    from kaohe.office.handin import MAX_WAITING

    c = signed_in(site["base"], "ducha")
    token = c.csrf("/handin")
    csv = "编号,单位,日期,说明\nX17-Q,rulin,2015-04-03,配额\n".encode()
    waiting = len(c.json("/handin.json")[1]["waiting"])
    for _ in range(MAX_WAITING - waiting):
        assert upload(c, {"csrf": token}, "q.csv", csv)[0] == 201
    before = handin_folder(site)
    status, _, out = upload(c, {"csrf": token}, "q.csv", csv)
    assert status == 429 and json.loads(out)["error"] == (
        "本部门已有 10 个上传待确认(至多 10 个):请先在“数据上报”页确认或取消,再上传新文件"
    )
    assert handin_folder(site) == before  # the refused file is not kept
    # another department is not held up by it; cancelling one makes room
    d = signed_in(site["base"], "dept")
    assert upload(d, {"csrf": d.csrf("/handin")}, "q.csv", csv)[0] == 422  # reached the check: 测试大队 reads no 督察 file
    first = c.json("/handin.json")[1]["waiting"][0]["token"]
    assert c.request(f"/handin/check/{first}/cancel", {"csrf": token})[0] == 303
    assert upload(c, {"csrf": token}, "q.csv", csv)[0] == 201


@pytest.mark.parametrize("path", ["/appeals/%C2%B2", "/appeals/%C2%B2.json", "/appeals/%C2%B2/evidence/1", "/appeals/1/evidence/%C2%B2",
                                  "/appeals/%D9%A1", "/publish/2015-02?done=%C2%B2", "/appeals/%EF%BC%91/evidence/%EF%BC%91"])
def test_digits_of_other_scripts_in_an_id_are_no_traceback(site, path):
    # "²".isdigit() is True but int("²") fails: an id is ASCII digits or nothing
    c = signed_in(site["base"], "office")
    status, _, body = c.get(path)
    assert status in (200, 404), (path, status, body[:200])


def test_a_disabled_account_reads_nothing_more_from_a_kept_page(site):
    # the ranking is kept per process (web.base.memo) and an account's change leaves the marker as it
    # was: the account is still checked on every request
    from kaohe.office.accounts import disable_user

    with Store(site["db"]) as store:
        add_users(store, site["bureau"], [("leader2", "领导己", "领导", "", PASSWORD)], "test")
    c = signed_in(site["base"], "leader2")
    assert c.json("/ranking/2015-02.json")[0] == 200
    assert c.json("/ranking/2015-02.json")[0] == 200  # kept
    with Store(site["db"]) as store:
        disable_user(store, "leader2", "office")
    for path in ("/ranking/2015-02.json", "/unit/2015-02/rulin.json", "/unit/2015-02/rulin/history.json", "/search.json?q=rulin"):
        assert c.json(path)[0] == 401, path
