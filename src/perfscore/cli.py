"""The command line: a thin typer layer over the library API.

Each command parses its options, calls one library function and writes its result.
Messages for people go to stderr in Chinese; data goes to stdout or files.
Exit status: 0 ok, 1 bad input, 2 usage.

Each command imports the library it calls inside its own function: the whole library
(pandas, the readers, the writers) takes a second to import, and ``perfscore --help`` or
a usage error should not wait for it (0.2 s instead of 1.2 s on the reference machine).
The import-linter contract and tests/test_layers.py count these imports too.
"""

from __future__ import annotations

import errno
import importlib
import sys
from typing import Optional

import typer
import typer.core

from perfscore.errors import PerfscoreError
from perfscore.model import SEVERITY_ZH as _SEVERITY
from perfscore.safety import staged_outputs

# The order of a year's work, for `perfscore --help`; commands not listed come last.
_WORKFLOW = ("extract", "check", "template", "evaluate", "report", "review", "compare", "serve", "parse", "profiles",
             "weights", "schema")


class _WorkflowGroup(typer.core.TyperGroup):
    def list_commands(self, ctx):
        names = super().list_commands(ctx)
        rank = {name: i for i, name in enumerate(_WORKFLOW)}
        return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))


app = typer.Typer(
    cls=_WorkflowGroup,
    help="perfscore：预算绩效目标解析、自评打分与报告生成。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},  # -h as well as --help, for every command
)

_state = {"debug": False}


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="出错时显示完整的调用栈（供开发者排查）。")) -> None:
    _state["debug"] = debug


def _err(text: str) -> None:
    print(text, file=sys.stderr)


# --- commands -----------------------------------------------------------------
# Each command lives in its own section below; keep them thin.


# --- template (实际完成值填报模板) ------------------------------------------------


@app.command("template")
def template_command(
    targets: str = typer.Argument(..., help="绩效目标文件：targets.json 或长表（.csv/.xlsx）。"),
    output: str = typer.Option(..., "-o", "--output", help="输出的模板文件：.csv 或 .xlsx。"),
    force: bool = typer.Option(False, "--force", help="输出文件已存在时覆盖它（默认拒绝，以免覆盖已填写的模板）。"),
) -> None:
    """生成年末填报用的实际完成值模板（每个指标一行，另含各项目的资金行）。"""
    from perfscore.app.extract import load_targets
    from perfscore.writers.template import write_template

    summary = write_template(load_targets(targets), output, force=force)
    dept = f"、部门整体指标 {summary.department_rows} 行" if summary.department_rows else ""
    _err(f"已生成模板 {summary.path}：指标 {summary.indicator_rows} 行{dept}、资金 {summary.fund_rows} 行。")


# --- extract (读取绩效目标) and schema ---------------------------------------------



_SHOW_FINDINGS = 50


def _points(value) -> str:
    """A score as people read it: two decimals, or — when there is none."""
    return "—" if value is None else f"{float(value):.2f}"


@app.command("extract")
def extract_command(
    input: str = typer.Argument(..., help="绩效目标文本或表格：Word（.docx/.doc）、Excel（.xlsx/.xls）、PDF、网页（.html）、文本（.txt），按内容识别；或每行一个指标的长表（.csv/.xlsx/.xls）。"),
    output: str = typer.Option("-", "-o", "--output", help="写出的 targets.json；省略或为 - 时输出到标准输出。"),
    year: Optional[int] = typer.Option(None, "--year", help="预算年度；不给时取文件标题中的年度（如“2023年部门预算绩效文本”）。"),
) -> None:
    """读取绩效目标（项目、预算、资金支出计划、指标、部门整体目标），写出经过校验的 targets.json。"""
    from perfscore.app.extract import extract
    from perfscore.model import DEPARTMENT_TABLE_PREFIX, dump_targets
    from perfscore.readers.targets_json import save_targets_json

    targets = extract(input, year=year)
    if output == "-":
        sys.stdout.write(dump_targets(targets))
    else:
        save_targets_json(targets, output)
    goals = targets.department_goals
    table = [i for i in goals.overall_indicators if i.id.startswith(DEPARTMENT_TABLE_PREFIX)] if goals else []
    dept = (f"，部门整体绩效目标表 {len(table)} 个指标" if table else
            f"，部门整体目标及 {len(goals.subgoals)} 个分项绩效目标" if goals else "")
    where = "" if output == "-" else f"，已写入 {output}"
    _err(f"已读取 {targets.source.get('file', input)}：{len(targets.projects)} 个项目、"
         f"{targets.indicator_count()} 个指标{dept}{where}。")
    if targets.findings:
        _err(f"发现 {len(targets.findings)} 个问题：")
    # A province-sized table can raise 10^5 findings: show the first ones, all are in the file.
    for f in targets.findings[:_SHOW_FINDINGS]:
        place = "，".join(x for x in (f.project_code and f"项目 {f.project_code}",
                                      f.indicator_id and f"指标 {f.indicator_id}") if x)
        _err(f"  [{_SEVERITY.get(f.severity, f.severity)}] {place + '：' if place else ''}{f.message}")
    if len(targets.findings) > _SHOW_FINDINGS:
        _err(f"  ……其余 {len(targets.findings) - _SHOW_FINDINGS} 个问题见 targets.json 的 findings，"
             "或运行 perfscore check 查看。")


