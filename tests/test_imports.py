"""The modules stand in layers: no import circles in pipeline/, and extractors/ never imports pipeline/.

The graph is read from the source (ast), so imports inside functions count as much as those
at the top: a circle that only closes at call time still makes two modules that cannot be
understood, or changed, one without the other.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pipeline", "extractors")


def module_files() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).glob("*.py")):
            out[package if path.stem == "__init__" else f"{package}.{path.stem}"] = path
    return out


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of `known` that the module `name` imports anywhere in its source."""
    package = name if path.stem == "__init__" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x, from .x import y
                parent = package.split(".")
                parent = parent[: len(parent) - (node.level - 1)]
                base = ".".join(parent + ([base] if base else []))
            # `from pipeline import workers` imports the module pipeline.workers
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            # `import pipeline.report.x` or a name inside a module: the longest known prefix
            parts = target.split(".")
            for n in range(len(parts), 0, -1):
                candidate = ".".join(parts[:n])
                if candidate in known:
                    if candidate != name:
                        out.add(candidate)
                    break
    return out


def import_graph() -> dict[str, set[str]]:
    files = module_files()
    known = set(files)
    return {name: imported_modules(name, path, known) for name, path in files.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
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
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_graph_sees_function_level_and_relative_imports(tmp_path):
    """The walker itself: an import inside a function and a relative import are edges."""
    (tmp_path / "a.py").write_text("def f():\n    from pkg import b\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("from .a import f\nimport pkg.c as c\n", encoding="utf-8")
    (tmp_path / "c.py").write_text("x = 1\n", encoding="utf-8")
    known = {"pkg.a", "pkg.b", "pkg.c"}
    graph = {f"pkg.{n}": imported_modules(f"pkg.{n}", tmp_path / f"{n}.py", known) for n in "abc"}
    assert graph == {"pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a", "pkg.c"}, "pkg.c": set()}
    assert circles(graph) == [["pkg.a", "pkg.b"]]


def test_the_real_graph_has_the_modules_and_edges_we_know():
    graph = import_graph()
    assert "pipeline.compare" in graph and "extractors.gazetteer" in graph
    assert "extractors.gazetteer" in graph["pipeline.compare"]
    assert "pipeline.run" in graph["pipeline.cli"]  # a function-level import


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_circles(package):
    found = [c for c in circles(import_graph()) if any(m.startswith(package) for m in c)]
    assert not found, f"modules that import each other (directly or through others): {found}"


def test_extractors_never_import_pipeline():
    graph = import_graph()
    upward = {m: sorted(t for t in targets if t.split(".")[0] == "pipeline")
              for m, targets in graph.items() if m.split(".")[0] == "extractors"}
    assert not {m: t for m, t in upward.items() if t}, "extractors are pure: Prefect and output I/O stay in pipeline/"


def test_pipeline_has_no_gazetteer_of_its_own():
    """Which municipalities an area covers is the gazetteer's answer (extractors/gazetteer.py), only."""
    for name, path in module_files().items():
        if not name.startswith("pipeline"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes = [n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and "unicipal" in n.name]
        reads = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value == "gemeenten.csv"]
        assert not classes and not reads, f"{name}: a municipality type or loader of its own: {classes or reads}"
