"""Usage errors from typer/click reach the user in Chinese (perfscore.cli_usage), exit 2."""

from __future__ import annotations

import pytest

from perfscore.cli import main
from perfscore.cli_usage import usage_message_zh


@pytest.mark.parametrize("argv, wording", [
    (["parse"], "缺少必填的参数 texts"),
    (["template", "targets.json"], "缺少必填的选项 -o / --output"),
    (["parse", "优", "--bogus"], "没有选项 --bogus"),
    (["parse", "优", "--yea", "2023"], "没有选项 --yea（可能的选项：--year）"),
    (["parse", "优", "--year", "abc"], "--year 的值无效：应为整数"),
    (["parse", "优", "--year"], "选项 --year 后面需要写一个值"),
    (["nosuch"], "没有命令「nosuch」"),
    (["pars", "优"], "没有命令「pars」；您是否想用 parse？"),
])
def test_common_usage_errors_are_worded_in_chinese(capsys, argv, wording):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"用法错误：{wording}\n"), err
    for english in ("Missing", "No such", "Invalid value", "requires", "Did you mean", "Possible options"):
        assert english not in err


def test_h_is_help_too(capsys):
    assert main(["-h"]) == 0
    short = capsys.readouterr().out
    assert main(["--help"]) == 0
    assert capsys.readouterr().out == short and "perfscore" in short
    assert main(["parse", "-h"]) == 0
    assert "--level3" in capsys.readouterr().out


def test_a_message_of_unknown_shape_is_kept_as_click_wrote_it():
    assert usage_message_zh("Something new happened.") == "Something new happened."
    assert usage_message_zh("Invalid value for '--format': 'x' is not one of 'text', 'json'.") == \
        "--format 的值无效：x 不是可选值之一（可选：text, json）"
    assert usage_message_zh("Got unexpected extra arguments (a b)") == "多余的参数：a b"
