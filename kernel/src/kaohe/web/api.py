"""The HTTP API for the bureau's other systems (issue 17, point 7; docs/api.md): a department's
system (the 110 dispatch system, the case-handling platform) pushes records as JSON and reads
results and editions, authenticated by a token the office issued to that department
(kaohe.office.tokens), sent as ``Authorization: Bearer …``.

- ``POST /api/v1/records``: ``{"adapter": …, "rows": [{column: value, …}, …], "dry_run": false}``,
  read through the same intake as a file (kaohe.office.ingest.ingest_rows): the same columns and
  converters, the same checks, row errors returned as data (HTTP 422 when no row was accepted),
  idempotent by record key, audited with ``api:<token's name>`` as the actor; an adapter of another
  department refused (403), a body over ``[site] api_max_mb`` refused unread (413).
- ``GET /api/v1/results/{period}`` (the ranking), ``/api/v1/results/{period}/{unit}`` (a unit's
  results): the site's own pages' JSON (kaohe.web.pages), for the token's department, so the
  permissions are the site's: published periods; in a draft, its own items only.
- ``GET /api/v1/editions/{period}``: the period's published editions (number, time, digest).
- ``GET /api/v1/adapters``: the department's adapters and their columns.
- ``GET /api/v1/openapi.json``: the OpenAPI 3 document of the above (no token needed).

A request is authenticated by its token only: a session cookie is ignored (a signed-in browser
cannot reach the API without a token), and so no CSRF token is asked for — the CSRF check protects
credentials a browser sends by itself, and a bearer token is never sent by itself. What a token
may do is decided by kaohe.office.accounts.allowed (the ``接口`` actor).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..contract.adapters import TYPE_NAMES
from ..core.errors import KaoheError
from ..office.accounts import IMPORT, READ, Actor, Resource, allowed
from ..office.ingest import ingest_rows, row_index
from ..office.tokens import note_use, token_actor
from ..intake.reader import candidates
from ..store.store import Store
from . import pages
from .base import Handler, Site, parse_period, published

PREFIX = "/api/v1"
ApiHandler = Callable[[Request, Store, Any], Response]


class _Collected(Site):
    """The bureau's site whose routes are recorded instead of served: the API answers with the
    handlers of the site's own pages (kaohe.web.pages), so a token reads exactly what the site shows
    its department."""

    def __init__(self, site: Site) -> None:  # noqa: super().__init__ not called: a copy of ``site``
        self.__dict__.update(site.__dict__)
        self.handlers: dict[str, Handler] = {}

    def route(self, path: str, handler: Handler, methods: tuple[str, ...] = ("GET",), *, login: bool = True) -> Route:
        self.handlers[path] = handler
        return Route(path, _unused, methods=list(methods))


def _unused(request: Request) -> Response:
    return Response(status_code=404)


def error(status: int, message: str, **more: Any) -> JSONResponse:
    headers = {"www-authenticate": 'Bearer realm="kaohe"'} if status == 401 else None
    return JSONResponse({"error": message, **more}, status_code=status, headers=headers)


def routes(site: Site) -> list[Route]:
    """The API's routes of ``site``."""
    collected = _Collected(site)
    pages.routes(collected)
    page = collected.handlers
    limit = site.bureau.site.api_max_mb << 20

    def api_route(path: str, handler: ApiHandler, methods: tuple[str, ...] = ("GET",)) -> Route:
        async def endpoint(request: Request) -> Response:
            body: bytes | None = None
            if request.method == "POST":
                declared = request.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    return error(413, f"请求体 {int(declared)} 字节,超过上限 {site.bureau.site.api_max_mb} MB([site] api_max_mb);请分批推送")
                chunks, size = [], 0
                try:
                    async for chunk in request.stream():
                        size += len(chunk)
                        if size > limit:
                            return error(413, f"请求体超过上限 {site.bureau.site.api_max_mb} MB([site] api_max_mb);请分批推送")
                        chunks.append(chunk)
                except ClientDisconnect:
                    return Response(status_code=400)
                body = b"".join(chunks)
            return await run_in_threadpool(guarded, request, handler, body)

        return Route(PREFIX + path, endpoint, methods=list(methods))

    def guarded(request: Request, handler: ApiHandler, body: bytes | None) -> Response:
        """The request's token checked, its actor set (no session: cookies are not read), the handler run."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return error(401, "缺少接口令牌:请在请求头中写 Authorization: Bearer <令牌>(令牌由考核办用 kaohe token add 发放)")
        try:
            store = site.store()
        except (KaoheError, sqlite3.Error) as exc:
            return error(503, f"暂时无法读取考核数据库({exc}),请稍后重试")
        with store:
            actor = token_actor(store, token.strip())
            if actor is None:
                return error(401, "接口令牌无效、已吊销或已过期;请向考核办申请新的令牌")
            request.state.actor = actor
            request.state.session = {}
            request.state.form = {}
            try:
                note_use(store, actor.name)
                response = handler(request, store, body)
            except sqlite3.OperationalError as exc:  # the database busy beyond its timeout: try again
                return error(503, f"考核数据库正忙({exc}),本次没有导入任何数据;请稍后重试", retry=True)
        response.headers["cache-control"] = "no-store"
        return response

    # --- pushing records ---------------------------------------------------------------------------

    def push(request: Request, store: Store, body: Any) -> Response:
        actor: Actor = request.state.actor
        try:
            data = json.loads(body or b"", parse_float=Decimal)
        except ValueError as exc:  # not JSON, not UTF-8, or a number of more than 4,300 digits
            where = f"第{exc.lineno}行第{exc.colno}列附近:{exc.msg}" if isinstance(exc, json.JSONDecodeError) else str(exc)[:200]
            return error(400, f"请求体不是有效的 JSON({where})")
        if not isinstance(data, dict):
            return error(400, "请求体应为 JSON 对象:{\"adapter\": 数据格式, \"rows\": [...]}")
        unknown = sorted(set(data) - {"adapter", "kind", "rows", "dry_run"})
        if unknown:
            return error(400, f"请求体中有不认识的键 {'、'.join(unknown)}:应为 adapter(或 kind)、rows、dry_run")
        dry_run = data.get("dry_run", False)
        if not isinstance(dry_run, bool):
            return error(400, f"“dry_run”应为 true 或 false,得到 {dry_run!r}")
        adapter_id = data.get("adapter")
        if adapter_id is None:  # the department's one adapter, or the one of the record kind named
            try:
                own = candidates(site.bureau, site.registry, department=actor.department)[0]
            except KaoheError as exc:
                return error(400, str(exc))
            kind = data.get("kind")
            fits = [a for a in own if kind in a.kinds] if kind is not None else own
            if len(fits) != 1:
                named = "、".join(f"{a.id}({'、'.join(a.kinds)})" for a in own)
                what = f"本部门没有唯一读取记录类型 {kind!r} 的数据格式" if kind is not None else "本部门有多种数据格式"
                return error(400, f"缺少“adapter”:{what},应为 {named} 之一")
            adapter_id = fits[0].id
        if not isinstance(adapter_id, str) or adapter_id not in site.registry.adapters:
            return error(400, f"没有数据格式 {adapter_id!r}:用 GET {PREFIX}/adapters 查看本部门可用的数据格式")
        adapter = site.registry.adapters[adapter_id]
        if not allowed(actor, IMPORT, Resource("data", department=adapter.department)):
            return error(403, f"数据格式 {adapter_id} 属于{adapter.department},本令牌只能导入{actor.department}的数据")
        if "rows" not in data:
            return error(400, "缺少“rows”:应为数组,每行一个对象,键为列名")
        try:
            report = ingest_rows(
                store, site.bureau, site.registry, adapter_id, data["rows"], source=f"api:{actor.name}",
                department=adapter.department, actor=actor.account, dry_run=dry_run,
            )
        except KaoheError as exc:
            return error(400, str(exc))
        out = {
            "adapter": report.adapter, "department": report.department, "dry_run": dry_run, "stored": report.stored,
            "import": report.import_id, "rows": report.rows, "accepted": report.accepted, "new": report.new,
            "changed": report.changed, "unchanged": report.unchanged, "duplicates": report.duplicates,
            "rejected_total": report.rejected_total,
            "rejected": [{"index": row_index(r.row), "column": r.column, "message": r.message} for r in report.rejected],
            "rejected_more": report.summary(), "corrected": report.corrected, "months": sorted(report.months),
            "notes": report.notes,
        }
        return JSONResponse(out, status_code=422 if report.accepted == 0 else 200)

    def adapters(request: Request, store: Store, body: Any) -> Response:
        actor: Actor = request.state.actor
        try:
            own = candidates(site.bureau, site.registry, department=actor.department)[0]
        except KaoheError:
            own = []
        return JSONResponse({
            "department": actor.department,
            "adapters": [
                {
                    "adapter": a.id, "title": a.title, "kinds": list(a.kinds),
                    "columns": [
                        {"key": c.key, "name": c.name, "aliases": list(c.aliases), "type": c.type, "type_name": TYPE_NAMES[c.type],
                         "required": c.required, "choices": list(c.choices),
                         "minimum": None if c.minimum is None else str(c.minimum),
                         "maximum": None if c.maximum is None else str(c.maximum), "help": c.help}
                        for c in a.columns
                    ],
                }
                for a in own
            ],
        })

    # --- reading -----------------------------------------------------------------------------------

    def as_page(path: str, suffixed: str) -> ApiHandler:
        """The site's page at ``path``, asked for as JSON (``suffixed``: the parameter that takes ``.json``)."""
        handler = page[path]

        def read(request: Request, store: Store, body: Any) -> Response:
            request.path_params[suffixed] = request.path_params[suffixed] + ".json"
            return handler(request, store)

        return read

    def editions(request: Request, store: Store, body: Any) -> Response:
        label = request.path_params["period"]
        period = parse_period(label)
        found = store.editions(label) if period is not None else []
        if period is None or not found:
            return error(404, f"期间 {label} 没有已发布的通报(期间应写作 2015-04、2015-Q2、2015-H1 或 2015)")
        if not allowed(request.state.actor, READ, Resource("ranking", True)):
            return error(403, "无权查看该期间的通报")
        return JSONResponse({
            "period": label, "name": period.chinese, "current": label in published(store),
            "editions": [
                {"number": e["number"], "time": e["time"], "published_on": e["published_on"], "reason": e["reason"], "digest": e["digest"]}
                for e in found
            ],
        })

    def openapi(request: Request) -> Response:
        return JSONResponse(document(site.bureau.name), headers={"cache-control": "no-store"})

    return [
        api_route("/records", push, ("POST",)),
        api_route("/adapters", adapters),
        api_route("/results/{period}", as_page("/ranking/{period}", "period")),
        api_route("/results/{period}/{unit}", as_page("/unit/{period}/{unit}", "unit")),
        api_route("/editions/{period}", editions),
        Route(PREFIX + "/openapi.json", openapi, methods=["GET"]),
    ]


