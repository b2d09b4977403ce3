"""No import cycle inside ``symdln``: every module's imports (top-level and inside functions, as grimp
reads them from the source) form a graph without cycles, so that a module can be understood, and
imported, below the modules that use it.  A new cycle fails here with the modules and lines involved."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

import symdln

ROOT = Path(__file__).resolve().parents[1]

# Cycles allowed to remain, each with the cut that would remove it (none today).  A cycle listed here that no
# longer exists fails the test too, so the list only shrinks.
KNOWN: dict[frozenset, str] = {}


def strongly_connected(adj: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in sorted(adj):
        if root in index:
            continue
        work = [(root, iter(sorted(adj[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(adj.get(w, ())))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def test_cycle_finder_finds_a_cycle():
    """The finder itself: a two-module and a three-module cycle are found, a chain is not."""
    adj = {"a": {"b"}, "b": {"a", "c"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert sorted(strongly_connected(adj)) == [["a", "b"], ["c", "d", "e"]]
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def _graph():
    grimp = pytest.importorskip("grimp")
    assert Path(symdln.__file__).resolve().parent == ROOT / "symdln", "run from the checkout's root"
    g = grimp.build_graph("symdln", cache_dir=None)
    return g, {m: set(g.find_modules_directly_imported_by(m)) for m in g.modules}


def test_no_import_cycle_inside_symdln():
    g, adj = _graph()
    found = {frozenset(c): c for c in strongly_connected(adj)}
    new = []
    for key, comp in found.items():
        if key in KNOWN:
            continue
        edges = [f"{a} -> {b} (line {', '.join(str(d['line_number']) for d in g.get_import_details(importer=a, imported=b))})"
                 for a in comp for b in sorted(adj[a] & key)]
        new.append("\n  ".join(edges))
    assert not new, "import cycles:\n  " + "\n\n  ".join(new)
    gone = [sorted(k) for k in KNOWN if k not in found]
    assert not gone, f"these known cycles are cut now; remove them from KNOWN: {gone}"


def test_a_new_function_level_import_cycle_is_found(tmp_path, monkeypatch):
    """A copy of the package where the numeric core imports a module that imports it back, inside a
    function, shows up as a cycle."""
    pytest.importorskip("grimp")
    import shutil
    shutil.copytree(ROOT / "symdln", tmp_path / "symdln", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "symdln" / "_loop_a.py").write_text("def f():\n    from . import _loop_b  # noqa: F401\n")
    (tmp_path / "symdln" / "_loop_b.py").write_text("from . import _loop_a  # noqa: F401\n")
    import grimp
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "symdln" or m.startswith("symdln.")]:
        monkeypatch.delitem(sys.modules, name)
    g = grimp.build_graph("symdln", cache_dir=None)
    adj = {m: set(g.find_modules_directly_imported_by(m)) for m in g.modules}
    assert ["symdln._loop_a", "symdln._loop_b"] in strongly_connected(adj)
