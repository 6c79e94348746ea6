"""Compare years (年度对比): line up two or more years of targets or results.

``compare(inputs)`` takes the years oldest first, each a :class:`Targets` (targets.json)
or an :class:`Evaluation` (results.json), and answers what a finance bureau asks when it
sets or reviews targets: was a target raised or quietly lowered, did a bigger budget buy
more, did the score move.

Matching (对应关系, :mod:`perfscore.comparison.matching`), weakest evidence last, and every
item kept:

- projects: by 项目编码, then by 项目名称 with the year and ordinal prefixes stripped
  (``2022年街道体制经费`` ~ ``2023年街道体制经费``, ``（2）防疫工作经费`` ~ ``防疫工作经费``),
  never across different budget units;
- indicators, within a matched project: by (一级, 二级, 三级), then by 三级 alone, then by
  similarity (``indicator_similarity``, at least ``SIMILARITY_THRESHOLD``). A similarity
  match is a guess, so each one is listed for a person to confirm;
- whatever is left is *new* (新增) in the later year or *dropped* (删除) from the earlier one.

Classification (:mod:`perfscore.comparison.classify`) is done on parsed targets
(``perfscore.values.parse_target``) in comparable units: "raised" / "lowered" speak of the
number (提高 / 降低); whether that is stricter or looser (更严 / 更松) depends on the
direction (a ≥ target raised is stricter, a ≤ cost target raised is looser). A change of
dimension or kind (percent → count, comparison → grade, ≥ → ≤) is "kind_changed", never a
raise.

Modules: ``model`` (the data), ``inputs`` (reading a year), ``matching``, ``classify``
(changes and flags), ``build`` (the years side by side), ``table`` (compare.csv). The
package only reads; ``perfscore.writers.compare_html`` writes compare.html / compare.csv.
"""

from perfscore.comparison.build import compare, default_labels
from perfscore.comparison.classify import COST_TOLERANCE, classify
from perfscore.comparison.inputs import load_input
from perfscore.comparison.matching import (
    NAME_SIMILARITY_MIN,
    SIMILARITY_THRESHOLD,
    indicator_similarity,
    match_indicators,
    match_projects,
    normalize,
    project_key,
)
from perfscore.comparison.model import (
    CHANGE_LABELS,
    FLAG_BUDGET_UP_TARGETS_FLAT,
    FLAG_COST_UP_MORE_THAN_BUDGET,
    FLAG_DROPPED_AFTER_MISSED,
    FLAG_LABELS,
    FLAG_NOT_ABOVE_LAST_ACTUAL,
    LINK_LABELS,
    Change,
    Comparison,
    IndicatorStep,
    IndicatorTrack,
    IndicatorView,
    Link,
    ProjectStep,
    ProjectTrack,
    ProjectView,
    YearView,
    change_label,
    stricter_label,
)
from perfscore.comparison.table import TABLE_COLUMNS, comparison_table



__all__ = [
    "CHANGE_LABELS", "COST_TOLERANCE", "FLAG_BUDGET_UP_TARGETS_FLAT", "FLAG_COST_UP_MORE_THAN_BUDGET",
    "FLAG_DROPPED_AFTER_MISSED", "FLAG_LABELS", "FLAG_NOT_ABOVE_LAST_ACTUAL", "LINK_LABELS",
    "NAME_SIMILARITY_MIN", "SIMILARITY_THRESHOLD", "TABLE_COLUMNS",
    "Change", "Comparison", "IndicatorStep", "IndicatorTrack", "IndicatorView", "Link",
    "ProjectStep", "ProjectTrack", "ProjectView", "YearView",
    "change_label", "classify", "compare", "comparison_table", "default_labels",
    "indicator_similarity", "load_input", "match_indicators", "match_projects", "normalize",
    "project_key", "stricter_label",
]