# --- the OpenAPI document ------------------------------------------------------------------------------


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "401": _json(_ref("Error"), "缺少令牌,或令牌无效、已吊销、已过期"),
    "403": _json(_ref("Error"), "本令牌的部门无权做此事"),
}
_PERIOD = {"name": "period", "in": "path", "required": True, "schema": {"type": "string"}, "description": "期间,如 2015-04、2015-Q2、2015-H1、2015"}


def document(bureau: str) -> dict[str, Any]:
    """The API's OpenAPI 3 document (hand-written: five paths)."""
    read = {"type": "object", "additionalProperties": True}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": f"{bureau} 考核系统接口", "version": "1",
            "description": "部门系统用考核办发放的令牌推送记录、读取成绩和通报(说明见 docs/api.md)。",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {
            f"{PREFIX}/records": {"post": {
                "summary": "推送记录(与导入文件同样检查,按记录编号去重)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Push")}}},
                "responses": {
                    "200": _json(_ref("Import"), "已导入(或 dry_run 时将导入)的结果;个别行被拒时见 rejected"),
                    "400": _json(_ref("Error"), "请求体不对(不是 JSON、没有此数据格式、有不认识的列)"),
                    **_ERRORS,
                    "413": _json(_ref("Error"), "请求体超过 [site] api_max_mb"),
                    "422": _json(_ref("Import"), "没有一行被接受:每行的错误见 rejected"),
                    "503": _json(_ref("Error"), "数据库暂时不可用或正忙,没有导入任何数据,可稍后重试"),
                },
            }},
            f"{PREFIX}/adapters": {"get": {
                "summary": "本部门的数据格式及其列",
                "responses": {"200": _json(read, "数据格式及列(key、name、type、required、choices)"), **_ERRORS},
            }},
            f"{PREFIX}/results/{{period}}": {"get": {
                "summary": "期间的排名(已发布的期间)", "parameters": [_PERIOD],
                "responses": {"200": _json(read, "与网站排名页的 JSON 相同"), **_ERRORS, "404": _json(_ref("Error"), "无此期间或尚无结果")},
            }},
            f"{PREFIX}/results/{{period}}/{{unit}}": {"get": {
                "summary": "单位在期间的成绩明细(已发布的期间;未发布时只有本部门的项目)",
                "parameters": [_PERIOD, {"name": "unit", "in": "path", "required": True, "schema": {"type": "string"}, "description": "单位编号"}],
                "responses": {"200": _json(read, "与网站单位页的 JSON 相同"), **_ERRORS, "404": _json(_ref("Error"), "尚无结果")},
            }},
            f"{PREFIX}/editions/{{period}}": {"get": {
                "summary": "期间已发布的通报版本", "parameters": [_PERIOD],
                "responses": {"200": _json(read, "各版的编号、时间、发布日期、原因、摘要"), **_ERRORS, "404": _json(_ref("Error"), "没有已发布的通报")},
            }},
            f"{PREFIX}/openapi.json": {"get": {"summary": "本文档", "security": [], "responses": {"200": _json(read, "OpenAPI 3 文档")}}},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "考核办用 kaohe token add 发放的令牌"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
                "Push": {
                    "type": "object", "required": ["rows"],
                    "properties": {
                        "adapter": {"type": "string", "description": "数据格式(本部门只有一种时可省略)"},
                        "kind": {"type": "string", "description": "记录类型:不写 adapter 时,按它找本部门产生这类记录的数据格式"},
                        "rows": {"type": "array", "items": {"type": "object", "additionalProperties": {
                            "oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}], "nullable": True,
                        }}, "description": "每行一个对象,键为列的 key、表头或别名;值为文本、数字、true/false 或 null"},
                        "dry_run": {"type": "boolean", "default": False, "description": "只检查,不保存"},
                    },
                    "additionalProperties": False,
                },
                "Rejection": {"type": "object", "properties": {
                    "index": {"type": "integer", "description": "rows 中的下标(从 0 起)"},
                    "column": {"type": "string", "description": "列的表头(空:整行)"},
                    "message": {"type": "string", "description": "应为什么"},
                }},
                "Import": {"type": "object", "properties": {
                    "adapter": {"type": "string"}, "department": {"type": "string"}, "dry_run": {"type": "boolean"},
                    "stored": {"type": "boolean"}, "import": {"type": "integer", "nullable": True},
                    "rows": {"type": "integer"}, "accepted": {"type": "integer"}, "new": {"type": "integer"},
                    "changed": {"type": "integer"}, "unchanged": {"type": "integer"}, "duplicates": {"type": "integer"},
                    "rejected_total": {"type": "integer"}, "rejected": {"type": "array", "items": _ref("Rejection")},
                    "rejected_more": {"type": "array", "items": {"type": "string"}},
                    "corrected": {"type": "array", "items": {"type": "string"}},
                    "months": {"type": "array", "items": {"type": "string"}}, "notes": {"type": "array", "items": {"type": "string"}},
                }},
            },
        },
    }
