"""A department's pages for handing in its data (issue 17, points 1-2), under ``/handin``: the hand-in
page (upload form, blank templates of its own formats, its uploads waiting for a decision), the dry
run of an upload shown before anything is stored, its confirmation or cancellation, and a record's
page where the owning department withdraws a wrong record before publication. Each also as JSON.

The upload is streamed to disk (kaohe.office.handin's folder beside the database), never held whole in
memory, and refused beyond the bureau's ``[intake] max_file_mb``; what each account may do is decided
by kaohe.office.accounts (``allowed``)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..contract.adapters import Adapter
from ..core.errors import KaoheError
from ..core.periods import Period
from ..intake.workbook import write_template
from ..office import handin
from ..office.accounts import IMPORT, READ, WITHDRAW, Actor, Resource, allowed
from ..office.lock import locks, message
from ..office.withdraw import closed, published_in, withdraw
from ..store.store import Store
from .base import Site, wants_json

SLACK = 64 << 10
"""Bytes of a request's body beyond the file's limit allowed for the form's other fields and the
multipart boundaries."""
DRAIN = 4
"""A request beyond the limit is read (and thrown away) up to this many times the limit, so that the
browser receives the refusal; beyond that the connection is closed."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_DEPARTMENT = "只有部门的账号可以上报数据"


class _TooBig(Exception):
    pass


