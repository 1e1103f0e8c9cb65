"""No import cycle anywhere in our packages, a function-level import included.

A cycle makes what a module means depend on which side was imported first, and hides a missing
seam (notify's invitation and lifecycle sending once imported each other, one of them inside a
function). grimp builds the graph from the source without importing it; the stdlib's graphlib
finds a cycle and names it, module by module.
"""

from __future__ import annotations

import graphlib
from pathlib import Path

import grimp
import pytest

PACKAGES = ("shared", "services", "tfc", "infra", "bench")  # pyproject's [tool.setuptools.packages.find]


def import_cycles(*packages: str) -> list[list[str]]:
    """Cycles among `packages`' modules, each as [a, b, ..., a] where each module imports the
    next; empty when there is none. One cycle per strongly knotted group at a time: after naming
    one, its closing import is set aside and the search goes on, so every knot gets named."""
    graph = grimp.build_graph(*packages, cache_dir=None)
    imports = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    cycles: list[list[str]] = []
    while True:
        try:
            # graphlib takes {node: its predecessors}: a module's imports come before it.
            graphlib.TopologicalSorter(imports).prepare()
            return cycles
        except graphlib.CycleError as exc:
            cycle = list(reversed(exc.args[1]))  # graphlib lists predecessors first
            cycles.append(cycle)
            imports[cycle[0]].discard(cycle[1])


def test_our_packages_have_no_import_cycle():
    cycles = import_cycles(*PACKAGES)
    assert not cycles, "import cycles (each module imports the next):\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_check_names_a_cycle_through_an_import_inside_a_function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    package = tmp_path / "knotted"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "sending.py").write_text("def handle():\n    from knotted.lifecycle import send\n    send()\n")
    (package / "lifecycle.py").write_text("from knotted.sending import handle\n\ndef send():\n    pass\n")
    (package / "plain.py").write_text("import knotted.sending\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    [cycle] = import_cycles("knotted")
    assert cycle[0] == cycle[-1] and sorted(cycle[:-1]) == ["knotted.lifecycle", "knotted.sending"]
