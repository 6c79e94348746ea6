"""The comparison as one flat table: the content of compare.csv."""

from __future__ import annotations

import pandas as pd

from perfscore.comparison.model import CHANGE_LABELS, Comparison, change_label, stricter_label
from perfscore.scoring.numeric import round_half_up

TABLE_COLUMNS = [
    "from_year", "to_year", "row_type",
    "project_code_before", "project_code_after", "project_name_before", "project_name_after",
    "project_match",
    "level1", "level2", "level3_before", "level3_after", "indicator_match", "similarity",
    "target_before", "target_after", "change", "change_zh", "stricter",
    "budget_before", "budget_after", "budget_change_pct",
    "actual_before", "score_before", "score_after", "weight_before", "weight_after",
    "total_before", "total_after", "grade_before", "grade_after",
    "flags", "note",
]


def _cents(amount: float | None) -> float | None:
    """An amount in 元 rounded to the cent, half up (budgets read from 万元 carry float noise:
    0.07万元 × 10⁴ is 700.0000000000001)."""
    if amount is None:
        return None
    return round_half_up(amount)


def comparison_table(comparison: Comparison) -> pd.DataFrame:
    """One row per project and per indicator for each step (year to next year)."""
    rows = []
    for s in range(len(comparison.years) - 1):
        fy, ty = comparison.step_labels(s)
        for pt in comparison.projects:
            pst = pt.steps[s]
            if pst is None:
                continue
            pb, pa = pst.before, pst.after
            rows.append({
                "from_year": fy, "to_year": ty, "row_type": "project",
                "project_code_before": pb.code if pb else "", "project_code_after": pa.code if pa else "",
                "project_name_before": pb.name if pb else "", "project_name_after": pa.name if pa else "",
                "project_match": pst.link.how if pst.link else pst.change,
                "change": pst.change, "change_zh": CHANGE_LABELS[pst.change],
                "budget_before": _cents(pb.budget) if pb else None, "budget_after": _cents(pa.budget) if pa else None,
                "budget_change_pct": round((pst.budget_ratio - 1) * 100, 2) if pst.budget_ratio else None,
                "total_before": pb.total if pb else None, "total_after": pa.total if pa else None,
                "grade_before": (pb.grade or "") if pb else "", "grade_after": (pa.grade or "") if pa else "",
                "flags": ";".join(pst.flags), "note": "；".join(pst.flag_notes),
            })
            for it in pt.indicators:
                st = it.steps[s]
                if st is None:
                    continue
                b, a = st.before, st.after
                ref = a or b
                rows.append({
                    "from_year": fy, "to_year": ty, "row_type": "indicator",
                    "project_code_before": pb.code if pb else "", "project_code_after": pa.code if pa else "",
                    "project_name_before": pb.name if pb else "", "project_name_after": pa.name if pa else "",
                    "project_match": pst.link.how if pst.link else pst.change,
                    "level1": ref.level1, "level2": ref.level2,
                    "level3_before": b.level3 if b else "", "level3_after": a.level3 if a else "",
                    "indicator_match": st.link.how if st.link else "",
                    "similarity": st.link.similarity if st.link else None,
                    "target_before": b.target_text if b else "", "target_after": a.target_text if a else "",
                    "change": st.change, "change_zh": change_label(st), "stricter": stricter_label(st.stricter),
                    "actual_before": (b.actual_text or "") if b else "",
                    "score_before": b.score if b else None, "score_after": a.score if a else None,
                    "weight_before": b.weight if b else None, "weight_after": a.weight if a else None,
                    "flags": ";".join(st.flags),
                    "note": "；".join(x for x in (st.note, *st.flag_notes) if x),
                })
    frame = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    text_cols = [c for c in TABLE_COLUMNS if c not in (
        "similarity", "budget_before", "budget_after", "budget_change_pct", "score_before",
        "score_after", "weight_before", "weight_after", "total_before", "total_after")]
    frame[text_cols] = frame[text_cols].fillna("")
    return frame