def routes(site: Site) -> list[Route]:
    """The hand-in pages of ``site``."""
    bureau = site.bureau

    def own_adapters(actor: Actor) -> list[Adapter]:
        return sorted((a for a in site.registry.adapters.values() if a.department == actor.department), key=lambda a: a.id)

    def department_of(request: Request) -> tuple[Actor, bool, Response | None]:
        actor: Actor = request.state.actor
        _, as_json = wants_json(request, request.url.path)
        if not actor.department or not allowed(actor, IMPORT, Resource("data", department=actor.department)):
            return actor, as_json, site.refuse(request, 403, NOT_DEPARTMENT, as_json)
        return actor, as_json, None

    # --- the hand-in page --------------------------------------------------------------------------

    def page(request: Request, store: Store) -> Response:
        actor, as_json, refused = department_of(request)
        if refused is not None:
            return refused
        data: dict[str, Any] = {
            "department": actor.department, "max_file_mb": bureau.limits.max_file_mb, "expires_hours": handin.EXPIRES_HOURS,
            "adapters": [
                {"id": a.id, "title": a.title, "columns": [c.name for c in a.columns], "template": f"/handin/template/{a.id}.xlsx"}
                for a in own_adapters(actor)
            ],
            "waiting": [_upload_data(u) for u in handin.waiting(bureau, actor.department)],
            # the published periods locked now (kaohe.office.lock), latest first: a file with a record
            # of their months is refused, so the page says so before the department uploads one
            "locked": [
                {"period": h.period, "name": Period.parse(h.period).chinese, "number": h.number, "time": h.time}
                for h in sorted(locks(store, bureau), key=lambda h: (Period.parse(h.period).year, Period.parse(h.period).first_month), reverse=True)
            ],
        }
        if as_json:
            return JSONResponse(data)
        return site.page(request, "handin.html", **data)

    # --- upload and its dry run --------------------------------------------------------------------

    def upload(request: Request, store: Store) -> Response:
        actor, as_json, refused = department_of(request)
        if refused is not None:
            return refused
        got: dict[str, Any] = request.state.upload
        if "error" in got:
            return site.refuse(request, got["status"], got["error"], as_json)
        try:
            handin.make_room(bureau, actor.department)
        except KaoheError as exc:  # the file just received is deleted (not kept)
            return site.refuse(request, 429, str(exc), as_json)
        request.state.upload_kept = True  # from here the office's hand-in keeps or deletes it
        try:
            up = handin.check(
                store, bureau, site.registry, got["token"], got["file"], account=actor.account, department=actor.department,
            )
        except KaoheError as exc:
            return site.refuse(request, 422, f"{exc}(文件未保存,请改正后重新上传)", as_json)
        if as_json:
            return JSONResponse(_upload_data(up), status_code=201)
        return RedirectResponse(f"/handin/check/{up.token}", status_code=303)

    def check_page(request: Request, store: Store) -> Response:
        actor, _, refused = department_of(request)
        token, as_json = wants_json(request, request.path_params["token"])
        if refused is not None:
            return site.refuse(request, 403, NOT_DEPARTMENT, as_json)
        try:
            up = handin.pending(bureau, token, actor.department)
        except KaoheError as exc:
            return site.refuse(request, 404, str(exc), as_json)
        data = _upload_data(up)
        if as_json:
            return JSONResponse(data)
        return site.page(request, "handin_check.html", **data)

    def confirm(request: Request, store: Store) -> Response:
        actor, as_json, refused = department_of(request)
        if refused is not None:
            return refused
        token = request.path_params["token"]
        try:
            report = handin.confirm(store, bureau, site.registry, token, account=actor.account, department=actor.department)
        except KaoheError as exc:
            return site.refuse(request, 409, str(exc), as_json)
        data = {**handin.summary(report, site.registry), "file": report.file, "import_id": report.import_id, "stored": report.stored}
        if as_json:
            return JSONResponse(data)
        return site.page(request, "handin_done.html", **data)

    def cancel(request: Request, store: Store) -> Response:
        actor, as_json, refused = department_of(request)
        if refused is not None:
            return refused
        try:
            up = handin.cancel(store, bureau, request.path_params["token"], account=actor.account, department=actor.department)
        except KaoheError as exc:
            return site.refuse(request, 409, str(exc), as_json)
        if as_json:
            return JSONResponse({"cancelled": up.file})
        return RedirectResponse("/handin", status_code=303)

    # --- blank templates ------------------------------------------------------------------------------

    def template(request: Request, store: Store) -> Response:
        actor: Actor = request.state.actor
        name = request.path_params["adapter"]
        adapter_id = name[: -len(".xlsx")] if name.endswith(".xlsx") else name
        adapter = site.registry.adapters.get(adapter_id)
        if adapter is None or not allowed(actor, READ, Resource("data", department=adapter.department)):
            return site.refuse(request, 404, "没有这种数据格式,或它不属于本部门", False)
        title = f"{bureau.name}{adapter.department} {adapter.title}"
        with tempfile.TemporaryDirectory() as tmp:
            body = write_template(Path(tmp) / "template.xlsx", title, adapter).read_bytes()
        filename = f"{adapter.department}_{adapter.title}_导入模板.xlsx"
        return Response(body, media_type=XLSX, headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})

    # --- a record, and its withdrawal -------------------------------------------------------------------

    def record(request: Request, store: Store) -> Response:
        actor: Actor = request.state.actor
        _, as_json = wants_json(request, request.url.path)
        key = request.query_params.get("key", "").strip()
        row = store.record_row(key) if key else None
        if row is None:
            return site.refuse(request, 404, f"没有编号为 {key} 的记录" if key else "请给出记录编号", as_json)
        if not allowed(actor, READ, Resource("data", department=row["department"] or "")):
            return site.refuse(request, 403, "无权查看其他部门报送的记录", as_json)
        shut, held = closed(store, bureau, row["month"] or "")
        unit = bureau.unit(row["unit"] or "")
        data = {
            **row, "unit_name": unit.name if unit is not None else row["unit"],
            "published": [Period.parse(p).chinese for p in published_in(store, row["month"] or "")],
            "locked": message(held) if held is not None else None,
            "withdraw": not row["voided"] and allowed(actor, WITHDRAW, Resource("data", bool(shut), department=row["department"] or "")),
            "withdrawn": request.query_params.get("withdrawn") == "1",
        }
        if as_json:
            return JSONResponse(data)
        return site.page(request, "handin_record.html", **data)

    def withdraw_record(request: Request, store: Store) -> Response:
        actor: Actor = request.state.actor
        _, as_json = wants_json(request, request.url.path)
        form = request.state.form
        key = str(form.get("key", "")).strip()
        row = store.record_row(key) if key else None
        if row is None:
            return site.refuse(request, 404, f"没有编号为 {key} 的记录" if key else "请给出记录编号", as_json)
        if not allowed(actor, WITHDRAW, Resource("data", False, department=row["department"] or "")):
            return site.refuse(request, 403, f"记录 {key} 不是本部门报送的,不能撤回", as_json)
        try:
            withdraw(
                store, bureau, key, str(form.get("reason", "")), actor=actor.account,
                department=None if actor.role == "考核办" else actor.department,
            )
        except KaoheError as exc:
            return site.refuse(request, 409, str(exc), as_json)
        if as_json:
            return JSONResponse({"withdrawn": key})
        return RedirectResponse(f"/handin/record?key={quote(key)}&withdrawn=1", status_code=303)

    return [
        site.route("/handin", page),
        site.route("/handin.json", page),
        _upload_route(site, "/handin/upload", upload),
        site.route("/handin/check/{token}", check_page),
        site.route("/handin/check/{token}/confirm", confirm, ("POST",)),
        site.route("/handin/check/{token}/cancel", cancel, ("POST",)),
        site.route("/handin/template/{adapter}", template),
        site.route("/handin/record", record),
        site.route("/handin/record.json", record),
        site.route("/handin/record/withdraw", withdraw_record, ("POST",)),
    ]