@app.command("schema")
def schema_command(
    name: str = typer.Argument(..., help="要输出的格式：targets（targets.json 的 JSON Schema）。"),
) -> None:
    """输出文件格式的 JSON Schema（目前支持 targets）。"""
    from perfscore.errors import UsageError
    from perfscore.model import targets_json_schema

    if name != "targets":
        raise UsageError(f"不认识的格式「{name}」", hint="可用：perfscore schema targets")
    sys.stdout.write(targets_json_schema())


# --- parse (指标值解析) -----------------------------------------------------------


@app.command("parse")
def parse_command(
    texts: list[str] = typer.Argument(..., help="一个或多个指标值，如「≤25万/季度」「每季度1次」「优」。"),
    level1: Optional[str] = typer.Option(None, "--level1", help="一级指标名称（用于推断无比较符数字的方向）。"),
    level2: Optional[str] = typer.Option(None, "--level2", help="二级指标名称，如「成本指标」（成本类 → ≤）。"),
    level3: Optional[str] = typer.Option(None, "--level3", help="三级指标名称，如「投诉率」（越低越好 → ≤）。"),
    year: Optional[int] = typer.Option(None, "--year", help="评价年度，用于解析未写年份的时限，如「6月底前」。"),
    actual: Optional[str] = typer.Option(None, "--actual", help="实际完成值：按每个指标值的单位解读并一并输出。"),
) -> None:
    """显示指标值（及实际完成值）是如何被理解的：每个输入输出一行 JSON。"""
    import json

    from perfscore.values import explain

    for row in explain(texts, level1=level1, level2=level2, level3=level3, year=year, actual=actual):
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


# --- compare (年度对比) ------------------------------------------------------------


@app.command("compare")
def compare_command(
    inputs: list[str] = typer.Argument(..., help="两个或更多年度的 targets.json 或 results.json，按年度从早到晚排列；可混用。"),
    output: str = typer.Option(..., "-o", "--output", help="输出文件夹：写出 compare.html 和 compare.csv。"),
    label: Optional[list[str]] = typer.Option(None, "--label", help="各输入的名称（可重复，按输入顺序）；默认用年度，如“2022年”。"),
) -> None:
    """对比两个或更多年度的绩效目标或评分结果：预算变化、指标提高/降低/新增/删除、得分变化和提示。"""
    from perfscore.comparison import compare, load_input
    from perfscore.writers.compare_html import write_compare

    comparison = compare([load_input(p) for p in inputs], labels=label or None)
    with staged_outputs():  # all outputs or none
        written = write_compare(comparison, output)
    n_confirm = len(comparison.fallback_matches())
    n_flags = len(comparison.flagged())
    _err(f"已对比 {' / '.join(comparison.labels)}：{len(comparison.projects)} 个项目，"
         f"提示 {n_flags} 条，需人工确认的指标对应 {n_confirm} 处；已写入 "
         + "、".join(str(p) for p in written) + "。")


# --- check and review (检查与重点评价复核) ------------------------------------------


