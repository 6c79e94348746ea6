"""The public API is explicit: everything in __all__ resolves, nothing else is promised."""

import importlib

import perfscore


def test_every_name_in_all_resolves():
    for name in perfscore.__all__:
        assert getattr(perfscore, name) is not None, name


def test_lazy_names_are_the_defining_modules_objects():
    assert perfscore.evaluate is importlib.import_module("perfscore.scoring").evaluate
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


def test_functions_named_like_their_module_stay_functions():
    """perfscore.extract / perfscore.compare are functions even when their submodules were
    imported first (Python binds a submodule to the package attribute of its name)."""
    import subprocess
    import sys

    code = ("import perfscore.extract, perfscore.compare.build\n"
            "from perfscore import extract, compare\n"
            "import perfscore, types\n"
            "print(type(extract).__name__, type(compare).__name__, type(perfscore.extract).__name__,\n"
            "      isinstance(sys.modules['perfscore.extract'], types.ModuleType))\n")
    done = subprocess.run([sys.executable, "-c", "import sys\n" + code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["function", "function", "function", "True"]