def _upload_data(up: handin.Upload) -> dict[str, Any]:
    return {
        "token": up.token, "file": up.file, "size": up.size, "checksum": up.checksum, "received": up.received,
        "account": up.account, "department": up.department, **up.check,
    }


def _upload_route(site: Site, path: str, handler: Any) -> Route:
    """The upload's route: the request's body streamed into a fresh folder of kaohe.office.handin
    (the form's file part written to disk as it arrives, never whole in memory), refused beyond the
    bureau's file limit or for a type kaohe does not read; then the handler runs under the site's
    wrappers (session, account, CSRF, Origin) with ``request.state.upload``: the token and the
    file's name, or the error. An upload its handler did not keep is deleted."""
    inner = site.guarded(site.signed_in(handler))
    refusal = site.guarded(site.signed_in(lambda request, store: site.refuse(
        request, request.state.upload["status"], request.state.upload["error"], wants_json(request, request.url.path)[1]
    )))
    bureau = site.bureau

    async def endpoint(request: Request) -> Response:
        request.state.form = {}
        request.state.upload = {"error": "请选择要上传的 XLSX 或 CSV 文件", "status": 400}
        request.state.upload_kept = False
        session = site.session(request)
        folder: Path | None = None
        if not isinstance(session.get("a"), str):  # nobody signed in: nothing is read or written
            return await run_in_threadpool(inner, request)
        limit = bureau.limits.max_file_bytes
        big = f"文件超过上限 {bureau.limits.max_file_mb} MB,未保存;请按月或按单位分成几个文件上传"
        stated = request.headers.get("content-length", "")
        if stated.isdigit() and int(stated) > limit + SLACK:
            request.state.upload = {"error": big, "status": 413}
            if int(stated) <= DRAIN * limit:
                async for _ in request.stream():
                    pass
            return await run_in_threadpool(_as_get(refusal), request)
        if "multipart/form-data" not in request.headers.get("content-type", ""):
            request.state.form = dict(await request.form())
            return await run_in_threadpool(inner, request)
        seen = 0

        async def limited() -> AsyncGenerator[bytes, None]:
            nonlocal seen
            async for chunk in request.stream():
                seen += len(chunk)
                if seen > limit + SLACK:
                    raise _TooBig
                yield chunk

        try:
            form = await MultiPartParser(request.headers, limited(), max_files=1, max_fields=20).parse()
        except _TooBig:
            request.state.upload = {"error": big, "status": 413}
            if seen <= DRAIN * limit:
                async for _ in request.stream():
                    pass
            return await run_in_threadpool(_as_get(refusal), request)
        except MultiPartException:
            request.state.upload = {"error": "上传的内容无法识别,请重新选择文件上传", "status": 400}
            return await run_in_threadpool(_as_get(refusal), request)
        try:
            request.state.form = {k: v for k, v in form.multi_items() if isinstance(v, str)}
            part = form.get("file")
            if isinstance(part, UploadFile) and part.filename:
                name = handin.safe_name(part.filename)
                wrong = handin.wrong_type(name)
                if wrong:
                    request.state.upload = {"error": wrong, "status": 415}
                else:
                    token, folder = handin.new_folder(bureau)
                    with (folder / name).open("wb") as out:
                        while chunk := await part.read(1 << 20):
                            if out.tell() + len(chunk) > limit:
                                raise _TooBig
                            out.write(chunk)
                    request.state.upload = {"token": token, "file": name}
        except _TooBig:
            request.state.upload = {"error": big, "status": 413}
        finally:
            await form.close()
        try:
            return await run_in_threadpool(inner, request)
        finally:
            if folder is not None and not request.state.upload_kept:
                shutil.rmtree(folder, ignore_errors=True)

    return Route(path, endpoint, methods=["POST"])


def _as_get(handler: Any) -> Any:
    """``handler`` for a refused upload: nothing is changed, so no CSRF token is asked for (the
    body holding it was not read)."""

    def inner(request: Request) -> Response:
        request.scope["method"] = "GET"
        try:
            response: Response = handler(request)
        finally:
            request.scope["method"] = "POST"
        return response

    return inner
