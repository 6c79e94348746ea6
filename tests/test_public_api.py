"""The public API is explicit: everything in __all__ resolves, nothing else is promised."""

import importlib

import perfscore


def test_every_name_in_all_resolves():
    for name in perfscore.__all__:
        assert getattr(perfscore, name) is not None, name


def test_lazy_names_are_the_defining_modules_objects():
    assert perfscore.evaluate is importlib.import_module("perfscore.app.score").evaluate
    assert perfscore.load_targets is importlib.import_module("perfscore.app.extract").load_targets


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


def test_public_functions_are_plain_functions_whatever_was_imported_first():
    """``extract`` and ``compare`` are plain functions (their modules are perfscore.app.extract
    and perfscore.comparison, named apart), whatever was imported before them."""
    import subprocess
    import sys
    from pathlib import Path

    sample = str(Path(__file__).resolve().parents[1] / "data" / "yanshan-2023" / "targets.json")
    check = ("import types\n"
             "t = extract(sys.argv[1])\n"
             "print(type(t).__name__, len(t.projects), isinstance(extract, types.FunctionType),\n"
             "      isinstance(compare, types.FunctionType), load_targets.__module__)\n")
    orders = ["import perfscore.app.extract, perfscore.comparison.build\nfrom perfscore import extract, compare, load_targets\n",
              "from perfscore import extract, compare, load_targets\nimport perfscore.app.extract, perfscore.comparison.build\n"]
    for first in orders:
        done = subprocess.run([sys.executable, "-c", "import sys\n" + first + check, sample],
                              capture_output=True, text=True, check=True)
        assert done.stdout.split() == ["Targets", "11", "True", "True", "perfscore.app.extract"]