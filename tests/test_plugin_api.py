"""A department's plugin uses only the public API: ``kaohe``, ``kaohe.rules``, ``kaohe.testing`` and
``kaohe.demo`` (docs/plugin-guide.md). Every import of every bundled plugin's source counts: at the
top of a module, inside a function, under ``TYPE_CHECKING``."""

from __future__ import annotations

import ast
from pathlib import Path

import kaohe
import kaohe.demo
import kaohe.rules
import kaohe.testing

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = ROOT / "plugins"
PUBLIC = {"kaohe", "kaohe.rules", "kaohe.testing", "kaohe.demo"}


def kaohe_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of each import of a kaohe module in ``path``; ``from kaohe import x`` of a
    submodule ``x`` is an import of ``kaohe.x``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "kaohe"]
        elif isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] == "kaohe":
            module = node.module or ""
            out.append((node.lineno, module))
            for a in node.names:
                sub = f"{module}.{a.name}"
                if (ROOT / "kernel" / "src" / Path(*sub.split("."))).exists() or Path(
                        ROOT, "kernel", "src", *sub.split(".")).with_suffix(".py").exists():
                    out.append((node.lineno, sub))
    return sorted(out)


def test_every_plugin_has_source() -> None:
    sources = sorted(PLUGINS.glob("*/src/**/*.py"))
    assert len({p.relative_to(PLUGINS).parts[0] for p in sources}) == len(list(PLUGINS.glob("*/pyproject.toml")))


def test_plugins_import_only_the_public_api() -> None:
    bad = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted(PLUGINS.glob("*/src/**/*.py"))
        for line, module in kaohe_imports(path)
        if module not in PUBLIC
    ]
    assert not bad, "plugins import kaohe's internals (use kaohe, kaohe.rules, kaohe.testing, kaohe.demo):\n" + "\n".join(bad)


def test_the_check_sees_an_internal_import(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "from kaohe import Item, rules\nfrom kaohe.rules import Lines\nimport kaohe.core.decimals\n"
        "def f():\n    from kaohe.intake.workbook import write_export\n"
        "from kaohe import core\n",
        encoding="utf-8",
    )
    found = [m for _, m in kaohe_imports(source) if m not in PUBLIC]
    assert found == ["kaohe.core.decimals", "kaohe.intake.workbook", "kaohe.core"]


def test_the_public_names_are_documented() -> None:
    """Each name a plugin author imports from the four public modules is described in the guide."""
    guide = (ROOT / "docs" / "plugin-guide.md").read_text(encoding="utf-8")
    for module in (kaohe, kaohe.demo, kaohe.testing):
        missing = [n for n in module.__all__ if f"`{n}`" not in guide and f"`{n}(" not in guide and n != "rules"]
        assert not missing, f"{module.__name__}: not in docs/plugin-guide.md: {missing}"
