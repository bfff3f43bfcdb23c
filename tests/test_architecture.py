"""The layer rule of docs/architecture.md, checked on the source: imports only go downwards, and no cycles.

Every module's imports are read with `ast` (including imports inside functions and under TYPE_CHECKING: a lazy
import is still a dependency), resolved to project modules, and checked against LAYERS. A module may import its
own package and any package of a lower layer; never a package of a higher layer nor another package of its own
layer. No import cycle may exist between modules. The engine and models never import qgis.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Lowest first. A module belongs to the longest prefix listed here.
LAYERS: list[list[str]] = [
    ["plugin.core.engine", "plugin.core.reporting"],
    ["models"],
    ["plugin.core.classify", "plugin.core.superres", "plugin.core.accuracy"],
    ["plugin.core.training"],
    ["plugin.core.labelling"],
    ["plugin.core.batch"],
    ["plugin.core.distributed"],
    ["plugin.core.cli"],
    ["plugin.dependencies", "plugin.settings"],
    ["plugin.algorithms"],
    ["plugin.provider", "ui"],
    ["plugin.main"],
]
QGIS_FREE = ("plugin.core", "models")
SKIP_DIRS = {".venv", ".build", "tests", "scripts", "benchmarks", ".git", "dist", "demo_output"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).parts
        if rel[0] in SKIP_DIRS or len(rel) == 1:
            continue
        found[_module_name(path)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Project modules `name` imports (absolute `deepmapper.` or relative), and 'qgis' when it imports qgis."""
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("qgis", "processing"):
                    out.add("qgis")
                elif alias.name.startswith("deepmapper."):
                    out.add(alias.name[len("deepmapper."):])
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                mod = node.module or ""
                if mod.split(".")[0] in ("qgis", "processing"):
                    out.add("qgis")
                if not mod.startswith("deepmapper."):
                    continue
                base = mod[len("deepmapper."):]
            else:
                here = name.split(".") if is_pkg else name.split(".")[:-1]
                here = here[:len(here) - (node.level - 1)]
                base = ".".join(here + ([node.module] if node.module else []))
            for alias in node.names:  # `from pkg import module` imports the module itself
                sub = f"{base}.{alias.name}" if base else alias.name
                out.add(sub if sub in MODULES else base)
    return {m for m in out if m == "qgis" or m in MODULES}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer_of(module: str) -> tuple[int, str] | None:
    best = None
    for level, packages in enumerate(LAYERS):
        for pkg in packages:
            if (module == pkg or module.startswith(pkg + ".")) and (best is None or len(pkg) > len(best[1])):
                best = (level, pkg)
    return best


def test_every_module_has_a_layer():
    missing = sorted(m for m in MODULES if _layer_of(m) is None and m not in ("plugin", "plugin.core"))
    assert not missing, f"modules outside every layer of tests/test_architecture.py: {missing}"


def test_imports_only_go_downwards():
    wrong = []
    for module, imports in GRAPH.items():
        mine = _layer_of(module)
        if mine is None:
            continue
        for target in imports - {"qgis"}:
            theirs = _layer_of(target)
            if theirs is None:
                continue
            if theirs[0] > mine[0] or (theirs[0] == mine[0] and theirs[1] != mine[1]):
                wrong.append(f"{module} ({mine[1]}) imports {target} ({theirs[1]})")
    assert not wrong, "imports that go upwards or sideways:\n" + "\n".join(sorted(wrong))


def test_engine_and_models_never_import_qgis():
    offenders = sorted(m for m, imports in GRAPH.items() if m.startswith(QGIS_FREE) and "qgis" in imports)
    assert not offenders, f"QGIS-free modules that import qgis: {offenders}"


def test_no_import_cycles():
    graph = {m: {t for t in imports if t != "qgis" and t != m} for m, imports in GRAPH.items()}
    # a package's __init__ importing its own children is not a cycle through the child importing a sibling
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("package", sorted({p for layer in LAYERS for p in layer if p in MODULES}))
def test_packages_say_what_lives_there(package):
    path = MODULES[package]
    if path.name != "__init__.py":
        pytest.skip(f"{package} is a module, not a package")
    doc = ast.get_docstring(ast.parse(path.read_text()))
    assert doc and len(doc) > 80, f"{path} needs a docstring saying what lives there and what it may import"
