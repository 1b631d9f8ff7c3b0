"""Where a page's time goes (issue 16, point 5): each part of a ranking request and of every
request's fixed overhead timed alone, in this process, over a bureau prepared by bench/serve.py
(default bench/out/serve-0.1): opening the store (as before) and the thread's store kept open
(now), the session's account, the published periods
(read afresh, and kept by ``web.base.memo``), the staleness test, the ranking's rows (the whole
``stored_result`` as before, and the one query of ``Store.ranking_rows``), the data status, and
the template. Each figure is the median of ``--repeat`` runs, in milliseconds.

Usage::

    python bench/serve.py --scale 0.1     # once: prepares bench/out/serve-0.1
    python bench/site_profile.py [--config bench/out/serve-0.1/kaohe.toml] [--period 2015-06]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def timed(fn: Callable[[], Any], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", type=Path, default=HERE / "out" / "serve-0.1" / "kaohe.toml")
    p.add_argument("--period", default="2015-06")
    p.add_argument("--repeat", type=int, default=30)
    a = p.parse_args(argv)
    if not a.config.exists():
        raise SystemExit(f"{a.config} is missing: run python bench/serve.py --scale 0.1 first")

    from kaohe.core.periods import Period
    from kaohe.office.accounts import current
    from kaohe.office.results import published_unchanged, staleness, stored_result
    from kaohe.scoring.status import data_status
    from kaohe.store.store import Store
    from kaohe.web.base import Site, published
    from markupsafe import Markup

    site = Site(a.config)
    period = Period.parse(a.period)
    label = period.label
    store = Store(site.bureau.database)
    account = next(u for u in store.users() if u["role"] == "考核办")
    r = a.repeat

    def uncached_published() -> set[str]:
        return {x for x in {str(e["period"]) for e in store.editions()} if published_unchanged(store, x)}

    def opened() -> None:
        with Store(site.bureau.database) as s:
            s.user(str(account["account"]))

    def held() -> None:
        s = site.held_store()
        s.user(str(account["account"]))
        site.release(s)

    def page_rows() -> list[dict[str, Any]]:
        return store.ranking_rows(label)

    def old_rows() -> Any:
        return stored_result(store, period)

    rows = [
        ("open the store, one read, close (each request before)", opened),
        ("the thread's store kept open, one read (each request now)", held),
        ("the session's account (current)", lambda: current(store, str(account["account"]), int(account["stamp"] or 0))),
        ("the store's change marker (memo's key)", store.change_marker),
        ("published periods, read afresh (before)", uncached_published),
        ("published periods, kept (memo)", lambda: published(store)),
        ("staleness of the period, read afresh", lambda: staleness(store, site.bureau, period)),
        ("ranking rows: stored_result, every unit's categories (before)", old_rows),
        ("ranking rows: Store.ranking_rows, one query (now)", page_rows),
        ("data status of the period, read afresh", lambda: data_status(store, site.bureau, site.registry, period)),
    ]
    published(store)  # kept from now on
    units = [{**u, "change": None} for u in store.ranking_rows(label)]
    row = site.templates.get_template("ranking_row.html")

    def rows_html() -> Markup:
        return Markup("").join(Markup(row.render(u=u, link=True, period=label, previous=None)) for u in units)

    body = rows_html()
    ctx = {
        "period": label, "name": period.chinese, "published": True, "previous": None, "stale": None, "missing": [],
        "series": [{"series": "s", "name": "s", "units": units}], "bodies": {"s": body},
        "data_status": {"periods": [], "departments": []}, "before": "", "bureau": site.bureau.name, "csrf": "", "me": None,
    }
    template = site.templates.get_template("ranking.html")
    rows.append((f"every unit's row rendered (ranking_row.html; once per change of the store), {len(units)} units", rows_html))
    rows.append(("the ranking's page around the rows kept (each request)", lambda: template.render(**ctx)))
    print(f"{a.config}: {len(units)} units in {label}, median of {r} runs")
    print()
    print("| part | ms |")
    print("| --- | ---: |")
    for what, fn in rows:
        fn()  # warm
        print(f"| {what} | {timed(fn, r):.3f} |")
    store.close()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    raise SystemExit(main())
