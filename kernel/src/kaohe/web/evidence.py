"""What the pages that take evidence files share (appeals, units' self-reports): the route of a
multipart form with its files — the body refused unread when nobody is signed in or when its length
is beyond the bureau's evidence limits, read within them otherwise — and a stored evidence file
served back with a safe type (an image or a PDF shown inline only when its content is of its kind,
anything else as an attachment)."""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from ..core.errors import KaoheError
from ..office import evidence as evidence_files
from .base import CSP, Handler, Site


def form_route(site: Site, path: str, handler: Handler, again: str, max_fields: int = 20) -> Route:
    """The GET and POST route of a form with evidence files: ``handler`` gets the fields in
    ``request.state.form`` and the files (``evidence`` parts) in ``request.state.files``. ``again``
    names the page to open again when the form cannot be read ("申请复查页面")."""
    limits = site.bureau.evidence
    handled = site.guarded(site.signed_in(handler))
    most = limits.max_files * (limits.max_bytes + (64 << 10)) + (1 << 20)

    async def endpoint(request: Request) -> Response:
        request.state.form, request.state.files = {}, []
        if request.method == "POST" and not isinstance(site.session(request).get("a"), str):
            return await run_in_threadpool(handled, request)  # nobody signed in: the body is not read
        if request.method == "POST":
            length = request.headers.get("content-length", "")
            if not length.isdigit() or int(length) > most:
                return await run_in_threadpool(unread, site, request, f"提交的内容太大:证据文件每个至多 {limits.max_bytes >> 20} MB,至多 {limits.max_files} 个")
            try:
                form = await request.form(max_files=limits.max_files + 10, max_fields=max_fields)
            except ClientDisconnect:  # the body cut short: nobody is left to answer
                return Response(status_code=400)
            except HTTPException:
                return await run_in_threadpool(unread, site, request, f"提交的表单无法读取(文件太多或格式不对):请重新打开{again}后提交")
            try:
                fields: dict[str, str] = {}
                uploads = []
                for key, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        if key == "evidence":
                            uploads.append(evidence_files.Upload(value.filename or "", await value.read(limits.max_bytes + 1)))
                    else:
                        fields.setdefault(key, value)
            finally:
                await form.close()
            request.state.form, request.state.files = fields, uploads
        return await run_in_threadpool(handled, request)

    return Route(path, endpoint, methods=["GET", "POST"])


def unread(site: Site, request: Request, message: str) -> Response:
    """A form refused before its body is read: the page says why (with who is signed in)."""
    request.state.session = site.session(request)
    request.state.actor = None
    try:
        with site.store() as store:
            request.state.actor = site.actor(request, store)
    except (KaoheError, sqlite3.Error):
        pass
    return site.refuse(request, 413, message, "application/json" in request.headers.get("accept", ""))


def file_response(site: Site, request: Request, meta: dict[str, Any]) -> Response:
    """The stored evidence file ``meta`` (its name, type and SHA-256), checked against its checksum."""
    try:
        body = evidence_files.read(site.bureau.office.evidence_directory, meta)
    except KaoheError as exc:
        return site.refuse(request, 410, str(exc), False)
    kind = evidence_files.kind_by_mime(str(meta["type"]))
    inline = kind is not None and kind.inline and evidence_files.kind_of(body) is kind
    mime = kind.mime if inline and kind is not None else "application/octet-stream"
    headers = {"content-disposition": f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(str(meta['name']))}"}
    if mime == evidence_files.PDF.mime:  # the browser's PDF viewer embeds the file itself: allowed, nothing else
        headers["content-security-policy"] = CSP.replace("object-src 'none'", "object-src 'self'")
    return Response(body, media_type=mime, headers=headers)
