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
