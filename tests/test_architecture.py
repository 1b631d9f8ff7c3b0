"""The kernel's layers (docs/architecture.md): a module imports only from its own package or a lower
layer, the packages of one layer never import each other, a kaohe module is never imported inside a
function (only a heavy third-party module is), and no import cycle remains. Every import counts:
at the top of a module, inside a function, under ``TYPE_CHECKING``.

The layer order is read from one place, the ``layers`` block of docs/architecture.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNEL = ROOT / "kernel" / "src" / "kaohe"
DOC = ROOT / "docs" / "architecture.md"

# Third-party modules slow to import, which a module may import inside the function that needs them.
HEAVY = {"openpyxl", "jinja2", "argon2", "uvicorn", "psycopg"}  # psycopg: only when a PostgreSQL store is opened
DEFERRED = {  # importer → the kaohe modules it imports inside a function: every command starts without them (issue 18)
    "kaohe.cli.analysis": {"kaohe.office.analysis", "kaohe.report.analysis", "kaohe.report.analysis_files"},
    "kaohe.cli.bureau": {"kaohe.demo"},
    "kaohe.cli.office": {"kaohe.office.publication", "kaohe.office.editions"},
    "kaohe.cli.site": {"kaohe.office.remind"},
    "kaohe.demo": {"kaohe.office.publication"},
    "kaohe.plugins.officers": {"kaohe.plugins.officers.cli", "kaohe.plugins.officers.settings"},
    "kaohe.report": {"kaohe.report.data", "kaohe.report.html", "kaohe.report.jsondata", "kaohe.report.xlsx"},
}


def layers() -> list[set[str]]:
    """The layers, lowest first, from docs/architecture.md (written there highest first, siblings
    of one layer separated by ``|``)."""
    block = re.search(r"```layers\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block, "docs/architecture.md has no ```layers block"
    rows = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    return [{p.strip() for p in row.split("|")} for row in reversed(rows) if row]


def module_name(path: Path) -> str:
    parts = ["kaohe", *path.relative_to(KERNEL).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(module: str) -> str:
    """The top-level package of a kaohe module (``kaohe.store.ledger`` → ``store``); the root
    package ``kaohe`` itself (the public facade) is ``kaohe``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "kaohe"


class Import:
    def __init__(self, source: str, target: str, line: int, local: bool, type_checking: bool) -> None:
        self.source, self.target, self.line, self.local, self.type_checking = source, target, line, local, type_checking

    def __repr__(self) -> str:
        where = " (in a function)" if self.local else " (TYPE_CHECKING)" if self.type_checking else ""
        return f"{self.source}:{self.line} imports {self.target}{where}"


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path, modules: set[str], source: str | None = None) -> list[Import]:
    """Every import in ``path`` (the module ``source``), relative ones resolved; ``from pkg import
    mod`` is an import of the module ``pkg.mod`` where that is a module."""
    source = source or module_name(path)
    package = source if path.name == "__init__.py" else source.rpartition(".")[0]
    out: list[Import] = []

    def visit(node: ast.AST, local: bool, type_checking: bool) -> None:
        for child in ast.iter_child_nodes(node):
            in_function = local or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            in_tc = type_checking or (isinstance(child, ast.If) and _is_type_checking(child))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    out.append(Import(source, alias.name, child.lineno, local, type_checking))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join([*base, *([child.module] if child.module else [])])
                else:
                    target = child.module or ""
                if target == "__future__":
                    continue
                subs = [f"{target}.{a.name}" for a in child.names if f"{target}.{a.name}" in modules]
                for t in subs or [target]:
                    out.append(Import(source, t, child.lineno, local, type_checking))
            visit(child, in_function, in_tc)

    visit(ast.parse(path.read_text(encoding="utf-8")), False, False)
    return out


def kernel_imports() -> tuple[set[str], list[Import]]:
    paths = sorted(KERNEL.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return modules, [i for p in paths for i in imports_of(p, modules)]


def kaohe_edges(imports: list[Import]) -> list[Import]:
    return [i for i in imports if i.target == "kaohe" or i.target.startswith("kaohe.")]


def cycles(edges: list[Import]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        graph.setdefault(e.source, set()).add(e.target)
        graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph[v]:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return found


def test_the_layers_name_every_package_once():
    rank = [p for layer in layers() for p in layer]
    assert len(rank) == len(set(rank)), "a package is named twice in docs/architecture.md"
    modules, _ = kernel_imports()
    packages = {package_of(m) for m in modules} - {"kaohe"}
    assert packages - set(rank) == set(), "packages of the kernel missing from docs/architecture.md's layers"
    assert set(rank) - packages == set(), "layers in docs/architecture.md naming no package of the kernel"


def test_a_module_imports_only_its_own_package_or_a_lower_layer():
    level = {p: n for n, layer in enumerate(layers()) for p in layer}
    level["kaohe"] = len(level)  # the root package, the public facade, stands above everything
    _, imports = kernel_imports()
    upward, sideways = [], []
    for i in kaohe_edges(imports):
        a, b = package_of(i.source), package_of(i.target)
        if a == b:
            continue
        if level[b] > level[a]:
            upward.append(i)
        elif level[b] == level[a]:
            sideways.append(i)
    assert upward == [], "imports of a higher layer"
    assert sideways == [], "imports between the sibling packages of one layer"


def test_no_kaohe_module_is_imported_inside_a_function():
    _, imports = kernel_imports()
    local = [
        i for i in imports
        if i.local and i.target.split(".")[0] not in HEAVY and i.target not in DEFERRED.get(i.source, ())
    ]
    assert local == [], "imports inside functions (only heavy third-party modules may be, and the deferred ones listed)"


def test_no_import_cycle_remains():
    _, imports = kernel_imports()
    assert cycles(kaohe_edges(imports)) == []


def test_the_checks_catch_what_they_are_for(tmp_path):
    """The checker itself: an upward import, a function-local import and a cycle are each found."""
    edges = [Import("kaohe.core.a", "kaohe.store.b", 1, False, False), Import("kaohe.store.b", "kaohe.core.a", 2, True, False)]
    assert cycles(edges) == [["kaohe.core.a", "kaohe.store.b"]]
    assert cycles(edges[:1]) == []
    path = tmp_path / "probe.py"
    path.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..store import store\n"
        "def f():\n    from . import periods\n    import openpyxl\n",
        encoding="utf-8",
    )
    found = imports_of(path, {"kaohe.store.store", "kaohe.core.periods"}, source="kaohe.core.probe")
    assert [(i.target, i.local, i.type_checking) for i in found] == [
        ("typing", False, False), ("kaohe.store.store", False, True),
        ("kaohe.core.periods", True, False), ("openpyxl", True, False),
    ]