@app.command("check")
def check_command(
    targets: str = typer.Argument(..., help="绩效目标：targets.json，或 extract 能读取的绩效文本/长表；或 evaluate 的 results.json（检查评分结果）。"),
    profile: Optional[str] = typer.Option(None, "--profile", help="评分方案名称或 .toml 路径（方案中的 checks 表可关闭检查项、调整级别）。"),
    fmt: str = typer.Option("text", "--format", help="输出格式：text（按级别分组的中文说明）或 json。"),
    strict: bool = typer.Option(False, "--strict", help="发现“错误”级别的问题时以状态 1 退出。"),
) -> None:
    """事前审核：检查绩效目标的质量（期限年度、成本与预算÷期数、支出计划、重名、满意度指标等）。"""
    from perfscore.app.check import check_file
    from perfscore.checks.render import findings_json, findings_text
    from perfscore.errors import UsageError

    if fmt not in ("text", "json"):
        raise UsageError(f"不支持的输出格式「{fmt}」", hint="--format 只能是 text 或 json。")
    loaded, findings = check_file(targets, profile)
    if fmt == "json":
        sys.stdout.write(findings_json(findings))
    else:
        sys.stdout.write(findings_text(findings, title=f"{loaded.unit.name or ''}{loaded.year or ''}年绩效目标"
                                       if loaded.year else ""))
    if strict and any(f.severity == "error" for f in findings):
        raise SystemExit(1)


@app.command("review")
def review_command(
    results: str = typer.Argument(..., help="评分结果 results.json（perfscore evaluate 的输出）。"),
    output: str = typer.Option(..., "-o", "--output", help="导出时为复核工作簿 .xlsx；与 --merge 同用时为输出文件夹。"),
    merge: Optional[str] = typer.Option(None, "--merge", help="复核人填写后的工作簿 .xlsx：合并复核结果，计算自评偏差。"),
    csv: bool = typer.Option(False, "--csv", help="导出时把各工作表另存为 CSV（与 .xlsx 同一文件夹）。"),
    profile: Optional[str] = typer.Option(None, "--profile", help="合并时重新计分所用的评分方案；默认用 results.json 记录的方案。"),
    force: bool = typer.Option(False, "--force", help="导出时复核工作簿已存在则覆盖它（默认拒绝，以免覆盖复核人已填写的工作簿）。"),
) -> None:
    """重点评价：导出复核工作簿（指标复核、项目风险排序、检查发现、汇总），或合并复核结果并计算自评偏差。"""
    from perfscore.errors import UsageError
    from perfscore.review import export_review, merge_review

    if merge is None:
        if profile is not None:
            raise UsageError("--profile 只能与 --merge 一起使用")
        if not output.lower().endswith(".xlsx"):
            raise UsageError(f"复核工作簿应为 .xlsx 文件，而不是「{output}」", hint="例如：-o review.xlsx")
        with staged_outputs():  # all outputs or none
            written = export_review(results, output, csv=csv, force=force)
        _err("已写出 " + "、".join(p.as_posix() for p in written))
        return
    if csv:
        raise UsageError("--csv 只用于导出复核工作簿；合并时总会写出 CSV")
    with staged_outputs():  # all outputs or none
        result = merge_review(results, merge, output, profile=profile)
    dept = result.evaluation.department
    dev = dept.get("deviation")
    _err(f"已合并复核结果：复核 {result.reviewed} 个指标（按复核完成值重新计分 {result.rescored} 个，"
         f"采用复核得分 {result.scored_by_reviewer} 个）；部门自评 {_points(dept.get('total'))} 分，复核 "
         f"{_points(dept.get('review_total'))} 分，自评偏差 {'' if dev is None else f'{dev:.2f}'} 分。")
    _err("已写出 " + "、".join(p.as_posix() for p in result.paths))


# --- evaluate (评分) and profiles (评分方案) -----------------------------------------


