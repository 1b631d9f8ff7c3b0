"""The office's analysis of a scheme on the site (issue 20, point 1's site part): the same use cases
as ``kaohe compare`` and ``kaohe diagnose`` (kaohe.office.analysis), for the office only (action
``analyse`` on resource ``analysis`` of kaohe.office.accounts.allowed).

- ``/office/analysis``: the form — a period or the year; a proposal as a few overrides (a
  category's weight, an item's target, items switched off, any key as ``kaohe compare --set``
  writes it), as a whole configuration pasted in (TOML), or the bureau's own scheme without its
  dated changes ("as it would have been"); and the bureau's dated changes listed.
- ``POST /office/analysis/compare`` and ``POST /office/analysis/diagnose``: the comparison (moves,
  award places, 末位/整改, rank correlations, what moved each unit) or the diagnostics (effective
  weights, saturation, dead/flat/concentrated items, the blocks' balance), each section with its
  sentences, its table and its chart drawn on the server as inline SVG (the CSP allows no inline
  script). A POST because running it is written to the audit trail (``方案分析``, with the account
  as the actor and what was run); nothing else is stored — no result, no edition.

Every page also as JSON (a ``.json`` suffix, or ``Accept: application/json`` on the POST)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..core.decimals import D
from ..core.errors import KaoheError
from ..core.periods import Period
from ..office.accounts import ANALYSE, ANALYSED, Actor, Resource, allowed
from ..office.analysis import Proposal, compare, diagnose
from ..report.analysis_files import Section, sections
from ..store.store import Store
from .base import Site, parse_period, wants_json
from .charts import bar_chart, line_chart

REFUSED = "方案分析(对比、诊断)仅考核办可以使用"
MAX_TOML = 200_000
"""The most characters of a configuration pasted in (the form's body is capped at 256 KiB anyway)."""
SERIES_CLASSES = ("s0", "s1", "s2", "s3", "s4", "s5")


def _targeted(rule: Any) -> str | None:
    """The parameter holding an item's target: ``target`` (a rate, a per-capita figure) or
    ``targets`` (a quota by unit or class), else None (the item has no target)."""
    for name in ("target", "targets"):
        if hasattr(rule, name):
            return name
    return None


def form_options(site: Site, store: Store) -> dict[str, Any]:
    """What the form offers: the periods with stored results and their years, the categories with
    their weights, the items (those with a target marked), the bureau's dated changes."""
    b = site.bureau
    stored = [p for p in store.stored_periods() if (q := parse_period(p)) is not None and q.kind == b.scheme.base_period]
    years = sorted({p[:4] for p in stored})
    return {
        "periods": [*years, *sorted(stored, reverse=True)],
        "latest": max(stored) if stored else "",
        "categories": [{"id": c.id, "name": c.name, "weight": str(c.weight)} for c in b.scheme.categories],
        "items": [
            {"id": i.id, "title": i.title, "category": i.category, "department": i.department, "target": _targeted(i.rule)}
            for i in b.items
        ],
        "changes": [v.entry() for v in b.assessment.versions],
    }


def proposal_of(site: Site, form: dict[str, Any]) -> Proposal:
    """The proposal the form says: a weight per category (blank: unchanged), one item's target, the
    items ticked off, the lines ``KEY=VALUE`` of "其他修改", a whole configuration pasted in, and
    "without the dated changes". Raises KaoheError (one line) on a wrong value."""
    sets: list[str] = []
    b = site.bureau
    for c in b.scheme.categories:
        value = str(form.get(f"weight.{c.id}", "")).strip()
        if value and value != str(c.weight):
            try:
                D(value)
            except (ValueError, ArithmeticError):
                raise KaoheError(f"{c.name}的权重应为数字,得到 {value!r}") from None
            sets.append(f"categories.{c.id}.weight={value}")
    target_item = str(form.get("target_item", "")).strip()
    target = str(form.get("target_value", "")).strip()
    if target_item and target:
        item = b.item(target_item)
        name = _targeted(item.rule) if item is not None else None
        if item is None or name is None:
            raise KaoheError(f"项目 {target_item} 没有目标值可改")
        value = target if name == "target" else f'{{ "*" = {target} }}'
        sets.append(f'items."{target_item}".params.{name}={value}')
    for i in b.items:
        if form.get(f"off.{i.id}"):
            sets.append(f'items.disable+="{i.id}"')
    for line in str(form.get("sets", "")).splitlines():
        if line.strip():
            sets.append(line.strip())
    text = str(form.get("toml", ""))
    if len(text) > MAX_TOML:
        raise KaoheError(f"粘贴的方案配置太长(超过 {MAX_TOML} 个字符)")
    return Proposal(None, tuple(sets), bool(form.get("undated")), text if text.strip() else None)


def _chart(sec: Section) -> dict[str, Any] | None:
    c = sec.chart
    if c is None or not c["categories"]:
        return None
    series = [(SERIES_CLASSES[n % len(SERIES_CLASSES)], s["name"], [None if v is None else str(v) for v in s["data"]]) for n, s in enumerate(c["series"])]
    if c["type"] == "line":
        drawn = line_chart(c["categories"], series)
        return None if drawn is None else {"kind": "line", **drawn}
    drawn = bar_chart(c["categories"], series)
    return None if drawn is None else {"kind": "bar", "percent": bool(c.get("percent")), **drawn}


def shown_sections(kind: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The sections of the CLI's HTML page (report.analysis_files.sections), with their charts'
    geometry for inline SVG."""
    return [
        {
            "title": s.title, "notes": list(s.notes), "headers": list(s.headers),
            "rows": [["" if v is None else (str(v) if not isinstance(v, str) else v) for v in row] for row in s.rows],
            "chart": _chart(s),
        }
        for s in sections(kind, data)
    ]


def routes(site: Site) -> list[Route]:
    """The office's analysis pages of ``site``."""

    def may(actor: Actor | None) -> bool:
        return allowed(actor, ANALYSE, Resource("analysis"))

    def form_page(request: Request, store: Store, as_json: bool, error: str = "", status: int = 200) -> Response:
        options = form_options(site, store)
        if as_json:
            return JSONResponse({**options, **({"error": error} if error else {})}, status_code=status)
        form = request.state.form
        opened = any(k.startswith("off.") or k in ("sets", "toml", "undated") and form[k] for k in form)
        return site.page(request, "analysis.html", status=status, error=error, form=form, opened=opened, **options)

    def index(request: Request, store: Store) -> Response:
        _, as_json = wants_json(request, request.url.path)
        if not may(request.state.actor):
            return site.refuse(request, 403, REFUSED, as_json)
        return form_page(request, store, as_json)

    def run(request: Request, store: Store) -> Response:
        kind, as_json = wants_json(request, request.path_params["kind"])
        as_json = as_json or "application/json" in request.headers.get("accept", "")
        if kind not in ("compare", "diagnose"):
            return site.refuse(request, 404, "无此页面", as_json)
        actor: Actor = request.state.actor
        if not may(actor):
            return site.refuse(request, 403, REFUSED, as_json)
        form = request.state.form
        label = str(form.get("period", "")).strip()
        try:
            period = Period.parse(label)
            change = proposal_of(site, form)
            if kind == "compare" and change.empty:
                raise KaoheError("请给出拟议方案:修改权重或目标、停用项目、填写其他修改、粘贴方案配置,或选“不含按期间生效的变更”")
            case = compare if kind == "compare" else diagnose
            data = case(store, site.bureau, site.registry, period, change)
        except KaoheError as exc:
            return form_page(request, store, as_json, str(exc), 400)
        store.log(
            ANALYSED, actor.account, period=period.label, subject=kind,
            detail={"proposal": data.get("proposal") if kind == "compare" else data.get("scheme"), "sets": list(change.sets),
                    "undated": change.undated, "pasted": change.text is not None},
        )
        if as_json:
            return JSONResponse(data)
        title = "方案对比" if kind == "compare" else "方案诊断"
        return site.page(
            request, "analysis_result.html", kind=kind, title=title, data=data, period=period, sections=shown_sections(kind, data),
        )

    return [
        site.route("/office/analysis", index),
        site.route("/office/analysis.json", index),
        site.route("/office/analysis/{kind}", run, methods=("POST",)),
    ]
