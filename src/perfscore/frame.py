"""The engine's input frames: the model (Targets with actuals) as one row per indicator
and one row per project, in input order (see :mod:`perfscore.scoring.engine`).

Two ways in: :func:`flatten` reads the Indicator objects of a Targets; a caller that holds
the indicators as columns (the batch, which reads a block of a long table without making
an object per row) passes :class:`IndicatorColumns` to :func:`columns_frames` and gets the
same frames (tests/test_frame_columns.py compares the two).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd

from perfscore.model import Indicator, Targets

# Indicator fields in the model's order: the keys of IndicatorColumns.data.
INDICATOR_FIELDS: tuple[str, ...] = tuple(Indicator.model_fields)
# Fields that are floats or None on the model: held as float64 with NaN for None (a
# weight is never NaN on the model, which refuses NaN, so the two are interchangeable).
FLOAT_FIELDS = frozenset({"weight", "block_weight"})


def flatten(targets: Targets) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per indicator (input order) and one row per project."""
    projects = targets.projects
    pframe = project_frame(targets)
    # No per-indicator tuples: with 10^6 live indicator objects every allocation
    # burst triggers a full garbage collection pass over them.
    counts = np.array([len(p.indicators) for p in projects], dtype=np.int64)
    p_idx = np.repeat(np.arange(len(projects), dtype=np.int64), counts)
    inds = list(chain.from_iterable(p.indicators for p in projects))
    frame = indicator_frame(
        p_idx, inds,
        p_unit_code=pframe["unit_code"].tolist(), p_unit_name=pframe["unit_name"].tolist(),
        p_code=pframe["project_code"].tolist(), p_name=pframe["project_name"].tolist())
    return frame, pframe


def project_frame(targets: Targets) -> pd.DataFrame:
    """One row per project of ``targets`` (the engine's project frame)."""
    projects = targets.projects
    unit_code = targets.unit.code or ""
    unit_name = targets.unit.name or ""
    return pd.DataFrame({
        "p_idx": np.arange(len(projects)),
        "unit_code": [p.unit_code or unit_code for p in projects],
        "unit_name": [p.unit_name or unit_name for p in projects],
        "project_code": [p.code for p in projects],
        "project_name": [p.name for p in projects],
        "funds_total": [np.nan if p.funds.total is None else p.funds.total for p in projects],
        "budget_full_year": [np.nan if p.budget_full_year is None else p.budget_full_year for p in projects],
        "executed": [np.nan if p.executed is None else p.executed for p in projects],
        "exec_reason": [p.exec_reason or "" for p in projects],
    })


def indicator_frame(p_idx: np.ndarray, inds: list, *, p_unit_code, p_unit_name, p_code, p_name) -> pd.DataFrame:
    """The indicator frame: ``inds`` with the index of their project in ``p_idx``."""
    p_idx = np.asarray(p_idx, dtype=np.int64)
    take = lambda col: np.array(col, dtype=object)[p_idx] if len(p_idx) else np.array([], dtype=object)  # noqa: E731
    return pd.DataFrame({
        "p_idx": p_idx,
        "unit_code": take(p_unit_code),
        "unit_name": take(p_unit_name),
        "project_code": take(p_code),
        "project_name": take(p_name),
        "indicator_id": [x.id for x in inds],
        "level1": [x.level1 for x in inds],
        "level2": [x.level2 for x in inds],
        "level3": [x.level3 for x in inds],
        "target": [x.target for x in inds],
        "actual": [x.actual for x in inds],
        "score_text": [x.score for x in inds],
        "reason": [x.reason or "" for x in inds],
        "evidence": [x.evidence or "" for x in inds],
        "weight_table": np.array([np.nan if x.weight is None else x.weight for x in inds], dtype=float),
        "block_weight_table": np.array(
            [np.nan if x.block_weight is None else x.block_weight for x in inds], dtype=float),
    })


# --- indicators as columns ----------------------------------------------------------------


@dataclass(eq=False)
class IndicatorColumns:
    """The indicators of a list of projects as columns, project after project and in table
    order within each: what the projects' Indicator objects would hold, without an object
    per row. ``counts``: indicators of each project; ``data``: Indicator field → one value
    per indicator (object arrays of str or None; FLOAT_FIELDS float64, NaN for None)."""

    counts: np.ndarray
    data: dict[str, np.ndarray]

    @property
    def offsets(self) -> np.ndarray:
        """Row of each project's first indicator, and the total at the end."""
        return np.concatenate(([0], np.cumsum(self.counts))).astype(np.int64)

    def part(self, p0: int, p1: int) -> "IndicatorColumns":
        """The indicators of projects p0 … p1-1 (views, not copies)."""
        at = self.offsets
        r0, r1 = int(at[p0]), int(at[p1])
        return IndicatorColumns(self.counts[p0:p1], {k: v[r0:r1] for k, v in self.data.items()})

    @classmethod
    def concat(cls, parts: list["IndicatorColumns"]) -> "IndicatorColumns":
        if len(parts) == 1:
            return parts[0]
        return cls(np.concatenate([p.counts for p in parts]).astype(np.int64),
                   {k: np.concatenate([p.data[k] for p in parts]) for k in INDICATOR_FIELDS})

    def rows(self) -> list[tuple]:
        """The values of each indicator as a tuple in INDICATOR_FIELDS order (None for NaN
        in FLOAT_FIELDS): the model's values, for making the objects."""
        cols = []
        for k in INDICATOR_FIELDS:
            v = self.data[k]
            if k in FLOAT_FIELDS:
                v = np.where(np.isnan(v), None, v)  # object array: Python floats and None
            cols.append(v.tolist())
        return list(zip(*cols))


def columns_frames(targets: Targets, columns: IndicatorColumns) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What :func:`flatten` gives for ``targets`` whose projects' indicators are ``columns``."""
    pframe = project_frame(targets)
    p_idx = np.repeat(np.arange(len(targets.projects), dtype=np.int64), np.asarray(columns.counts, dtype=np.int64))
    take = lambda col: np.array(col, dtype=object)[p_idx] if len(p_idx) else np.array([], dtype=object)  # noqa: E731
    d = columns.data
    frame = pd.DataFrame({
        "p_idx": p_idx,
        "unit_code": take(pframe["unit_code"].tolist()),
        "unit_name": take(pframe["unit_name"].tolist()),
        "project_code": take(pframe["project_code"].tolist()),
        "project_name": take(pframe["project_name"].tolist()),
        "indicator_id": d["id"],
        "level1": d["level1"],
        "level2": d["level2"],
        "level3": d["level3"],
        "target": d["target"],
        "actual": d["actual"],
        "score_text": d["score"],
        # `x or ""` exactly as flatten: None (and whatever else is falsy) becomes "".
        "reason": np.array([x or "" for x in d["reason"].tolist()], dtype=object),
        "evidence": np.array([x or "" for x in d["evidence"].tolist()], dtype=object),
        "weight_table": np.asarray(d["weight"], dtype=float),
        "block_weight_table": np.asarray(d["block_weight"], dtype=float),
    })
    return frame, pframe