@app.command("evaluate")
def evaluate_command(
    targets: str = typer.Argument(..., help="绩效目标：targets.json，或带「实际完成值」列的长表（.csv/.xlsx）。"),
    actuals: Optional[str] = typer.Argument(None, help="实际完成值表（perfscore template 生成后填写的 .csv/.xlsx）。"),
    out: str = typer.Option(..., "-o", "--out", help="输出文件夹：results.json、results.csv、projects.csv、report.html。"),
    profile: Optional[str] = typer.Option(None, "--profile", help="评分方案名称（weights/ 下，如 mof-2020、fasp-linear、sichuan）或 .toml 文件路径；默认 mof-2020。"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="评价日期 YYYY-MM-DD；默认取 SOURCE_DATE_EPOCH，否则为预算年度的12月31日。"),
    strict: bool = typer.Option(False, "--strict", help="存在“错误”级别的问题时以状态1退出。"),
    pdf: bool = typer.Option(False, "--pdf", help="同时生成 report.pdf（需要 WeasyPrint）。"),
    docx: bool = typer.Option(False, "--docx", help="同时生成自评报告初稿 report.docx（Word）。"),
    xlsx: bool = typer.Option(False, "--xlsx", help="同时生成自评表 report.xlsx（Excel，官方格式，可直接打印）。"),
    batch: bool = typer.Option(False, "--batch", help="批量评价：逐单位评分，写出 units/<单位编码>/ 和汇总 summary.csv/summary.html；TARGETS 为文件夹或含多个单位编码的长表时自动启用。"),
    tables_only: bool = typer.Option(False, "--tables-only", help="批量评价只写 results.csv、projects.csv 和汇总，不运行检查、不写 results.json 和报告（最快）。"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="批量评价时不显示进度条和结果摘要（只报告错误）。"),
    previous: Optional[str] = typer.Option(None, "--previous", help="上年的 results.json（或 targets.json）：报告中加入与上年的对比，并检查指标值是否高于上年实际完成值。"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="在 Dask 集群上批量评分：local（本机）、local:N（本机 N 个工作进程）或 tcp://主机:端口（已有的调度器；-o 须为各工作进程都能写入的共享文件夹）。需要 pip install 'perfscore[cluster]'。"),
) -> None:
    """按评分方案为一个年度的绩效自评打分，写出结果文件和报告。"""
    from perfscore.batch import is_batch_input
    from perfscore.app.run import evaluate_files
    from perfscore.scoring.summary import render_plain, render_rich

    if batch or tables_only or scheduler or is_batch_input(targets):  # batch mode: docs/batch.md
        from perfscore.batch.command import evaluate_batch_command

        code = evaluate_batch_command(targets, actuals, out, profile=profile, as_of=as_of, pdf=pdf, strict=strict,
                                      handin=_handin(docx, xlsx),
                                      quiet=quiet, tables_only=tables_only, previous=previous,
                                      scheduler=scheduler)
        if code:
            raise SystemExit(code)
        return
    with staged_outputs():  # every output checked and written to a temporary first: all or none
        run = evaluate_files(targets, actuals, out, profile=profile, as_of=as_of, pdf=pdf, previous_path=previous,
                             handin=_handin(docx, xlsx))
    ev = run.evaluation
    if sys.stderr.isatty():
        from rich.console import Console

        render_rich(ev, Console(stderr=True))
    else:
        _err(render_plain(ev).rstrip("\n"))
    for path in run.paths:
        _err(f"已写出 {path.as_posix()}")
    counts = {s: sum(1 for f in ev.findings if f.severity == s) for s in ("error", "warn", "info")}
    _err(f"问题：错误 {counts['error']} 个，警告 {counts['warn']} 个，提示 {counts['info']} 个"
         f"（详见 results.json 的 findings）。")
    if strict and counts["error"]:
        _err("--strict：存在错误级别的问题，退出状态为1。")
        raise SystemExit(1)


def _handin(docx: bool, xlsx: bool) -> tuple[str, ...]:
    """The extra files ``evaluate`` writes beside report.html (perfscore.writers.handin)."""
    return tuple(ext for ext, wanted in ((".docx", docx), (".xlsx", xlsx)) if wanted)


@app.command("report")
def report_command(
    results: str = typer.Argument(..., help="评分结果 results.json（perfscore evaluate 或 review --merge 的输出）。"),
    output: str = typer.Option(..., "-o", "--output", help="输出文件，扩展名决定格式：.docx（自评报告初稿）、.xlsx（自评表）、.html、.pdf。"),
    targets: Optional[str] = typer.Option(None, "--targets", help="同一年度的 targets.json 或绩效文本：报告中加入年度总体目标原文和年初预算的资金来源。"),
) -> None:
    """由已保存的评分结果重新生成报告：Word 自评报告初稿、Excel 自评表、HTML 或 PDF，不必重新评分。"""
    from perfscore.app.extract import load_targets
    from perfscore.scoring import load_results
    from perfscore.writers.handin import write_handin

    loaded = load_targets(targets) if targets else None
    with staged_outputs():  # all or nothing
        path = write_handin(load_results(results), output, targets=loaded)
    _err(f"已写出 {path.as_posix()}")


@app.command("profiles")
def profiles_command(
    name: Optional[str] = typer.Argument(None, help="评分方案名称或 .toml 路径；给出时打印其全部（合并 extends 后的）设置。"),
) -> None:
    """列出评分方案（weights/*.toml），或打印一个方案的全部设置。"""
    from perfscore.scoring.profile import list_profiles, load_profile, profile_to_toml

    if name:
        print(profile_to_toml(load_profile(name)), end="")
        return
    for item in list_profiles():
        prof = load_profile(item)
        print(f"{item}\t{prof.description}")


