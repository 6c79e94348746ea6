"""The engine's input frames: the model (Targets with actuals) as one row per indicator
and one row per project, in input order (see :mod:`perfscore.scoring.engine`)."""

from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd

from perfscore.model import Targets


def flatten(targets: Targets) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per indicator (input order) and one row per project."""
    projects = targets.projects
    unit_code = targets.unit.code or ""
    unit_name = targets.unit.name or ""
    pframe = pd.DataFrame({
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
