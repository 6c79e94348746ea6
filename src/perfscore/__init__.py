"""perfscore: year-end budget performance self-evaluation (预算绩效自评).

The public API is listed in ``__all__``; everything else is internal. The heavy
parts (pandas, the engine, the writers) load on first use, so ``import perfscore``
and the command line start quickly.

    targets = load_targets("targets.json")                 # or extract("绩效文本.docx")
    targets = attach_actuals(targets, read_actuals("actuals.csv"))
    ev = evaluate(targets, "mof-2020")                     # -> Evaluation
    write_results(ev, "out"); write_report(ev, "out")
"""

from __future__ import annotations

import importlib

from perfscore.errors import (
    DataError,
    FormatError,
    InputError,
    PerfscoreError,
    ProfileError,
    UsageError,
)
from perfscore.model import Finding, Indicator, Project, Targets

__version__ = "0.1.0"

# name → module that defines it; resolved lazily by __getattr__.
_LAZY = {
    "extract": "perfscore.app.extract",
    "load_targets": "perfscore.app.extract",
    "read_actuals": "perfscore.readers.actuals",
    "attach_actuals": "perfscore.readers.actuals",
    "parse_target": "perfscore.values",
    "parse_actual": "perfscore.values",
    "Target": "perfscore.values",
    "Actual": "perfscore.values",
    "evaluate": "perfscore.app.score",
    "Evaluation": "perfscore.scoring",
    "Profile": "perfscore.scoring",
    "load_profile": "perfscore.scoring",
    "load_results": "perfscore.scoring",
    "write_results": "perfscore.writers.tabular",
    "write_template": "perfscore.writers.template",
    "write_report": "perfscore.writers.html",
    "render_report": "perfscore.writers.html",
    "check_targets": "perfscore.checks",
    "check_results": "perfscore.checks",
    "export_review": "perfscore.review",
    "merge_review": "perfscore.review",
    "compare": "perfscore.comparison",
}

__all__ = sorted([
    "DataError",
    "Finding",
    "FormatError",
    "Indicator",
    "InputError",
    "PerfscoreError",
    "ProfileError",
    "Project",
    "Targets",
    "UsageError",
    "__version__",
    *_LAZY,
])


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'perfscore' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