@app.command("serve")
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址；默认只允许本机访问。监听其他地址时必须设置 --token。"),
    port: int = typer.Option(8000, "--port", help="端口。"),
    db: Optional[str] = typer.Option(None, "--db", help="工作区数据库：SQLite 文件路径（默认当前文件夹的 perfscore.db）或 postgresql://… 地址。"),
    no_browser: bool = typer.Option(False, "--no-browser", help="启动后不自动打开浏览器。"),
    token: Optional[str] = typer.Option(None, "--token", help="访问令牌（也可用环境变量 PERFSCORE_TOKEN）；设置后每个请求都须带上它。"),
) -> None:
    """在浏览器中完成一年的工作：上传绩效目标、填报实际完成值、评分、看报告、年度对比、财政局汇总。"""
    try:
        from perfscore.serve.server import serve  # the web stack (an optional extra) loads only here
    except ModuleNotFoundError as exc:
        from perfscore.errors import UsageError

        raise UsageError(f"没有安装网页服务所需的组件（缺少 {exc.name}）",
                         hint="安装：pip install 'perfscore[serve]'，然后重新运行 perfscore serve。") from None
    serve(host=host, port=port, db=db, open_browser=not no_browser, token=token, announce=_err)


# --- weights (层次分析法、熵权法) ---------------------------------------------------------

weights_app = typer.Typer(help="由专家两两比较（层次分析法）或由数据（熵权法）导出权重，可写成评分方案。",
                          no_args_is_help=True)
app.add_typer(weights_app, name="weights")

_LEVEL_HELP = "准则是哪一级指标：一级、二级或三级；不给时，准则全是基础方案的一级指标则为一级（写出方案时才需要）。"
_BASE_HELP = "写出的评分方案继承的基础方案（名称或 .toml 路径），默认 mof-2020。"


def _weights_output(result, as_json: bool, text: str, levels, output: Optional[str], base: str,
                    method: str, source: str) -> None:
    import json

    from perfscore.derive_weights import derived_profile
    from perfscore.scoring.profile import _resolve_path, load_profile
    from perfscore.writers.weights_profile import write_profile

    if output:
        prof = load_profile(base)
        table, comments = derived_profile(levels(prof), base, prof, output=output, method=method, source=source)
        with staged_outputs():
            path = write_profile(output, table, comments, base_path=_resolve_path(base))
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(text)
    if output:
        _err(f"已写出评分方案 {path.as_posix()}；查看：perfscore profiles {path.as_posix()}；"
             f"使用：perfscore evaluate … --profile {path.as_posix()}")


def _level_option(level: Optional[str]):
    from perfscore.errors import UsageError
    from perfscore.scoring.derived import LEVELS

    if level is not None and level not in LEVELS:
        raise UsageError(f"不认识的层级「{level}」", hint="--level 只能是 一级、二级 或 三级。")
    return level


@weights_app.command("ahp")
def weights_ahp_command(
    matrices: list[str] = typer.Argument(..., help="判断矩阵 .csv/.xlsx；给出多个文件时（每位专家一个）按元素几何平均合并。多层次：一个 .xlsx 中工作表「一级」比较一级指标，以一级指标命名的工作表比较其下级。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出权重、λmax、CI、CR。"),
    output: Optional[str] = typer.Option(None, "-o", "--output", help="把权重写成评分方案 .toml（继承 --base）。"),
    level: Optional[str] = typer.Option(None, "--level", help=_LEVEL_HELP),
    base: str = typer.Option("mof-2020", "--base", help=_BASE_HELP),
    allow_inconsistent: bool = typer.Option(False, "--allow-inconsistent", help="CR ≥ 0.1 时仍写出评分方案（默认拒绝）。"),
) -> None:
    """层次分析法：由两两比较判断矩阵求权重（主特征向量）、λmax、CI、CR，检查一致性。"""
    from perfscore.derive_weights import ahp_json, ahp_levels, ahp_text, run_ahp
    from perfscore.errors import DataError

    lv = _level_option(level)
    run = run_ahp(matrices)
    if output and run.inconsistent and not allow_inconsistent:
        sys.stdout.write(ahp_text(run))
        raise DataError(f"判断矩阵{'、'.join(f'「{k}」' for k in run.inconsistent if k)}的一致性比率 CR ≥ 0.1，未写出评分方案",
                        hint="请专家按上面指出的判断重新比较；确需使用时加 --allow-inconsistent。")
    _weights_output(ahp_json(run), as_json, ahp_text(run), lambda prof: ahp_levels(run, lv, prof), output, base,
                    "层次分析法", "、".join(run.files) + (f"（{run.experts} 位专家，几何平均）" if run.experts > 1 else ""))


