"""Chinese wording for the usage errors typer/click raise in English.

click and the copy typer vendors word their usage errors in English ("Missing
argument 'texts'.", "No such option: --bogus"); a user of perfscore reads Chinese.
The CLI's ``main`` passes the formatted message through :func:`usage_message_zh`,
which rewrites the common cases (a missing argument, option or command, an unknown
option or command, an invalid or missing value, extra arguments) and leaves any
other message as click wrote it, so that nothing is ever lost.
"""

from __future__ import annotations

import re

# Details of an invalid value (pydantic's and click's wording) → Chinese.
_DETAILS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"valid integer", re.I), "应为整数"),
    (re.compile(r"valid (?:number|float|decimal)", re.I), "应为数字"),
    (re.compile(r"valid boolean", re.I), "应为 true 或 false"),
    (re.compile(r"^(?P<v>.+?) is not one of (?P<c>.+?)\.?$"), "{v} 不是可选值之一（可选：{c}）"),
    (re.compile(r"^(?P<what>File|Directory|Path) (?P<v>.+?) does not exist\.?$"), "{v} 不存在"),
)


def _quoted(text: str) -> str:
    """``'-o' / '--output'`` → ``-o / --output``."""
    return re.sub(r"'([^']*)'", r"\1", text).strip()


def _detail(text: str) -> str:
    for pattern, wording in _DETAILS:
        m = pattern.search(text)
        if m:
            return wording.format(**{k: _quoted(v) for k, v in m.groupdict().items()})
    return text


def _no_such_option(m: re.Match[str]) -> str:
    out = f"没有选项 {m['opt']}"
    if m["mean"]:
        out += f"；您是否想用 {_quoted(m['mean'])}？"
    if m["possible"]:
        out += f"（可能的选项：{m['possible']}）"
    return out


def _no_such_command(m: re.Match[str]) -> str:
    out = f"没有命令「{m['cmd']}」"
    if m["mean"]:
        out += f"；您是否想用 {_quoted(m['mean'])}？"
    return out


_RULES: tuple[tuple[re.Pattern[str], object], ...] = (
    (re.compile(r"Missing argument (?P<n>.+?)\.(?: (?P<rest>.*))?"), lambda m: f"缺少必填的参数 {_quoted(m['n'])}"),
    (re.compile(r"Missing option (?P<n>.+?)\.(?: (?P<rest>.*))?"), lambda m: f"缺少必填的选项 {_quoted(m['n'])}"),
    (re.compile(r"Missing parameter:? (?P<n>.+?)\.?"), lambda m: f"缺少必填的参数 {_quoted(m['n'])}"),
    (re.compile(r"Missing command\."), lambda m: "缺少命令"),
    (re.compile(r"No such option: (?P<opt>\S+?)\.?(?: Did you mean (?P<mean>.+?)\?)?"
                r"(?: \(Possible options: (?P<possible>.+)\))?"), _no_such_option),
    (re.compile(r"No such command '(?P<cmd>.*)'\.?(?: Did you mean (?P<mean>.+?)\?)?"), _no_such_command),
    (re.compile(r"Invalid value for (?P<p>.+?): (?P<d>.*)", re.S),
     lambda m: f"{_quoted(m['p'])} 的值无效：{_detail(m['d'])}"),
    (re.compile(r"Invalid value: (?P<d>.*)", re.S), lambda m: f"值无效：{_detail(m['d'])}"),
    (re.compile(r"Option (?P<o>.+?) requires an argument\."), lambda m: f"选项 {_quoted(m['o'])} 后面需要写一个值"),
    (re.compile(r"Option (?P<o>.+?) requires (?P<n>\d+) arguments\."),
     lambda m: f"选项 {_quoted(m['o'])} 后面需要写 {m['n']} 个值"),
    (re.compile(r"Option (?P<o>.+?) does not take a value\."), lambda m: f"选项 {_quoted(m['o'])} 不接受值"),
    (re.compile(r"Got unexpected extra arguments? \((?P<a>.*)\)"), lambda m: f"多余的参数：{m['a']}"),
    (re.compile(r"Value (?P<v>.+?) is not a valid (?P<t>\w+)\."), lambda m: f"{m['v']} 不是有效的值（{m['t']}）"),
)


def usage_message_zh(message: str) -> str:
    """A click usage message in Chinese; a message of no known shape is returned as is."""
    text = message.strip()
    for pattern, wording in _RULES:
        m = pattern.fullmatch(text)
        if m:
            return wording(m)  # type: ignore[operator]
    return message
