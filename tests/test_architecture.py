"""The shape of the code: no import cycles between the registry's modules, and the public
side (pages, API, queries, publication, search) never imports the admin."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "registry"
PUBLIC = ("registry.views", "registry.api", "registry.queries", "registry.publication")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Registry modules `path` imports, at the top or inside functions."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            # `from registry.queries import facts` imports the module registry.queries.facts.
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return {module for module in found if module.startswith("registry")}


def graph() -> dict[str, set[str]]:
    modules = {
        module_name(path): path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts
    }
    return {name: imports_of(path) & modules.keys() - {name} for name, path in modules.items()}


def test_no_import_cycles():
    edges = graph()
    # A package's __init__ may gather its own modules: that is not a cycle.
    for name, targets in edges.items():
        edges[name] = {t for t in targets if not name.startswith(f"{t}.")}
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


@pytest.mark.parametrize("prefix", PUBLIC)
def test_the_public_side_never_imports_the_admin(prefix):
    offenders = {
        name: sorted(t for t in targets if t.startswith("registry.admin"))
        for name, targets in graph().items()
        if name.startswith(prefix)
    }
    assert {name: found for name, found in offenders.items() if found} == {}
