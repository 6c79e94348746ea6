"""The server's work that is more than a page: files made on request from a stored run
(review workbook, PDF), corrections of a misread cell, the fill-in template, and long
batch jobs run in a process of their own with their progress in the workspace."""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
from pathlib import Path

from fastapi import UploadFile

from perfscore.batch import evaluate_batch
from perfscore.errors import InputError, Location, PerfscoreError, UsageError
from perfscore.app.extract import run_checks
from perfscore.io import atomic_write_text
from perfscore.model import Targets
from perfscore.review import export_review
from perfscore.scoring import load_results
from perfscore.scoring.evaluation import Evaluation
from perfscore.serve.service import Scratch, clean_name, outputs_from_folder, save_upload
from perfscore.serve.workspace import Workspace
from perfscore.writers.pdf import ensure_available, html_to_pdf
from perfscore.writers.template import write_template

# What a user may correct on the "what was read" page: the printed cells of an indicator.
CORRECTABLE = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "target": "指标值"}


def evaluation_from_text(results_json: str) -> Evaluation:
    with Scratch() as tmp:
        path = tmp / "results.json"
        atomic_write_text(path, results_json)
        return load_results(path)


def render_file(results_json: str, report_html: str, name: str) -> bytes:
    """review.xlsx or report.pdf of a stored run, made as the command line makes them."""
    if name == "review.xlsx":
        with Scratch() as tmp:
            export_review(evaluation_from_text(results_json), tmp / "review.xlsx")
            return (tmp / "review.xlsx").read_bytes()
    try:
        ensure_available()   # WeasyPrint is an optional extra, imported when a PDF is made
    except UsageError:
        raise UsageError("服务器上没有安装 WeasyPrint，不能生成 PDF",
                         hint="安装：pip install 'perfscore[pdf]'，然后重新启动服务；也可打开报告后用浏览器打印为 PDF。") from None
    return html_to_pdf(report_html)


def correct_indicator(targets: Targets, indicator_id: str, field: str, value: str) -> Targets:
    """``targets`` with one printed cell of one indicator replaced, findings re-checked."""
    if field not in CORRECTABLE:
        raise InputError("只能修改一级、二级、三级指标名称和指标值", location=Location(column=field))
    value = value.strip()
    if field in ("level1", "level3", "target") and not value:
        raise InputError(f"{CORRECTABLE[field]}不能为空", location=Location(column=CORRECTABLE[field]),
                         hint="如果这个指标确实不适用，指标值可以写「不适用」。")
    projects = []
    found = False
    for project in targets.projects:
        indicators = []
        for ind in project.indicators:
            if ind.id == indicator_id:
                ind = ind.model_copy(update={field: value})
                found = True
            indicators.append(ind)
        projects.append(project.model_copy(update={"indicators": indicators}))
    if not found:
        raise InputError(f"没有编号为 {indicator_id} 的指标", location=Location(value=indicator_id),
                         hint="请刷新页面后重试。")
    corrected = targets.model_copy(update={"projects": projects})
    corrected.findings = run_checks(corrected)
    return corrected


def template_bytes(targets: Targets) -> bytes:
    with Scratch() as tmp:
        write_template(targets, tmp / "actuals.xlsx")
        return (tmp / "actuals.xlsx").read_bytes()


# --- batch jobs ---------------------------------------------------------------------------


def start_batch(workspace: Workspace, targets: UploadFile, actuals: UploadFile | None,
                profile: str | None, as_of: str | None) -> int:
    """Save the uploads and score them in a separate process (a province's long table takes
    minutes; the server keeps answering). Returns the job id; progress is in the workspace."""
    folder = Path(tempfile.mkdtemp(prefix="perfscore-job-"))
    try:
        tp = save_upload(targets.file, folder, targets.filename, "targets.csv")
        ap = None
        if actuals is not None and actuals.filename:
            name = clean_name(actuals.filename, "actuals.csv")
            ap = save_upload(actuals.file, folder, f"actuals-{name}" if name == tp.name else name, "actuals.csv")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    job_id = workspace.add_job("batch", 0)
    # spawn, not fork: the server has threads (a fork could copy a held lock), and the batch
    # forks its own workers from the fresh process (so it may not be a daemon, which cannot
    # have children; a server stopped mid-job waits for the job to finish).
    process = multiprocessing.get_context("spawn").Process(
        target=run_batch_job, args=(workspace.url, job_id, str(tp), str(ap) if ap else None, profile, as_of,
                                    str(folder)), daemon=False)
    process.start()
    return job_id


def run_batch_job(db_url: str, job_id: int, targets: str, actuals: str | None, profile: str | None,
                  as_of: str | None, folder: str) -> None:
    """The job's process: score, then store each unit's run; progress and errors go to the
    job's row (the page polls it)."""
    workspace = Workspace(db_url)
    try:
        def progress(done: int, total: int, rows: int) -> None:
            workspace.update_job(job_id, done=done, total=total, message=f"已评分 {done}/{total} 个单位、{rows:,} 个指标")

        out = Path(folder) / "out"
        run = evaluate_batch(targets, actuals, out, profile=profile, as_of=as_of, progress=False,
                             on_progress=progress)
        stored = [outputs_from_folder(out / unit.folder) for unit in run.units if not unit.error]
        ids = workspace.add_runs([{"document_id": None, **values} for values in stored])
        first = ids[0] if ids else None
        failed = [u for u in run.units if u.error]
        note = f"；{len(failed)} 个单位未能评分" if failed else ""
        workspace.update_job(job_id, state="done", run_id=first,
                             message=f"完成：{len(run.units) - len(failed)} 个单位已评分并保存{note}。")
    except PerfscoreError as exc:
        workspace.update_job(job_id, state="failed", message=exc.render())
    except Exception as exc:  # noqa: BLE001 - the page must say it failed, whatever failed
        workspace.update_job(job_id, state="failed", message=f"程序内部错误（{type(exc).__name__}: {exc}）")
    finally:
        workspace.close()
        shutil.rmtree(folder, ignore_errors=True)
