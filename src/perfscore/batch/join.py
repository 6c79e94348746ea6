"""The actuals join of a block of units held as columns (no Indicator object per row).

The rules are the join's (:func:`perfscore.readers.join.plan_join`, the same plan
``attach_actuals`` applies to one unit's objects): here its rows are the block's, each
searched within its own unit, and the plan is written into the block's indicator columns
(:class:`~perfscore.frame.IndicatorColumns`) and, for the fund rows, into the block's own
projects (made by the batch for this block alone, so nothing is shared with a caller).

When any row has a problem, :func:`attach_block` changes nothing and returns False: the
caller then joins each unit with ``attach_actuals``, whose error names the unit's rows
exactly as a single-unit run would.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfscore.frame import IndicatorColumns
from perfscore.model import Targets
from perfscore.readers.actuals import fill_fund, sheet_money_unit
from perfscore.readers.join import Groups, Rows, plan_join


def attach_block(targets: Targets, project_unit: np.ndarray, rows: pd.DataFrame, columns: IndicatorColumns) -> bool:
    """Fill ``targets`` (a block's own Targets, its projects without Indicator objects) and
    ``columns`` (its projects' indicators) from ``rows`` in place; False (and nothing
    changed) when any row has a problem. ``project_unit``: the unit of each project;
    ``rows``: cleaned cells with column ``unit`` (see :mod:`perfscore.batch.actuals`)."""
    if targets.department_goals is not None:
        return False
    rows = rows[~rows["blank"].to_numpy()]
    if len(rows) == 0:
        return True
    projects = targets.projects
    groups = Groups(unit=np.asarray(project_unit, dtype=np.int64), code=[p.code for p in projects],
                    name=[p.name for p in projects], is_project=np.ones(len(projects), dtype=bool),
                    counts=np.asarray(columns.counts, dtype=np.int64), level3=columns.data["level3"])
    cells = {f: rows[f].to_numpy(dtype=object) for f in Rows.CELLS}
    plan = plan_join(groups, Rows(unit=rows["unit"].to_numpy(dtype=np.int64), **cells),
                     rows["row"].to_numpy(dtype=np.int64), sheet_money_unit(targets))
    if plan.problems:
        return False
    # The indicator columns get new arrays: the caller's views stay as they were read.
    fills = np.flatnonzero(plan.indicator >= 0)
    at = plan.indicator[fills]
    reason = rows["reason"].to_numpy(dtype=object)
    for field, values in (("actual", cells["actual"]), ("reason", reason),
                          ("evidence", rows["evidence"].to_numpy(dtype=object)), ("score", plan.score)):
        column = columns.data[field].copy()
        column[at] = values[fills]
        columns.data[field] = column
    for i in np.flatnonzero(np.not_equal(plan.fund, None)).tolist():
        fill_fund(projects[plan.group[i]], plan.fund[i], plan.amount[i], reason[i])
    return True
