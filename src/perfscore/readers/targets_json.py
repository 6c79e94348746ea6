"""targets.json: load (validated), save (deterministic). Schema ``perfscore.targets/1``.

Load → save is a byte-identical round trip for any file this module saved: the model
keeps every field, and :func:`perfscore.model.dump_targets` fixes key order, indentation
and number formatting.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import ValidationError

from perfscore.errors import DataError, FormatError, Location
from perfscore.io import atomic_write_text, decode_bytes
from perfscore.model import TARGETS_SCHEMA, Targets, dump_targets
from perfscore.safety import read_input_bytes

# pydantic error type → what a user is told (in Chinese).
_ERROR_TEXT = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不认识的字段（可能拼写错误）",
    "string_type": "应为文本",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为 true 或 false",
    "dict_type": "应为对象（{…}）",
    "list_type": "应为数组（[…]）",
    "model_type": "应为对象（{…}）",
    "literal_error": "取值不在允许的范围内",
    "finite_number": "应为有限数字",
    "greater_than_equal": "不能为负数",
}


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(根)"


def _reject_duplicates(pairs: list[tuple[str, object]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"重复的键「{key}」")
        seen[key] = value
    return seen


def targets_from_json_text(text: str, *, file: str) -> Targets:
    """Parse and validate the text of a targets.json."""
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"JSON格式错误（第{exc.lineno}行第{exc.colno}列）：{exc.msg}",
            location=Location(file=file),
            hint="请用 perfscore extract 重新生成 targets.json，或用JSON编辑器修正。",
        ) from None
    except ValueError as exc:
        raise DataError(str(exc), location=Location(file=file), hint="每个键在同一对象中只能出现一次。") from None
    if not isinstance(data, dict):
        raise FormatError("不是 targets.json：顶层应为对象（{…}）", location=Location(file=file),
                          hint="请用 perfscore extract 重新生成 targets.json。")
    schema = data.get("schema")
    if schema != TARGETS_SCHEMA:
        raise FormatError(
            f"不是受支持的 targets.json：schema 应为「{TARGETS_SCHEMA}」，实际为「{schema}」",
            location=Location(file=file, column="schema", value=None if schema is None else str(schema)),
            hint="请用当前版本的 perfscore extract 重新生成 targets.json。",
        )
    try:
        return Targets.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{_path(e['loc'])}：{_ERROR_TEXT.get(e['type'], e['msg'])}"
            + (f"（值「{e['input']}」）" if e["type"] not in ("missing",) and not isinstance(e["input"], (dict, list)) else "")
            for e in exc.errors()
        ]
        raise DataError(
            f"targets.json 内容不符合格式（{len(problems)}处）",
            location=Location(file=file),
            problems=problems,
            hint="格式说明见 docs/extract.md；JSON Schema 可用 perfscore schema targets 查看。",
        ) from None


def load_targets_json(path: str | os.PathLike) -> Targets:
    p = Path(path)
    data = read_input_bytes(p)   # missing, folder, device, size limit
    text, _ = decode_bytes(data, file=p.name)
    return targets_from_json_text(text, file=p.name)


def save_targets_json(targets: Targets, path: str | os.PathLike) -> None:
    """Write atomically; the bytes depend on the content only."""
    atomic_write_text(path, dump_targets(targets))
