"""The web application of ``perfscore serve``: pages for people and an HTTP API for other
systems, over one :class:`~perfscore.serve.workspace.Workspace`.

Every page and API call goes through the same library functions as the command line
(``service``), so a user sees the same readings, scores and messages in both. Errors are
JSON ``{"error", "hint"}`` with a 4xx status for the API and a page with the same text for
people; an unexpected failure is a 500 with a Chinese sentence, never a traceback.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from perfscore.comparison import compare
from perfscore.errors import InputError, Location, PerfscoreError, UsageError
from perfscore.io import atomic_write_text
from perfscore.model import dump_targets
from perfscore.scoring.profile import list_profiles, load_profile
from perfscore.serve import tasks
from perfscore.serve.pages import PageRenderer
from perfscore.serve.security import (OPEN_PATHS, TOKEN_COOKIE, cross_site, host_name, is_loopback,
                                      request_token, token_matches)
from perfscore.serve.service import (EDITABLE, Extracted, Scratch, UploadTooLarge, draft_from_values,
                                     evaluate_paths, extract_file, grid_rows, load_targets_text, save_upload)
from perfscore.serve.workspace import Workspace
from perfscore.writers.compare_html import render_compare_html

STATIC = Path(__file__).resolve().parents[1] / "static" / "serve"
log = logging.getLogger("perfscore.serve")


class NotFound(InputError):
    """A document, run or job id the workspace does not have (HTTP 404)."""


def _status(exc: PerfscoreError) -> int:
    if isinstance(exc, UploadTooLarge):
        return 413
    if isinstance(exc, NotFound):
        return 404
    return 400 if isinstance(exc, UsageError) else 422


def error_body(exc: PerfscoreError) -> dict:
    """The command line's message, split into what went wrong and what to do."""
    head = f"{exc.location}：{exc.message}" if exc.location and str(exc.location) else exc.message
    text = "\n".join([head, *(f"  - {p}" for p in exc.problems)])
    return {"error": text, "hint": exc.hint or ""}


