"""The public API is explicit: everything in __all__ resolves, nothing else is promised."""

import importlib

import perfscore


def test_every_name_in_all_resolves():
    for name in perfscore.__all__:
        assert getattr(perfscore, name) is not None, name


def test_lazy_names_are_the_defining_modules_objects():
    assert perfscore.evaluate is importlib.import_module("perfscore.app.score").evaluate
    assert perfscore.load_targets is importlib.import_module("perfscore.extract").load_targets


def test_unknown_names_raise_attribute_error():
    try:
        perfscore.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_readme_library_example_runs(tmp_path):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "data" / "yanshan-2023"
    targets = perfscore.load_targets(sample / "targets.json")
    targets = perfscore.attach_actuals(targets, perfscore.read_actuals(sample / "actuals.csv"))
    ev = perfscore.evaluate(targets, "mof-2020")
    assert len(ev.projects) == 11 and len(ev.indicators) == 77
    perfscore.write_results(ev, tmp_path)
    perfscore.write_report(ev, tmp_path)
    assert {p.name for p in tmp_path.iterdir()} >= {"results.json", "results.csv", "projects.csv", "report.html"}


def test_names_shared_by_a_module_and_its_function_work_both_ways():
    """perfscore.extract / perfscore.compare are modules and callable as their functions,
    whichever was imported first (Python binds a submodule to the package attribute of its
    name): ``from perfscore import extract; extract(path)`` and ``perfscore.extract.load_targets``."""
    import subprocess
    import sys
    from pathlib import Path

    sample = str(Path(__file__).resolve().parents[1] / "data" / "yanshan-2023" / "targets.json")
    check = ("import perfscore\n"
             "t = extract(sys.argv[1])\n"
             "print(type(t).__name__, len(t.projects), callable(compare),\n"
             "      perfscore.extract.load_targets.__name__, perfscore.compare.load_input.__name__,\n"
             "      perfscore.compare.comparison_table.__name__)\n")
    orders = ["import perfscore.extract, perfscore.compare.build\nfrom perfscore import extract, compare\n",
              "from perfscore import extract, compare\nimport perfscore.extract, perfscore.compare.build\n"]
    for first in orders:
        done = subprocess.run([sys.executable, "-c", "import sys\n" + first + check, sample],
                              capture_output=True, text=True, check=True)
        assert done.stdout.split() == ["Targets", "11", "True", "load_targets", "load_input", "comparison_table"]
