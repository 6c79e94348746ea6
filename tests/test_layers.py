"""The layers of the code are enforced: ``lint-imports`` with the contract in pyproject.toml
(a layer imports only layers below it, imports inside functions included), and no import
cycle anywhere in the package, between modules of one layer too."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_contract_names_the_layers_from_the_front_ends_down():
    contract = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = contract["contracts"][0]["layers"]
    assert contract["contracts"][0]["type"] == "layers"
    assert layers[0] == "perfscore.cli" and "perfscore.app" in layers
    # what the layers exist for: the engine sits below the checks and the writers
    assert layers.index("perfscore.scoring") > layers.index("perfscore.checks") > layers.index("perfscore.app")
    assert layers.index("perfscore.scoring") > layers.index("perfscore.writers")


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter is not installed")
def test_lint_imports_keeps_the_layers():
    env = {"PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run([shutil.which("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                         env={**__import__("os").environ, **env}, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 kept, 0 broken" in run.stdout


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = len(index)
                stack.append(v)
                on.add(v)
            if i < len(edges[v]):
                work.append((v, i + 1))
                w = edges[v][i]
                if w not in index:
                    work.append((w, 0))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            for w in edges[v]:
                if w in on:
                    low[v] = min(low[v], low[w])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def test_no_import_cycle_in_the_package():
    sys.path.insert(0, str(ROOT / "src"))
    graph = grimp.build_graph("perfscore", cache_dir=None)
    assert "perfscore.serve.app" in graph.modules and "perfscore.app.score" in graph.modules
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    class Fake:
        modules = {"a", "b", "c"}

        def find_modules_directly_imported_by(self, m):
            return {"a": {"b"}, "b": {"a"}, "c": set()}[m]

    assert _cycles(Fake()) == [["a", "b"]]