def create_app(workspace: Workspace, *, token: str | None = None, loopback_only: bool = True) -> FastAPI:
    """The application; ``loopback_only``: the server listens on a loopback address only."""
    app = FastAPI(title="perfscore", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.state.workspace = workspace
    pages = PageRenderer()
    app.mount("/static/serve", StaticFiles(directory=STATIC), name="static")

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if loopback_only and not is_loopback(host_name(request.headers.get("host", ""))):
            return _refuse(request, 400, "请求的主机名不是本机地址", "请用 http://127.0.0.1:端口/ 打开本服务。")
        if request.method not in ("GET", "HEAD", "OPTIONS") and cross_site(request.headers):
            return _refuse(request, 403, "拒绝来自其他网站的请求（跨站请求）",
                           "请在 perfscore 自己的页面上操作；其他系统调用接口时不要带 Origin 头。")
        if token is not None and request.url.path not in OPEN_PATHS:
            given = request_token(request.headers, request.cookies, request.query_params)
            if not token_matches(given, token):
                return _refuse(request, 401, "需要访问令牌", "请使用启动服务时显示的链接（带 ?token=…）打开，"
                               "或在请求头中加入 Authorization: Bearer 令牌。")
            response = await call_next(request)
            if request.query_params.get("token") and request.cookies.get(TOKEN_COOKIE) != token:
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
            return response
        return await call_next(request)

    def _refuse(request: Request, status: int, message: str, hint: str) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": message, "hint": hint}, status_code=status)
        return HTMLResponse(pages.error(message, hint), status_code=status)

    @app.exception_handler(PerfscoreError)
    async def perfscore_error(request: Request, exc: PerfscoreError):
        body = error_body(exc)
        if _wants_json(request):
            return JSONResponse(body, status_code=_status(exc))
        return HTMLResponse(pages.error(body["error"], body["hint"]), status_code=_status(exc))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):
        log.exception("internal error on %s", request.url.path)
        body = {"error": f"程序内部错误（{type(exc).__name__}）。这不是您的文件的问题。",
                "hint": "请把启动服务的终端中的输出发给开发者。"}
        if _wants_json(request):
            return JSONResponse(body, status_code=500)
        return HTMLResponse(pages.error(body["error"], body["hint"]), status_code=500)

    # --- API ------------------------------------------------------------------------

    @app.get("/healthz", response_class=PlainTextResponse)
    def healthz() -> str:
        return "ok"

    @app.post("/api/extract")
    def api_extract(file: Annotated[UploadFile, File()]) -> Response:
        extracted = _extract_upload(file)
        return Response(extracted.targets_json, media_type="application/json")

    @app.post("/api/evaluate")
    def api_evaluate(targets: Annotated[UploadFile, File()], actuals: Annotated[UploadFile | None, File()] = None,
                     profile: Annotated[str | None, Form()] = None, as_of: Annotated[str | None, Form()] = None):
        _check_profile(profile)
        with Scratch() as tmp:
            tp = save_upload(targets.file, tmp, targets.filename, "targets.json")
            ap = save_upload(actuals.file, tmp, _other_name(actuals.filename, tp.name), "actuals.csv") \
                if actuals is not None and actuals.filename else None
            out = evaluate_paths(tp, ap, profile=profile or None, as_of=as_of or None)
        run_id = workspace.add_run(document_id=None, **out)
        return JSONResponse({"run": run_id, "results": json.loads(out["results_json"]),
                             "report": f"/runs/{run_id}/report"})

    @app.get("/api/runs")
    def api_runs():
        return [vars(r) for r in workspace.runs()]

    @app.get("/api/jobs/{job_id}")
    def api_job(job_id: int):
        return _found(workspace.job(job_id), "任务", job_id)

    # --- runs -----------------------------------------------------------------------

    def _run(run_id: int) -> dict:
        return _found(workspace.run(run_id), "评价结果", run_id)

    @app.get("/runs/{run_id}/report", response_class=HTMLResponse)
    def run_report(run_id: int) -> str:
        return _run(run_id)["report_html"]

    @app.get("/runs/{run_id}/{name}")
    def run_file(run_id: int, name: str) -> Response:
        run = _run(run_id)
        stem = f"{run['unit_code'] or 'unit'}-{run['year'] or ''}-{run_id}"
        if name in ("results.json", "results.csv", "projects.csv"):
            text = run[name.replace(".", "_")]
            bom = "\ufeff" if name.endswith(".csv") else ""   # as the command line writes them
            media = "application/json" if name.endswith(".json") else "text/csv; charset=utf-8"
            return Response(bom + text, media_type=media, headers=_attachment(f"{stem}-{name}"))
        if name in ("review.xlsx", "report.pdf"):
            data = tasks.render_file(run["results_json"], run["report_html"], name)
            media = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                     if name.endswith(".xlsx") else "application/pdf")
            return Response(data, media_type=media, headers=_attachment(f"{stem}-{name}"))
        raise NotFound(f"没有这个文件：{name}", hint="可下载 results.json、results.csv、projects.csv、"
                         "review.xlsx、report.pdf。")

    @app.get("/runs/{run_id}", response_class=HTMLResponse)
    def run_page(run_id: int) -> str:
        run = _run(run_id)
        earlier = [r for r in workspace.runs(unit_code=run["unit_code"]) if r.year != run["year"]]
        return pages.render("run.html.j2", run=run, earlier=earlier)

    # --- pages ----------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        return pages.render("home.html.j2", documents=workspace.documents(), runs=workspace.runs()[:50],
                            profiles=_profiles())

    @app.post("/documents")
    def upload_document(file: Annotated[UploadFile, File()]):
        extracted = _extract_upload(file)
        doc_id = _store_document(extracted, file)
        return RedirectResponse(f"/documents/{doc_id}", status_code=303)

    def _document(doc_id: int) -> dict:
        return _found(workspace.document(doc_id), "绩效目标文件", doc_id)

    @app.get("/documents/{doc_id}", response_class=HTMLResponse)
    def document_page(doc_id: int, saved: str | None = None) -> str:
        doc = _document(doc_id)
        targets = load_targets_text(doc["targets_json"])
        return pages.render("document.html.j2", doc=doc, targets=targets, profiles=_profiles(), saved=saved)

    @app.post("/documents/{doc_id}/cells")
    def correct_cell(doc_id: int, indicator: Annotated[str, Form()], field: Annotated[str, Form()],
                     value: Annotated[str, Form()]):
        doc = _document(doc_id)
        targets = load_targets_text(doc["targets_json"])
        corrected = tasks.correct_indicator(targets, indicator, field, value)
        workspace.set_targets(doc_id, dump_targets(corrected), len(corrected.projects), corrected.indicator_count())
        return RedirectResponse(f"/documents/{doc_id}?saved={indicator}", status_code=303)

    @app.get("/documents/{doc_id}/template.xlsx")
    def download_template(doc_id: int) -> Response:
        doc = _document(doc_id)
        data = tasks.template_bytes(load_targets_text(doc["targets_json"]))
        return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers=_attachment(f"{doc['unit_code'] or 'unit'}-{doc['year'] or ''}-实际完成值.xlsx"))

    @app.get("/documents/{doc_id}/actuals", response_class=HTMLResponse)
    def actuals_page(doc_id: int, saved: int = 0) -> str:
        doc = _document(doc_id)
        targets = load_targets_text(doc["targets_json"])
        rows = grid_rows(targets, workspace.draft(doc_id))
        return pages.render("actuals.html.j2", doc=doc, rows=rows, editable=EDITABLE, saved=bool(saved),
                            profiles=_profiles())

    @app.post("/documents/{doc_id}/actuals")
    async def save_actuals(doc_id: int, request: Request):
        doc = await run_in_threadpool(_document, doc_id)
        form = await request.form(max_fields=100_000)  # a large unit has thousands of cells
        values: dict[str, dict[str, str]] = {}
        for key, text in form.multi_items():
            if key.startswith("r") and "|" in key:   # r<row>|<column>
                row, column = key[1:].split("|", 1)
                values.setdefault(row, {})[column] = str(text)
        targets = load_targets_text(doc["targets_json"])
        draft = draft_from_values(targets, values)
        await run_in_threadpool(workspace.save_draft, doc_id, draft)
        if form.get("then") == "evaluate":
            return await run_in_threadpool(_evaluate_document, doc_id, str(form.get("profile") or ""),
                                           str(form.get("as_of") or ""))
        return RedirectResponse(f"/documents/{doc_id}/actuals?saved=1", status_code=303)

    def _evaluate_document(doc_id: int, profile: str, as_of: str):
        doc = _document(doc_id)
        _check_profile(profile or None)
        with Scratch() as tmp:
            tp = tmp / "targets.json"
            atomic_write_text(tp, doc["targets_json"])
            draft = workspace.draft(doc_id)
            ap = None
            if draft:
                ap = tmp / "actuals.csv"
                atomic_write_text(ap, draft, bom=True)
            out = evaluate_paths(tp, ap, profile=profile or None, as_of=as_of or None)
        run_id = workspace.add_run(document_id=doc_id, **out)
        return RedirectResponse(f"/runs/{run_id}", status_code=303)

    @app.post("/documents/{doc_id}/evaluate")
    def evaluate_document(doc_id: int, profile: Annotated[str, Form()] = "", as_of: Annotated[str, Form()] = ""):
        return _evaluate_document(doc_id, profile, as_of)

    @app.get("/units/{unit_code}/compare", response_class=HTMLResponse)
    def compare_page(unit_code: str) -> str:
        latest: dict = {}
        for r in sorted(workspace.runs(unit_code=unit_code), key=lambda r: r.id):
            latest[r.year] = r   # the newest run of each year
        years = sorted(y for y in latest if y is not None)
        if len(years) < 2:
            raise InputError(f"单位 {unit_code} 在工作区中只有 {len(years)} 个年度的评价结果，无法对比",
                             hint="请先评价该单位另一年度的绩效目标（上传该年度的文件并评分）。")
        evaluations = [tasks.evaluation_from_text(workspace.run(latest[y].id)["results_json"]) for y in years]
        return render_compare_html(compare(evaluations))

    @app.get("/bureau", response_class=HTMLResponse)
    def bureau_page() -> str:
        return pages.render("bureau.html.j2", runs=workspace.latest_runs_by_unit_year())

    @app.post("/jobs")
    def start_job(targets: Annotated[UploadFile, File()], actuals: Annotated[UploadFile | None, File()] = None,
                  profile: Annotated[str, Form()] = "", as_of: Annotated[str, Form()] = ""):
        _check_profile(profile or None)
        job_id = tasks.start_batch(workspace, targets, actuals, profile or None, as_of or None)
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(job_id: int) -> str:
        return pages.render("job.html.j2", job=_found(workspace.job(job_id), "任务", job_id))

    # --- helpers --------------------------------------------------------------------

    def _extract_upload(file: UploadFile) -> Extracted:
        with Scratch() as tmp:
            return extract_file(save_upload(file.file, tmp, file.filename, "upload"))

    def _store_document(extracted: Extracted, file: UploadFile) -> int:
        file.file.seek(0)
        original = file.file.read()
        t = extracted.targets
        return workspace.add_document(
            unit_code=t.unit.code or "", unit_name=t.unit.name or "", year=t.year, filename=extracted.filename,
            sha256=str(t.source.get("sha256", "")), original=original, targets_json=extracted.targets_json,
            projects=len(t.projects), indicators=t.indicator_count())

    return app


def _found(row: dict | None, what: str, key: int) -> dict:
    """The workspace row, or a 404 naming what was asked for."""
    if row is None:
        raise NotFound(f"没有编号为 {key} 的{what}", hint="请从工作区首页重新打开。")
    return row


def _profiles() -> list[tuple[str, str]]:
    """The installed profiles, the default (the one ``evaluate`` uses without --profile) first."""
    default = load_profile(None).name
    names = sorted(list_profiles(), key=lambda n: (n != default, n))
    return [(name, load_profile(name).description) for name in names]


def _check_profile(profile: str | None) -> None:
    """Only the installed profiles by name: a form must not make the server read a path."""
    if profile and profile not in list_profiles():
        raise UsageError(f"没有名为「{profile}」的评分方案", location=Location(column="profile", value=profile),
                         hint="可用：" + "、".join(list_profiles()))


def _other_name(name: str | None, taken: str) -> str | None:
    return None if name is None else (f"actuals-{name}" if name == taken else name)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"}
