"""Human-readable arithmetic (计分过程) for each indicator row, e.g.
``96% ≥ 95% → 8.00 / 8.00`` or ``实际1.95万元/辆 > 目标1.82万元/辆，8.00×1.82/1.95 = 7.47``.

Built column-wise: each rule's text is computed only on the rows under that rule,
numbers are formatted once per distinct value, and a row's pieces are joined in one
pass (:func:`join_rows`, one ``%`` formatting per row) instead of one numpy object
concatenation per piece, which would allocate every intermediate string.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfscore.scoring.numeric import format_fixed, from_quanta
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
    return join_rows(shown, np.where(per != "", "/", "").astype(object), per.astype(object))


def join_rows(*parts) -> np.ndarray:
    """Per row, the parts joined: each part is a str (the same in every row) or an object
    array of str (at least one). Equal to ``parts[0] + parts[1] + …`` over object arrays."""
    arrays = [p for p in parts if isinstance(p, np.ndarray)]
    template = "".join("%s" if isinstance(p, np.ndarray) else p.replace("%", "%%") for p in parts)
    out = np.empty(len(arrays[0]), dtype=object)
    out[:] = [template % row for row in zip(*arrays)]
    return out


def percent_text(shares: np.ndarray) -> np.ndarray:
    return join_rows(num_text(np.asarray(shares, dtype=float) * 100), "%")


class _Rows:
    """Rows of the output under one rule (positions ``idx``), written through masks over them."""

    def __init__(self, out: np.ndarray, mask: np.ndarray):
        self.out = out
        self.idx = np.flatnonzero(mask)

    def __len__(self) -> int:
        return len(self.idx)

    def put(self, mask: np.ndarray | None, *parts) -> None:
        """out[idx[mask]] = the parts joined; array parts are aligned with ``idx``."""
        if mask is None:
            mask = np.ones(len(self.idx), dtype=bool)
        if mask.any():
            self.out[self.idx[mask]] = join_rows(*[p[mask] if isinstance(p, np.ndarray) else p for p in parts])


def build(c: dict, digits: int, ci_level: str, points: np.ndarray, grace: int) -> np.ndarray:
    """The arithmetic text per row (empty for rows that show none). ``c`` holds per-row
    arrays (see engine._arithmetic): the rule, status and numbers of each row; ``points``
    the share of each tier."""
    n = len(c["rule"])
    out = np.full(n, "", dtype=object)
    rule = c["rule"]
    scored = c["scored"]
    # Weight and score: nearly every row shows them.
    w = format_fixed(from_quanta(c["weight_q"], digits), digits)
    s = format_fixed(from_quanta(c["score_q"], digits), digits)

    q = _Rows(out, scored & np.isin(rule, ["ge", "eq-ge", "frequency", "le-ratio", "le-linear",
                                           "eq-deviation", "range", "execution"]))
    if len(q):
        _quantitative(q, c, w[q.idx], s[q.idx])
    t = _Rows(out, scored & np.isin(rule, ["deadline", "grade", "tier"]))
    if len(t):
        _tiers(t, c, w[t.idx], s[t.idx], points, grace)

    out[c["status"] == "not_applicable"] = "不适用，不计分，分值不计入分母"
    _Rows(out, rule == "na-full").put(None, "不适用，按评分方案计满分 ", s[rule == "na-full"], " / ",
                                      w[rule == "na-full"])

    d = _Rows(out, c["deducted"])
    if len(d):
        i = d.idx
        d.put(None, out[i], "；超额（实际/目标 = ", num_text(np.round(c["ratio"][i], 2)), "）扣减 ",
              format_fixed(c["deduction"][i], digits), " → ", s[i])
    ci = _Rows(out, c["has_ci"] & scored)
    if len(ci):
        i = ci.idx
        ci.put(None, out[i], "；满意率", ci_level, "置信区间 [", format_fixed(c["ci_low"][i], 1), "%, ",
               format_fixed(c["ci_high"][i], 1), "%]")
    return out


def _quantitative(r: _Rows, c: dict, w: np.ndarray, s: np.ndarray) -> None:
    """Comparisons, frequencies and ranges: the actual against the target, and the formula."""
    i = r.idx
    rule = c["rule"][i]
    met = c["met"][i]
    T, A = c["T"][i], c["A"][i]
    low, high = c["low"][i], c["high"][i]
    t_unit = c["t_unit"][i]
    ref = np.where(np.isnan(T), low, T)
    scale = money_scale(ref, c["t_dim"][i] == "money")
    unit = unit_text(t_unit, c["t_per"][i], scale)
    freq = rule == "frequency"
    # Survey shares (88/95 = 92.6315…%) are shown to 2 decimals; other numbers as read.
    a = num_text(np.where(~np.isnan(c["a_n"][i]), np.round(A, 2), A) / scale)
    t = num_text(T / scale)
    A_txt = np.empty(len(i), dtype=object)
    T_txt = np.empty(len(i), dtype=object)
    if freq.any():
        A_txt[freq] = join_rows("全年", a[freq], t_unit[freq])
        T_txt[freq] = join_rows(t[freq], t_unit[freq], "/年")
    if (~freq).any():
        A_txt[~freq] = join_rows(a[~freq], unit[~freq])
        T_txt[~freq] = join_rows(t[~freq], unit[~freq])

    ge_like = np.isin(rule, ["ge", "eq-ge", "frequency"])
    r.put(ge_like & met, A_txt, " ≥ ", T_txt, " → ", s, " / ", w)
    r.put(ge_like & ~met, A_txt, " < ", T_txt, " → ", w, "×", a, "/", t, " = ", s)

    le = np.isin(rule, ["le-ratio", "le-linear"])
    r.put(le & met, A_txt, " ≤ ", T_txt, " → ", s, " / ", w)
    r.put((rule == "le-ratio") & ~met, "实际", A_txt, " > 目标", T_txt, "，", w, "×", t, "/", a, " = ", s)
    r.put((rule == "le-linear") & ~met,
          "实际", A_txt, " > 目标", T_txt, "，", w, "×(1−(", a, "−", t, ")/", t, ") = ", s)

    # 预算执行率 as an indicator row: the profile's execution rule on the rate.
    r.put(rule == "execution", "预算执行率 ", A_txt, "，按评分方案的执行率计分规则 → ", s, " / ", w)

    eq = rule == "eq-deviation"
    r.put(eq & met, A_txt, " = ", T_txt, " → ", s, " / ", w)
    zero_t = T == 0
    r.put(eq & ~met & zero_t, "实际", A_txt, " ≠ 目标", T_txt, " → ", s, " / ", w)
    r.put(eq & ~met & ~zero_t, "实际", A_txt, " ≠ 目标", T_txt, "，", w, "×(1−|", a, "−", t, "|/", t, ") = ", s)

    rng = rule == "range"
    if rng.any():
        lo_num = np.full(len(i), "", dtype=object)
        hi_num = np.full(len(i), "", dtype=object)
        lo_num[rng] = num_text(low[rng] / scale[rng])
        hi_num[rng] = num_text(high[rng] / scale[rng])
        L = np.full(len(i), "", dtype=object)
        H = np.full(len(i), "", dtype=object)
        L[rng] = join_rows(lo_num[rng], unit[rng])
        H[rng] = join_rows(hi_num[rng], unit[rng])
        with np.errstate(invalid="ignore"):
            below = A < low
        r.put(rng & met, A_txt, " 在 ", L, "–", H, " 内 → ", s, " / ", w)
        r.put(rng & ~met & below, "实际", A_txt, " 低于下限", L, "，", w, "×", a, "/", lo_num, " = ", s)
        r.put(rng & ~met & ~below, "实际", A_txt, " 高于上限", H, "，", w, "×", hi_num, "/", a, " = ", s)


def _tiers(r: _Rows, c: dict, w: np.ndarray, s: np.ndarray, points: np.ndarray, grace: int) -> None:
    """Tier-scored rows (deadline, grade ladder, achievement wording): what was read, the
    tier, and the points (or the unit's own 得分 when it lies in the tier)."""
    i = r.idx
    tier = c["tier"][i]
    name = tier_name_array(tier)
    point = percent_text(points[np.clip(tier, 0, 2)])
    self_used = c["self_used"][i]
    how = c["how"][i]

    def put(mask: np.ndarray, *head) -> None:
        r.put(mask & ~self_used, *head, " → ", name, " ", w, "×", point, " = ", s)
        r.put(mask & self_used, *head, " → ", name, "，填报得分", s, "（本档", c["tier_lo"][i], "–",
              c["tier_hi"][i], "分）")

    dated = how == "date"
    if dated.any():
        late = c["late_days"][i]
        a_date = np.full(len(i), "", dtype=object)
        t_date = np.full(len(i), "", dtype=object)
        a_date[dated] = date_text(c["a_date"][i][dated])
        t_date[dated] = date_text(c["t_deadline"][i][dated])
        late_txt = num_text(late)
        grace_txt = str(grace)
        with np.errstate(invalid="ignore"):
            put(dated & (late <= 0), a_date, " 完成，不晚于截止日 ", t_date)
            put(dated & (late > 0) & (late <= grace),
                a_date, " 完成，逾期", late_txt, "天（宽限", grace_txt, "天内）")
            put(dated & (late > grace), a_date, " 完成，逾期", late_txt, "天（超过宽限", grace_txt, "天）")
    graded = how == "grade"
    if graded.any():
        steps = c["steps"][i]
        a_grade, t_grade = c["a_grade"][i], c["t_grade"][i]
        with np.errstate(invalid="ignore"):
            put(graded & (steps <= 0), "实际「", a_grade, "」达到目标「", t_grade, "」")
            put(graded & (steps > 0), "实际「", a_grade, "」比目标「", t_grade, "」低", num_text(steps), "级")
    put(np.isin(how, ["tier", "completion"]), "「", c["actual"][i], "」")


def tier_name_array(tier: np.ndarray) -> np.ndarray:
    names = np.array(list(TIER_NAMES) + [""], dtype=object)
    return names[np.where((tier >= 0) & (tier < 3), tier, 3).astype(int)]


def date_text(values: np.ndarray) -> np.ndarray:
    """ISO dates ('' for NaT) — each distinct date once."""
    s = pd.Series(np.asarray(values, dtype="datetime64[D]"))
    out = s.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    out[pd.isna(out)] = ""
    return out
