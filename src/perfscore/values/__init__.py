"""The grammar of target (指标值) and actual (实际完成值) values.

``parse_target`` reads a printed target into a ``Target``; ``parse_actual`` reads an
actual against it, in the target's unit; ``render_target`` gives the canonical
text; ``describe_actual`` a short reading for reports. ``parse_targets`` and
``parse_actuals`` do whole columns, reading each distinct value once.
"""

from perfscore.values.actual import parse_actual
from perfscore.values.batch import parse_actuals, parse_targets
from perfscore.values.render import describe_actual, render_target
from perfscore.values.serialize import actual_to_dict, explain, target_to_dict
from perfscore.values.target import infer_direction, parse_target
from perfscore.values.types import TIERS, Actual, Target
from perfscore.values.units import convert

__all__ = [
    "TIERS",
    "Actual",
    "Target",
    "actual_to_dict",
    "convert",
    "describe_actual",
    "explain",
    "infer_direction",
    "parse_actual",
    "parse_actuals",
    "parse_target",
    "parse_targets",
    "render_target",
    "target_to_dict",
]