@weights_app.command("entropy")
def weights_entropy_command(
    data: str = typer.Argument(..., help="数据表 .csv/.xlsx：每行一个单位或项目（第1列为名称），每列一个指标。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出权重和各列的信息熵。"),
    normalize: Optional[str] = typer.Option(None, "--normalize", help="minmax：先按 (x − 最小值) ÷ (最大值 − 最小值) 标准化各列；不给时按列占比计算。"),
    reverse: Optional[list[str]] = typer.Option(None, "--reverse", help="反向指标（越小越好）的列名，可重复；需与 --normalize minmax 同用。"),
    output: Optional[str] = typer.Option(None, "-o", "--output", help="把权重写成评分方案 .toml（继承 --base）。"),
    level: Optional[str] = typer.Option(None, "--level", help=_LEVEL_HELP),
    base: str = typer.Option("mof-2020", "--base", help=_BASE_HELP),
) -> None:
    """熵权法：由各单位（项目）的指标数据求客观权重。"""
    from perfscore.derive_weights import entropy_json, entropy_levels, entropy_text, run_entropy

    lv = _level_option(level)
    run = run_entropy(data, normalize=normalize or "none", reverse=reverse)
    _weights_output(entropy_json(run), as_json, entropy_text(run), lambda prof: entropy_levels(run, lv, prof),
                    output, base, "熵权法", run.file)


def main(argv: Optional[list[str]] = None) -> int:
    """Entry point of the ``perfscore`` console script."""
    from perfscore.safety import protect_inputs

    try:
        with protect_inputs():  # no output may replace a file the command read
            app(args=argv, prog_name="perfscore", standalone_mode=False)
    except PerfscoreError as exc:
        if _state["debug"]:
            raise
        _err(f"错误：{exc.render()}")
        return exc.exit_code
    except SystemExit as exc:  # typer/click exits (e.g. --help)
        return int(exc.code or 0)
    except Exception as exc:  # usage errors, file system errors, and bugs: one line, no traceback
        if _state["debug"]:
            raise
        usage, abort = _click_exception_types()
        if isinstance(exc, usage):
            from perfscore.cli_usage import usage_message_zh  # click's English wording → Chinese

            _err(f"用法错误：{usage_message_zh(exc.format_message())}\n"
                 "处理办法：运行 perfscore --help 或 perfscore <命令> --help 查看用法。")
            return 2
        if isinstance(exc, abort):
            return 1
        if isinstance(exc, OSError):
            where = f"{exc.filename}：" if exc.filename else ""
            why = _OS_ERRORS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
            _err(f"错误：{where}无法读写文件（{why}）\n"
                 "处理办法：请检查路径是否正确、输出位置是否是文件夹、磁盘空间和写入权限。")
            return 1
        _err(f"错误：程序内部错误（{type(exc).__name__}: {exc}）。这不是您的文件的问题。\n"
             "处理办法：请用 perfscore --debug … 重新运行，并把完整输出发给开发者。")
        return 1
    return 0


_OS_ERRORS = {  # errno → what a user is told (Chinese); others keep the system's text
    errno.EEXIST: "已有同名文件；输出位置应是文件夹", errno.ENOTDIR: "路径中有一部分是文件而不是文件夹",
    errno.EISDIR: "这是文件夹", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘空间不足", errno.EROFS: "磁盘或文件夹是只读的", errno.ENOENT: "路径不存在",
    errno.ENAMETOOLONG: "文件名太长",
}


def _click_exception_types() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """(usage error classes, abort classes) of click and of the copy typer vendors.

    Recent typer ships its own copy of click as typer._click and no longer installs
    click itself, older typer uses click: either may be missing, so both are optional."""
    usage: list[type] = []
    abort: list[type] = [typer.Abort]
    for name in ("click.exceptions", "typer._click.exceptions"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        usage.append(module.UsageError)
        if hasattr(module, "Abort"):  # typer's copy has none (typer.Abort stands for it)
            abort.append(module.Abort)
    return tuple(usage), tuple(abort)


if __name__ == "__main__":
    sys.exit(main())
