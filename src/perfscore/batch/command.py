"""What ``perfscore evaluate`` prints and returns in batch mode (the CLI stays thin).

Messages go to stderr in Chinese; ``--quiet`` leaves only errors. Exit status: 0 when
every unit was scored, 1 when a unit could not be (the others are still written), or
with ``--strict`` when any finding is an error.
"""

from __future__ import annotations

import sys

from perfscore.batch import evaluate_batch
from perfscore.errors import UsageError


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def evaluate_batch_command(targets: str, actuals: str | None, out: str, *, profile=None, as_of=None,
                           pdf: bool = False, strict: bool = False, quiet: bool = False,
                           tables_only: bool = False, previous: str | None = None,
                           scheduler: str | None = None, handin: tuple[str, ...] = ()) -> int:
    if previous is not None:
        raise UsageError("批量评价暂不支持 --previous（上年对比按单个单位进行）",
                         hint="请对需要对比的单位单独运行 perfscore evaluate … --previous 上年的results.json。")
    run = evaluate_batch(targets, actuals, out, profile=profile, as_of=as_of, pdf=pdf, tables_only=tables_only,
                         progress=False if quiet else None, scheduler=scheduler, handin=handin)
    t = run.totals
    failed = run.failed
    if not quiet and run.tasks_by_worker:
        done = "，".join(f"{w} 完成 {n} 个" for w, n in run.tasks_by_worker.items())
        _err(f"集群评分（{scheduler}）：{len(run.tasks_by_worker)} 个工作进程共完成 "
             f"{sum(run.tasks_by_worker.values())} 个任务（{done}）。")
    if not quiet:
        for note in run.notes:
            _err(f"提示：{note}")
        grades = "，".join(f"{g} {n}" for g, n in t["project_grades"])
        f = t["findings"]
        _err(f"批量评价完成：{t['units_ok']} 个单位、{t['projects']} 个项目、{t['indicators']} 个指标"
             f"（项目等级：{grades}）；问题：错误 {f['error']} 个，警告 {f['warn']} 个，提示 {f['info']} 个。")
        _err("已写出 " + "、".join(p.as_posix() for p in run.paths) + f" 及 {run.out_dir.as_posix()}/units/ 下各单位的结果。")
    for u in failed:
        _err(f"错误：单位 {u.unit_code or u.folder} 未能评分：{u.error}")
    if failed:
        _err(f"有 {len(failed)} 个单位未能评分（见 summary.csv 的 message 列），退出状态为1。")
        return 1
    if strict and run.errors:
        _err("--strict：存在错误级别的问题，退出状态为1。")
        return 1
    return 0
