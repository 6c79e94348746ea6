"""The command line: a thin typer layer over the library API.

Each command parses its options, calls one library function and writes its result.
Messages for people go to stderr in Chinese; data goes to stdout or files.
Exit status: 0 ok, 1 bad input, 2 usage.
"""

from __future__ import annotations

import sys
from typing import Optional

import typer

from perfscore.errors import PerfscoreError

app = typer.Typer(
    help="perfscore：预算绩效目标解析、自评打分与报告生成。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
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
) -> None:
    """生成年末填报用的实际完成值模板（每个指标一行，另含各项目的资金行）。"""
    from perfscore.extract import load_targets
    from perfscore.writers.template import write_template

    summary = write_template(load_targets(targets), output)
    dept = f"、部门整体指标 {summary.department_rows} 行" if summary.department_rows else ""
    _err(f"已生成模板 {summary.path}：指标 {summary.indicator_rows} 行{dept}、资金 {summary.fund_rows} 行。")


# --- extract (读取绩效目标) and schema ---------------------------------------------

_SEVERITY = {"error": "错误", "warn": "警告", "info": "提示"}


@app.command("extract")
def extract_command(
    input: str = typer.Argument(..., help="绩效文本（Word .docx 或其文本导出 .txt），或每行一个指标的长表（.csv/.xlsx）。"),
    output: str = typer.Option("-", "-o", "--output", help="写出的 targets.json；省略或为 - 时输出到标准输出。"),
    year: Optional[int] = typer.Option(None, "--year", help="预算年度；不给时取文件标题中的年度（如“2023年部门预算绩效文本”）。"),
) -> None:
    """读取绩效目标（项目、预算、资金支出计划、指标、部门整体目标），写出经过校验的 targets.json。"""
    from perfscore.extract import extract
    from perfscore.model import dump_targets
    from perfscore.readers.targets_json import save_targets_json

    targets = extract(input, year=year)
    if output == "-":
        sys.stdout.write(dump_targets(targets))
    else:
        save_targets_json(targets, output)
    goals = targets.department_goals
    dept = f"，部门整体目标及 {len(goals.subgoals)} 个分项绩效目标" if goals else ""
    where = "" if output == "-" else f"，已写入 {output}"
    _err(f"已读取 {targets.source.get('file', input)}：{len(targets.projects)} 个项目、"
         f"{targets.indicator_count()} 个指标{dept}{where}。")
    if targets.findings:
        _err(f"发现 {len(targets.findings)} 个问题：")
    for f in targets.findings:
        place = "，".join(x for x in (f.project_code and f"项目 {f.project_code}",
                                      f.indicator_id and f"指标 {f.indicator_id}") if x)
        _err(f"  [{_SEVERITY.get(f.severity, f.severity)}] {place + '：' if place else ''}{f.message}")


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
    from perfscore.compare import compare, load_input
    from perfscore.writers.compare_html import write_compare

    comparison = compare([load_input(p) for p in inputs], labels=label or None)
    written = write_compare(comparison, output)
    n_confirm = len(comparison.fallback_matches())
    n_flags = len(comparison.flagged())
    _err(f"已对比 {' / '.join(comparison.labels)}：{len(comparison.projects)} 个项目，"
         f"提示 {n_flags} 条，需人工确认的指标对应 {n_confirm} 处；已写入 "
         + "、".join(str(p) for p in written) + "。")


def main(argv: Optional[list[str]] = None) -> int:
    """Entry point of the ``perfscore`` console script."""
    try:
        app(args=argv, prog_name="perfscore", standalone_mode=False)
    except PerfscoreError as exc:
        if _state["debug"]:
            raise
        _err(f"错误：{exc.render()}")
        return exc.exit_code
    except SystemExit as exc:  # typer/click exits (e.g. --help)
        return int(exc.code or 0)
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.exceptions.UsageError):
            _err(f"用法错误：{exc.format_message()}")
            return 2
        if isinstance(exc, click.exceptions.Abort):
            return 1
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
