"""Writing a derived scoring profile (``perfscore weights … -o p.toml``).

The TOML text is produced by ``tomli_w`` (escaping of Chinese keys and quotes is its job,
not ours), after a comment header in Chinese saying where the weights came from.
"""

from __future__ import annotations

from pathlib import Path

import tomli_w

from perfscore.errors import UsageError
from perfscore.io import atomic_write_text


def profile_text(table: dict, comments: list[str]) -> str:
    head = "".join(f"# {line}\n" for line in comments)
    return head + "\n" + tomli_w.dumps(table)


def write_profile(path: str | Path, table: dict, comments: list[str], *, base_path: Path | None = None) -> Path:
    """Write the profile atomically; refuse to overwrite the profile it extends."""
    p = Path(path)
    if p.suffix.lower() != ".toml":
        raise UsageError(f"评分方案文件应以 .toml 结尾，而不是「{p.name}」", hint="例如：-o 我的方案.toml")
    if base_path is not None and p.exists() and p.resolve() == base_path.resolve():
        raise UsageError(f"不能用导出的方案覆盖它所继承的方案 {p.name}", hint="请换一个文件名，如 -o 我的方案.toml。")
    atomic_write_text(p, profile_text(table, comments))
    return p
