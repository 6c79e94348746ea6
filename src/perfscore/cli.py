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
