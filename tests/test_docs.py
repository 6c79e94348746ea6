"""Every command is documented: listed in the README's command table with a link to a
document that exists, and every document the README links to exists."""

import re
from pathlib import Path

import typer.main

from perfscore.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)


def test_every_command_is_in_the_readme_table():
    missing = [c for c in _commands() if f"`perfscore {c}" not in README]
    assert not missing, f"README 的命令一览缺少：{missing}"


def test_every_linked_document_exists():
    links = re.findall(r"\]\(([^)#]+)\)", README)
    assert links, "README links no documents"
    broken = [link for link in links if not link.startswith("http") and not (ROOT / link).exists()]
    assert not broken, f"README 链接的文件不存在：{broken}"


def test_every_command_has_chinese_help():
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        text = command.help or ""
        assert re.search(r"[\u4e00-\u9fff]", text), f"perfscore {name} 没有中文说明"


def test_quick_start_is_two_commands_that_name_the_sample_data_and_the_tests():
    block = README.split("## 快速开始", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.+?)\n```", block, flags=re.S)
    assert len(commands) == 2
    assert "perfscore evaluate data/yanshan-2023/targets.json data/yanshan-2023/actuals.csv" in commands[0]
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci, ".ci/run must run the README's test command"


def test_help_lists_commands_in_the_order_of_a_years_work():
    group = typer.main.get_command(app)
    names = group.list_commands(None)  # the ordering ignores the context
    assert names[:4] == ["extract", "check", "template", "evaluate"]
    assert set(names) == set(_commands())
