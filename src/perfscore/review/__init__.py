"""重点评价 support: the review pack, and merging what a reviewer filled in.

- :func:`export_review` / ``perfscore review RESULTS -o review.xlsx [--csv]``: the pack
  (指标复核, 项目风险排序, 检查发现, 汇总), see :mod:`perfscore.review.pack`;
- :func:`merge_review` / ``perfscore review RESULTS --merge FILLED.xlsx -o DIR``:
  re-scores with the reviewer's values and writes results with review columns and
  deviation.csv (自评偏差 = self − review), see :mod:`perfscore.review.merge`.
"""

from __future__ import annotations

from pathlib import Path

from perfscore.review.merge import MergeResult, merge, read_filled, write_merged
from perfscore.review.pack import write_review_pack
from perfscore.review.risk import FORMULA, risk_table
from perfscore.scoring import load_results

__all__ = ["FORMULA", "MergeResult", "export_review", "merge_review", "risk_table"]


def _load(results):
    if isinstance(results, (str, Path)):
        return load_results(results)
    return results


def export_review(results, out_path, *, csv: bool = False, force: bool = False) -> list[Path]:
    """Write the review pack for ``results`` (a results.json path or an Evaluation);
    an existing workbook is replaced only with ``force``."""
    return write_review_pack(_load(results), out_path, csv=csv, force=force)


def merge_review(results, filled, out_dir, *, profile=None) -> MergeResult:
    """Merge the filled pack ``filled`` into ``results`` and write the outputs into ``out_dir``."""
    evaluation = _load(results)
    entries = read_filled(filled)
    result = merge(evaluation, entries, profile=profile, source=str(filled))
    write_merged(result, out_dir)
    return result
