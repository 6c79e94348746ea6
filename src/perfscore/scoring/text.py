"""Human-readable arithmetic (计分过程) for each indicator row, e.g.
``96% ≥ 95% → 8.00 / 8.00`` or ``实际1.95万元/辆 > 目标1.82万元/辆，8.00×1.82/1.95 = 7.47``.

Built column-wise: numbers are formatted once per distinct value and the pieces are
concatenated with numpy object arrays under each rule's mask, so the cost does not
grow with a Python loop per indicator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfscore.scoring.profile import TIER_NAMES


def num_text(values) -> np.ndarray:
    """Compact numbers: at most 4 decimals, no trailing zeros ('' for NaN); each distinct value once."""
    arr = np.asarray(values, dtype=float)
    out = np.full(arr.shape, "", dtype=object)
    ok = np.isfinite(arr)
    if ok.any():
        uniq, inv = np.unique(arr[ok], return_inverse=True)
        texts = np.array([_compact(u) for u in uniq], dtype=object)
        out[ok] = texts[inv.reshape(-1)]
    return out


def _compact(x: float) -> str:
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def money_scale(target_values: np.ndarray, is_money: np.ndarray) -> np.ndarray:
    """Show money in 万元 when the target is a whole number of 0.01万元 ≥ 1万 (1.82万元), else in 元."""
    t = np.asarray(target_values, dtype=float)
    with np.errstate(invalid="ignore"):
        wan = is_money & (np.abs(t) >= 1e4) & (np.abs(np.round(t / 1e4, 2) * 1e4 - t) < 1e-6)
    return np.where(wan, 1e4, 1.0)


def unit_text(unit: np.ndarray, per: np.ndarray, scale: np.ndarray) -> np.ndarray:
    shown = np.where(scale == 1e4, "万元", unit).astype(object)
    return shown + np.where(per != "", "/", "").astype(object) + per.astype(object)


def cat(*parts) -> np.ndarray:
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


def percent_text(shares: np.ndarray) -> np.ndarray:
    return num_text(np.asarray(shares, dtype=float) * 100) + "%"


def build(c: dict, rows: np.ndarray) -> np.ndarray:
    """The arithmetic text per row. ``c`` holds per-row arrays (see engine._arithmetic_inputs)."""
    n = len(rows)
    out = np.full(n, "", dtype=object)
    rule = c["rule"]
    scored = c["scored"]
    met = c["met"]
    w, s = c["w"], c["s"]
    A, T = c["A"], c["T"]
    a, t = c["a"], c["t"]

    def put(mask, *parts):
        if mask.any():
            out[mask] = cat(*[p[mask] if isinstance(p, np.ndarray) else p for p in parts])

    ge_like = np.isin(rule, ["ge", "eq-ge", "frequency"]) & scored
    put(ge_like & met, A, " ≥ ", T, " → ", s, " / ", w)
    put(ge_like & ~met, A, " < ", T, " → ", w, "×", a, "/", t, " = ", s)

    le = np.isin(rule, ["le-ratio", "le-linear"]) & scored
    put(le & met, A, " ≤ ", T, " → ", s, " / ", w)
    put((rule == "le-ratio") & scored & ~met, "实际", A, " > 目标", T, "，", w, "×", t, "/", a, " = ", s)
    put((rule == "le-linear") & scored & ~met,
        "实际", A, " > 目标", T, "，", w, "×(1−(", a, "−", t, ")/", t, ") = ", s)

    eq = (rule == "eq-deviation") & scored
    put(eq & met, A, " = ", T, " → ", s, " / ", w)
    zero_t = c["t_zero"]
    put(eq & ~met & zero_t, "实际", A, " ≠ 目标", T, " → ", s, " / ", w)
    put(eq & ~met & ~zero_t, "实际", A, " ≠ 目标", T, "，", w, "×(1−|", a, "−", t, "|/", t, ") = ", s)

    rng = (rule == "range") & scored
    put(rng & met, A, " 在 ", c["L"], "–", c["H"], " 内 → ", s, " / ", w)
    below = rng & ~met & c["below"]
    put(below, "实际", A, " 低于下限", c["L"], "，", w, "×", a, "/", c["l"], " = ", s)
    put(rng & ~met & ~c["below"], "实际", A, " 高于上限", c["H"], "，", w, "×", c["h"], "/", a, " = ", s)

    # Tier-scored rows: what was read, the tier, and the points.
    tier_rows = np.isin(rule, ["deadline", "grade", "tier"]) & scored
    tier_name = c["tier_name"]
    tail_default = cat(" → ", tier_name, " ", w, "×", c["point"], " = ", s)
    tail_self = cat(" → ", tier_name, "，填报得分", s, "（本档", c["tier_lo"], "–", c["tier_hi"], "分）")
    tail = np.where(c["self_used"], tail_self, tail_default)
    date_rows = tier_rows & (c["how"] == "date")
    late = c["late_days"]
    put(date_rows & (late <= 0), c["a_date"], " 完成，不晚于截止日 ", c["t_date"], tail)
    put(date_rows & (late > 0) & (late <= c["grace"]),
        c["a_date"], " 完成，逾期", c["late_txt"], "天（宽限", c["grace_txt"], "天内）", tail)
    put(date_rows & (late > c["grace"]),
        c["a_date"], " 完成，逾期", c["late_txt"], "天（超过宽限", c["grace_txt"], "天）", tail)
    grade_rows = tier_rows & (c["how"] == "grade")
    steps = c["steps"]
    put(grade_rows & (steps <= 0), "实际「", c["a_grade"], "」达到目标「", c["t_grade"], "」", tail)
    put(grade_rows & (steps > 0), "实际「", c["a_grade"], "」比目标「", c["t_grade"], "」低", c["steps_txt"], "级", tail)
    word_rows = tier_rows & np.isin(c["how"], ["tier", "completion"])
    put(word_rows, "「", c["actual"], "」", tail)

    na = c["status"] == "not_applicable"
    out[na] = "不适用，不计分，分值不计入分母"
    na_full = rule == "na-full"
    out[na_full] = cat("不适用，按评分方案计满分 ", s[na_full], " / ", w[na_full])

    put(c["deducted"], out, "；超额（实际/目标 = ", c["ratio_txt"], "）扣减 ", c["deduction_txt"], " → ", s)
    put(c["has_ci"] & scored, out, "；满意率", c["ci_level"], "置信区间 [", c["ci_lo"], "%, ", c["ci_hi"], "%]")
    return out


def tier_name_array(tier: np.ndarray) -> np.ndarray:
    names = np.array(list(TIER_NAMES) + [""], dtype=object)
    return names[np.where((tier >= 0) & (tier < 3), tier, 3).astype(int)]


def date_text(values: np.ndarray) -> np.ndarray:
    """ISO dates ('' for NaT) — each distinct date once."""
    s = pd.Series(np.asarray(values, dtype="datetime64[D]"))
    out = s.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    out[pd.isna(out)] = ""
    return out
