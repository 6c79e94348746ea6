"""The scoring engine's row work as it was before the fast paths (commit a821432, with the
survey interval from scipy.stats.binomtest): the reference that tests/test_scoring_fastpaths.py
compares the engine against, row for row. Copied verbatim, only the module prefixes changed
(```` → local functions); keep it slow and simple, do not optimise it.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from perfscore.model import Finding
from perfscore.scoring import rules as R_
from perfscore.scoring.engine import Scored
from perfscore.scoring.evaluation import NEEDS_REVIEW, NOT_APPLICABLE, SCORED
from perfscore.scoring.aggregate import _clean
from perfscore.scoring.numeric import format_fixed, from_quanta, to_quanta
from perfscore.scoring.parsing import Readings
from perfscore.scoring.profile import TIER_NAMES, Profile
from perfscore.values.types import TIERS, Actual, Target

_TIER_CODE = {name: i for i, name in enumerate(TIERS)}


# --- survey.py ---------------------------------------------------------------------------

_METHODS = {"wilson": "wilson", "exact": "exact"}


def proportion_ci(satisfied: np.ndarray, respondents: np.ndarray, *, confidence: float = 0.95,
                  method: str = "wilson") -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds in percent (NaN where there is no valid survey)."""
    k = np.asarray(satisfied, dtype=float)
    n = np.asarray(respondents, dtype=float)
    low = np.full(k.shape, np.nan)
    high = np.full(k.shape, np.nan)
    ok = (n > 0) & (k >= 0) & (k <= n) & ~np.isnan(k) & ~np.isnan(n)
    if not ok.any():
        return low, high
    from scipy import stats

    pairs = np.stack([k[ok], n[ok]], axis=1).astype(np.int64)
    uniq, inv = np.unique(pairs, axis=0, return_inverse=True)
    lo_u = np.empty(len(uniq))
    hi_u = np.empty(len(uniq))
    for i, (kk, nn) in enumerate(uniq):
        ci = stats.binomtest(int(kk), int(nn)).proportion_ci(
            confidence_level=confidence, method=_METHODS[method])
        lo_u[i], hi_u[i] = ci.low * 100.0, ci.high * 100.0
    inv = inv.reshape(-1)
    low[ok] = lo_u[inv]
    high[ok] = hi_u[inv]
    return low, high


# --- parsing.py --------------------------------------------------------------------------


def dense_key(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per-row codes 0..k-1 of the distinct value combinations of ``columns`` (numbered in
    order of first appearance), and the row index where each combination first appears."""
    key = np.zeros(len(frame), dtype=np.int64)
    for col in columns:
        # Combine one column at a time and re-factorize, so the integer key stays small.
        codes, uniq = pd.factorize(frame[col], use_na_sentinel=False)
        key, _ = pd.factorize(key * (len(uniq) + 1) + codes)
    key = np.asarray(key, dtype=np.int64)
    return key, np.unique(key, return_index=True)[1]


def distinct_rows(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Per-row codes and the distinct rows (first-seen order)."""
    key, first = dense_key(frame, columns)
    return key, frame.iloc[first][columns].reset_index(drop=True)


def parse_distinct_targets(distinct: pd.DataFrame, year: int | None) -> list[Target]:
    from perfscore.values import parse_targets

    return parse_targets(distinct["target"].tolist(), distinct["level1"].tolist(),
                         distinct["level2"].tolist(), distinct["level3"].tolist(), year)


def parse_distinct_actuals(texts: list[str], targets: list[Target]) -> list[Actual]:
    from perfscore.values import parse_actuals

    return parse_actuals(texts, targets)


def describe(actual: Actual) -> str:
    from perfscore.values import describe_actual

    return describe_actual(actual)


def canonical(target: Target) -> str:
    try:
        return target.canonical
    except (ImportError, AttributeError):
        return target.text


def _date64(values: list[str | None]) -> np.ndarray:
    return np.array([np.datetime64(v, "D") if v else np.datetime64("NaT", "D") for v in values],
                    dtype="datetime64[D]")


def _flt(values) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def _bool3(values) -> np.ndarray:
    """True/False/None → 1.0/0.0/NaN."""
    return np.array([np.nan if v is None else float(bool(v)) for v in values], dtype=float)


def target_columns(ts: list[Target]) -> dict[str, np.ndarray]:
    obj = lambda xs: np.array(xs, dtype=object)  # noqa: E731
    return {
        "t_kind": obj([t.kind for t in ts]),
        "t_op": obj([t.op or "" for t in ts]),
        "t_value": _flt([t.value for t in ts]),
        "t_low": _flt([t.low for t in ts]),
        "t_high": _flt([t.high for t in ts]),
        "t_unit": obj([t.unit or "" for t in ts]),
        "t_dim": obj([t.dimension or "" for t in ts]),
        "t_per": obj(["/".join(t.per) for t in ts]),
        "t_deadline": _date64([t.deadline for t in ts]),
        "t_count": _flt([t.count_per_year for t in ts]),
        "t_grade": obj([t.grade or "" for t in ts]),
        "t_grade_idx": _flt([t.ladder.index(t.grade) if t.grade in t.ladder else None for t in ts]),
        "t_ladder": obj(["、".join(t.ladder) for t in ts]),
        "t_inferred": np.array([bool(t.inferred) for t in ts], dtype=bool),
        "t_reason": obj([t.reason or "" for t in ts]),
        "t_canonical": obj([canonical(t) for t in ts]),
    }


def actual_columns(acts: list[Actual], tgts: list[Target]) -> dict[str, np.ndarray]:
    obj = lambda xs: np.array(xs, dtype=object)  # noqa: E731
    grade_idx = []
    for a, t in zip(acts, tgts):
        if a.kind != "grade" or a.grade is None:
            grade_idx.append(None)
        elif a.grade in t.ladder:
            grade_idx.append(t.ladder.index(a.grade))
        else:
            grade_idx.append(-1)  # a grade, but not on the target's ladder
    return {
        "a_kind": obj([a.kind for a in acts]),
        "a_value": _flt([a.value for a in acts]),
        "a_unit": obj([a.unit or "" for a in acts]),
        "a_dim": obj([a.dimension or "" for a in acts]),
        "a_per": obj(["/".join(a.per) for a in acts]),
        "a_date": _date64([a.date for a in acts]),
        "a_completed": _bool3([a.completed for a in acts]),
        "a_on_time": _bool3([a.on_time for a in acts]),
        "a_grade": obj([a.grade or "" for a in acts]),
        "a_grade_idx": _flt(grade_idx),
        "a_tier": _flt([_TIER_CODE.get(a.tier) if a.tier else None for a in acts]),
        "a_sat": _flt([a.survey[0] if a.survey else None for a in acts]),
        "a_n": _flt([a.survey[1] if a.survey else None for a in acts]),
        "a_approx": np.array([bool(a.approx) for a in acts], dtype=bool),
        "a_reason": obj([a.reason or "" for a in acts]),
        "a_reading": obj([describe(a) for a in acts]),
    }


def read_values(frame: pd.DataFrame, year: int | None) -> Readings:
    """Parse the frame's ``target`` and ``actual`` columns; return per-row reading columns."""
    n = len(frame)
    t_codes, t_distinct = distinct_rows(frame, ["target", "level1", "level2", "level3"])
    targets = parse_distinct_targets(t_distinct, year)
    cols = {k: v[t_codes] for k, v in target_columns(targets).items()}

    raw_codes, raw_uniq = pd.factorize(frame["actual"], use_na_sentinel=True)
    blank = np.array([str(u).strip() == "" for u in raw_uniq] + [True], dtype=bool)
    has_actual = ~blank[np.where(raw_codes < 0, len(raw_uniq), raw_codes)]
    a_codes = np.full(n, -1, dtype=np.int64)
    idx = np.flatnonzero(has_actual)
    if len(idx):
        pair = pd.DataFrame({"actual": frame["actual"].to_numpy(dtype=object)[idx], "t": t_codes[idx]})
        sub_codes, sub_distinct = distinct_rows(pair, ["actual", "t"])
        a_codes[idx] = sub_codes
        tgts = [targets[i] for i in sub_distinct["t"].tolist()]
        acts = parse_distinct_actuals([str(x) for x in sub_distinct["actual"].tolist()], tgts)
        a_cols = actual_columns(acts, tgts)
    else:
        a_cols = actual_columns([], [])
    # Rows without an actual take the 'empty' reading.
    take = np.where(a_codes >= 0, a_codes, 0)
    for key, arr in a_cols.items():
        if len(arr):
            col = arr[take].copy()
        else:
            col = np.empty(n, dtype=arr.dtype)
        missing = a_codes < 0
        if col.dtype == bool:
            col[missing] = False
        elif col.dtype == object:
            col[missing] = "empty" if key == "a_kind" else ""
        elif col.dtype.kind == "M":
            col[missing] = np.datetime64("NaT")
        else:
            col[missing] = np.nan
        cols[key] = col
    cols["t_code"] = t_codes
    cols["a_code"] = a_codes
    return Readings(cols)


# --- text.py -----------------------------------------------------------------------------


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


# --- engine.py ---------------------------------------------------------------------------


def _fam(dim: np.ndarray) -> np.ndarray:
    # % and ‰ are one family (ratio); the grammar converts between them.
    return np.where(np.isin(dim, ["percent", "permille"]), "ratio", dim)


def score_rows(frame: pd.DataFrame, rd: Readings, weight_q: np.ndarray, profile: Profile,
               as_of: _dt.date, *, block_known: np.ndarray | None = None) -> Scored:
    """Score every row at once: decide (with masks, in a fixed order) which rows are not
    applicable or need review and why, pick each remaining row's rule, compute the share of
    the weight earned, validate explicit 得分, round half up, and write flags and arithmetic.
    ``block_known`` False marks rows whose 一级 the profile has no weight for."""
    n = len(frame)
    digits = profile.rounding.digits
    kind = rd["t_kind"]
    ak = rd["a_kind"]
    op = rd["t_op"]
    actual_txt = frame["actual"].fillna("").astype(str).to_numpy(dtype=object)
    level1 = frame["level1"].to_numpy(dtype=object)
    T = np.where(kind == "frequency",
                 np.where(np.isnan(rd["t_count"]), rd["t_value"], rd["t_count"]), rd["t_value"])
    A = rd["a_value"]
    low, high = rd["t_low"], rd["t_high"]
    w = from_quanta(weight_q, digits)

    status = np.full(n, SCORED, dtype=object)
    why = np.full(n, "", dtype=object)
    decided = np.zeros(n, dtype=bool)
    findings: list[Finding] = []

    def review(mask: np.ndarray, *parts) -> None:
        """Mark rows as needing review; the reason is concatenated only for those rows."""
        m = mask & ~decided
        if m.any():
            status[m] = NEEDS_REVIEW
            why[m] = cat(*[p[m] if isinstance(p, np.ndarray) else p for p in parts]) \
                if len(parts) > 1 else parts[0]
            decided[m] = True

    # The rule each row falls under (also shown for rows that end up needing review).
    rule = np.full(n, "", dtype=object)
    comp = kind == "comparison"
    rule[comp & np.isin(op, [">=", ">"])] = "ge"
    rule[comp & np.isin(op, ["<=", "<"])] = f"le-{profile.rules.le}"
    rule[comp & (op == "=")] = "eq-deviation" if profile.rules.eq == "deviation" else "eq-ge"
    rule[kind == "range"] = "range"
    rule[kind == "frequency"] = "frequency"
    rule[kind == "deadline"] = "deadline"
    rule[kind == "grade"] = "grade"
    rule[kind == "achievement"] = "tier"

    # 1. Weight, applicability, readability.
    if block_known is not None:
        review(~block_known, "一级指标「", level1, f"」不在评分方案「{profile.name}」的一级指标中，无法分配分值")
    na = ((kind == "not_applicable") | (ak == "not_applicable")) & ~decided
    if profile.not_applicable.mode == "full":
        rule[na] = "na-full"
    else:
        status[na] = NOT_APPLICABLE
        rule[na] = "na"
        why[na] = "不适用：不计分，分值不计入分母"
        decided |= na
    review(kind == "unreadable", "指标值无法识别：", rd["t_reason"])
    review(ak == "empty", "未填写实际完成值")
    review(ak == "unreadable", "实际完成值无法识别：", rd["a_reason"])

    # 2. Does the actual fit the kind of target?
    quant = np.isin(kind, ["comparison", "range", "frequency"])
    review(quant & ~np.isin(ak, ["number", "survey"]),
           "定量指标的实际完成值「", actual_txt, "」不是数值，请填写实际完成的数量或比例")
    t_dim, a_dim = rd["t_dim"], rd["a_dim"]
    review(quant & (t_dim != "") & (a_dim != "") & (_fam(t_dim) != _fam(a_dim)),
           "实际完成值的单位（", rd["a_unit"], "）与指标值的单位（", rd["t_unit"], "）不可比")
    review(quant & (rd["a_per"] != "") & (rd["t_per"] != "") & (rd["a_per"] != rd["t_per"]),
           "实际完成值按「/", rd["a_per"], "」计，指标值按「/", rd["t_per"], "」计，不可比")
    review(quant & np.isnan(A), "实际完成值没有可比较的数值")
    review(comp & (op == ""), "指标值没有比较方向（≥、≤、=）")
    review(comp & np.isnan(T), "指标值没有数值")
    review((kind == "frequency") & np.isnan(T), "指标值没有次数")
    review((kind == "range") & (np.isnan(low) | np.isnan(high)), "指标值的区间不完整")

    # Proportional credit (A/T, T/A, the straight line) needs a positive base: a missed
    # target of 0 or below (≥-5 with -8, ≤-2 with -1) has no meaningful ratio. Never guess.
    with np.errstate(invalid="ignore"):
        ge_like = np.isin(rule, ["ge", "eq-ge", "frequency"])
        le_like = np.isin(rule, ["le-ratio", "le-linear"])
        no_base = ge_like & (T <= 0) & (A < T) & ~((op == ">") & (T == 0))
        no_base |= le_like & (A > T) & ((A <= 0) if profile.rules.le == "ratio" else (T <= 0))
        no_base |= (rule == "range") & (((A < low) & (low <= 0)) | ((A > high) & (A <= 0)))
    review(no_base, "指标值为0或负数，未达到时无法按比例计分，请人工评定得分")

    dl = kind == "deadline"
    review(dl & ~np.isin(ak, ["date", "completion", "tier"]),
           "时效指标的实际完成值应为完成日期或完成情况（如 按时完成、延期完成、未完成）")
    t_dead = rd["t_deadline"]
    a_date = rd["a_date"]
    review(dl & (ak == "date") & np.isnat(t_dead),
           "指标值没有具体截止日期，无法与完成日期比较；请填写完成情况（按时完成、延期完成或未完成）")
    gr = kind == "grade"
    review(gr & ~np.isin(ak, ["grade", "tier"]), "等级指标的实际完成值应为等级（如 优、良、中、差）或达成情况")
    review(gr & (ak == "grade") & ~(rd["a_grade_idx"] >= 0),
           "实际等级「", rd["a_grade"], "」不在指标值的等级序列（", rd["t_ladder"], "）中")
    review(gr & (ak == "grade") & np.isnan(rd["t_grade_idx"]), "指标值的等级无法定位")
    ach = kind == "achievement"
    review(ach & ~np.isin(ak, ["tier", "completion"]),
           "定性指标的实际完成值应为达成情况（达成、部分达成、未达成）或完成情况")
    review(~np.isin(kind, ["comparison", "range", "frequency", "deadline", "grade", "achievement",
                           "not_applicable", "unreadable"]), "指标值的类型无法计分")
    as_of64 = np.datetime64(as_of.isoformat(), "D")
    completion = (dl | ach) & (ak == "completion")
    undated = completion & (rd["a_completed"] == 1) & np.isnan(rd["a_on_time"])
    review(undated & ~np.isnat(t_dead) & (as_of64 > t_dead),
           "已完成，但未说明是否在截止日期前完成；请填写完成日期或 按时完成/延期完成")

    live = ~decided
    share = np.full(n, np.nan)
    flags: dict[str, np.ndarray] = {}

    # 3. Quantitative rules.
    ge_rows = live & np.isin(rule, ["ge", "eq-ge", "frequency"])
    share[ge_rows] = R_.ge_share(A[ge_rows], T[ge_rows], strict=(op[ge_rows] == ">"))
    le_rows = live & np.isin(rule, ["le-ratio", "le-linear"])
    share[le_rows] = R_.le_share(A[le_rows], T[le_rows], method=profile.rules.le)
    eq_rows = live & (rule == "eq-deviation")
    share[eq_rows] = R_.eq_share(A[eq_rows], T[eq_rows])
    rng_rows = live & (rule == "range")
    share[rng_rows] = R_.range_share(A[rng_rows], low[rng_rows], high[rng_rows])
    quant_live = ge_rows | le_rows | eq_rows | rng_rows
    met = np.zeros(n, dtype=bool)
    met[quant_live] = share[quant_live] >= 1.0

    ratio = np.full(n, np.nan)
    over_rows = ge_rows | le_rows
    ratio[over_rows] = R_.overshoot_ratio(A[over_rows], T[over_rows], le_rows[over_rows])
    with np.errstate(invalid="ignore"):
        overshoot = over_rows & (ratio >= profile.overshoot.threshold)
    flags["overshoot"] = overshoot
    deduction = np.zeros(n)
    if profile.overshoot.deduct:
        deduction[overshoot] = R_.overshoot_deduction(
            ratio[overshoot], profile.overshoot.threshold, profile.overshoot.deduct_cap)
        share = np.where(overshoot, share - deduction, share)
        flags["overshoot_deducted"] = overshoot & (deduction > 0)
    deducted = flags.get("overshoot_deducted", np.zeros(n, dtype=bool))

    # 4. Tier rules (deadline, grade ladder, achievement wording).
    tier_of = {name: i for i, name in enumerate(TIER_NAMES)}
    dlp = profile.deadline
    tier = np.full(n, -1, dtype=np.int64)
    how = np.full(n, "", dtype=object)
    late_days = np.full(n, np.nan)
    by_date = live & dl & (ak == "date")
    if by_date.any():
        late_days[by_date] = (a_date[by_date] - t_dead[by_date]).astype(np.int64)
        tier[by_date] = R_.deadline_tier(late_days[by_date], dlp.grace_days,
                                         tier_of[dlp.late_tier], tier_of[dlp.beyond_tier])
        how[by_date] = "date"
    by_completion = live & completion
    done = rd["a_completed"] == 1
    on_time = rd["a_on_time"]
    tier[by_completion & ~done] = tier_of[dlp.not_completed_tier]
    tier[by_completion & done & (on_time == 1)] = R_.ACHIEVED
    tier[by_completion & done & np.isnan(on_time)] = R_.ACHIEVED
    tier[by_completion & done & (on_time == 0)] = tier_of[dlp.late_tier]
    how[by_completion] = "completion"
    by_grade = live & gr & (ak == "grade")
    steps = np.full(n, np.nan)
    steps[by_grade] = rd["a_grade_idx"][by_grade] - rd["t_grade_idx"][by_grade]
    tier[by_grade] = R_.ladder_tier(steps[by_grade], tier_of[profile.grade_ladder.one_below],
                                    tier_of[profile.grade_ladder.further])
    how[by_grade] = "grade"
    by_tier = live & np.isin(kind, ["deadline", "grade", "achievement"]) & (ak == "tier")
    tier[by_tier] = rd["a_tier"][by_tier].astype(np.int64)
    how[by_tier] = "tier"
    tier_rows = by_date | by_completion | by_grade | by_tier
    tiers = [profile.tiers[name] for name in TIER_NAMES]
    points = np.array([t.point for t in tiers])
    lows = np.array([t.low for t in tiers])
    highs = np.array([t.high for t in tiers])
    share[tier_rows] = points[tier[tier_rows]]
    met[tier_rows] = tier[tier_rows] == R_.ACHIEVED
    flags["late"] = tier_rows & (((how == "date") & (late_days > 0)) | ((how == "completion") & (on_time == 0)))
    flags["not_completed"] = by_completion & ~done
    flags["grade_below"] = by_grade & (steps > 0)

    # 5. Explicit 得分 of the unit: validated against the tier, never silently accepted.
    score_obj, self_val = _read_self_scores(frame["score_text"])
    has_self = score_obj != ""
    self_tier = tier_rows & has_self
    bad_number = self_tier & np.isnan(self_val)
    in_tier = np.zeros(n, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        self_share = np.where(w > 0, self_val / w, np.nan)
    st = self_tier & ~bad_number
    in_tier[st] = R_.share_in_tier(self_share[st], tier[st], lows, highs)
    tier_lo_q = to_quanta(w * lows[np.clip(tier, 0, 2)], digits)
    tier_hi_q = to_quanta(w * highs[np.clip(tier, 0, 2)], digits)
    tier_name = tier_name_array(tier)
    lo_txt = format_fixed(from_quanta(tier_lo_q, digits), digits)
    hi_txt = format_fixed(from_quanta(tier_hi_q, digits), digits)
    for i in np.flatnonzero(bad_number):
        findings.append(Finding(check="score-unreadable", severity="error",
                                project_code=frame["project_code"].iat[i], indicator_id=frame["indicator_id"].iat[i],
                                message=f"填报得分「{score_obj[i]}」不是数字"))
    outside = st & ~in_tier
    for i in np.flatnonzero(outside):
        findings.append(Finding(
            check="score-outside-tier", severity="error",
            project_code=frame["project_code"].iat[i], indicator_id=frame["indicator_id"].iat[i],
            message=(f"「{frame['level3'].iat[i]}」填报得分 {score_obj[i]} 不在「{tier_name[i]}」档"
                     f"（{lo_txt[i]}–{hi_txt[i]} 分）内，未采用，需复核")))
    review(bad_number, "填报得分「", score_obj, "」不是数字")
    review(outside, "填报得分 ", score_obj, " 不在「", tier_name, "」档（", lo_txt, "–", hi_txt, " 分）内，未采用")
    self_used = st & in_tier & (status == SCORED)

    # 6. Scores, rounded half up per indicator.
    scored = status == SCORED
    if profile.not_applicable.mode == "full":
        share[na] = 1.0
        met[na] = True
    score_q = np.full(n, np.nan)
    score_q[scored] = to_quanta(share[scored] * w[scored], digits, profile.rounding.mode)
    score_q[self_used] = to_quanta(self_val[self_used], digits, profile.rounding.mode)
    quant_self = scored & has_self & ~tier_rows & ~np.isnan(self_val)
    flags["self_score"] = self_used
    flags["self_score_differs"] = quant_self & (
        np.abs(to_quanta(np.nan_to_num(self_val), digits) - np.nan_to_num(score_q)) >= 1)
    flags["missed"] = scored & (score_q < weight_q)
    flags["approx_actual"] = scored & rd["a_approx"]   # '600余人', '不少于…': a bound, not a count

    # 7. Survey counts: confidence interval of the satisfied share.
    ci_low, ci_high = proportion_ci(rd["a_sat"], rd["a_n"], confidence=profile.survey.confidence,
                                    method=profile.survey.method)
    has_ci = ~np.isnan(ci_low)
    with np.errstate(invalid="ignore"):
        flags["survey_ci_below_target"] = has_ci & scored & np.isin(rule, ["ge", "eq-ge"]) & (ci_low < T)

    flag_text = _join_flags(flags, n)
    arith = _arithmetic(frame, rd, dict(
        rule=rule, status=status, scored=scored, met=met, weight_q=weight_q, score_q=score_q,
        A=A, T=T, low=low, high=high, tier=tier, tier_name=tier_name, points=points, how=how,
        late_days=late_days, steps=steps, self_used=self_used, lo_txt=lo_txt, hi_txt=hi_txt,
        ratio=ratio, deduction=deduction * w, deducted=deducted, ci_low=ci_low, ci_high=ci_high,
        has_ci=has_ci, actual_txt=actual_txt, grace=dlp.grace_days), profile)
    return Scored(status=status, rule=rule, score_q=score_q, weight_q=weight_q, flags=flag_text,
                  review_reason=why, arithmetic=arith, ci_low=np.round(ci_low, 2), ci_high=np.round(ci_high, 2),
                  findings=findings)


def _read_self_scores(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """得分 as written (stripped, '' when blank) and its number (NaN when blank or not a number),
    each distinct cell read once."""
    codes, uniq = pd.factorize(column, use_na_sentinel=True)
    texts = np.array([str(u).strip() for u in uniq] + [""], dtype=object)
    nums = pd.to_numeric(pd.Series(texts[:-1], dtype=object), errors="coerce").to_numpy(dtype=float)
    nums = np.append(nums, np.nan)
    take = np.where(codes < 0, len(uniq), codes)
    return texts[take], nums[take]


def _join_flags(flags: dict[str, np.ndarray], n: int) -> np.ndarray:
    out = np.full(n, "", dtype=object)
    for name, mask in flags.items():
        if mask.any():
            out[mask] = out[mask] + name + ";"
    has = out != ""
    out[has] = np.array([s[:-1] for s in out[has]], dtype=object)
    return out


def _arithmetic(frame: pd.DataFrame, rd: Readings, c: dict, profile: Profile) -> np.ndarray:
    """The arithmetic text; built once per distinct (target, actual, weight, score) and spread."""
    key_frame = pd.DataFrame({"t": rd["t_code"], "a": rd["a_code"], "w": c["weight_q"], "s": c["score_q"],
                              "st": c["status"], "u": c["self_used"]})
    key, first = dense_key(key_frame, list(key_frame.columns))
    sub = lambda x: x[first] if isinstance(x, np.ndarray) and x.shape == key.shape else x  # noqa: E731
    # The one change to the old code: it also cut the 3 tier points when the table had exactly
    # 3 rows (IndexError, or the wrong percentage in a tier row's text); the engine no longer does.
    c = {k: v if k == "points" else sub(v) for k, v in c.items()}
    rd = Readings({k: sub(v) for k, v in rd.cols.items()})
    return _arithmetic_rows(len(first), rd, c, profile)[key]


def _arithmetic_rows(n: int, rd: Readings, c: dict, profile: Profile) -> np.ndarray:
    digits = profile.rounding.digits
    rule = c["rule"]
    T, A = c["T"], c["A"]
    is_money = rd["t_dim"] == "money"
    ref = np.where(np.isnan(T), c["low"], T)
    scale = money_scale(ref, is_money)
    unit = unit_text(rd["t_unit"], rd["t_per"], scale)
    freq = rule == "frequency"
    # Survey shares (88/95 = 92.6315…%) are shown to 2 decimals; other numbers as read.
    a_num = num_text(np.where(~np.isnan(rd["a_n"]), np.round(A, 2), A) / scale)
    t_num = num_text(T / scale)
    l_num = num_text(c["low"] / scale)
    h_num = num_text(c["high"] / scale)
    A_txt = np.where(freq, "全年" + a_num + rd["t_unit"], a_num + unit)
    T_txt = np.where(freq, t_num + rd["t_unit"] + "/年", t_num + unit)
    ctx = {
        "rule": rule, "status": c["status"], "scored": c["scored"], "met": c["met"],
        "w": format_fixed(from_quanta(c["weight_q"], digits), digits),
        "s": format_fixed(from_quanta(c["score_q"], digits), digits),
        "A": A_txt.astype(object), "T": T_txt.astype(object), "a": a_num, "t": t_num,
        "t_zero": T == 0,
        "L": (l_num + unit).astype(object), "H": (h_num + unit).astype(object), "l": l_num, "h": h_num,
        "below": A < c["low"],
        "tier_name": c["tier_name"], "point": percent_text(c["points"][np.clip(c["tier"], 0, 2)]),
        "self_used": c["self_used"], "tier_lo": c["lo_txt"], "tier_hi": c["hi_txt"],
        "how": c["how"], "late_days": c["late_days"], "late_txt": num_text(c["late_days"]),
        "grace": c["grace"], "grace_txt": str(c["grace"]),
        "a_date": date_text(rd["a_date"]), "t_date": date_text(rd["t_deadline"]),
        "steps": c["steps"], "steps_txt": num_text(c["steps"]),
        "a_grade": rd["a_grade"], "t_grade": rd["t_grade"], "actual": c["actual_txt"],
        "deducted": c["deducted"], "ratio_txt": num_text(np.round(c["ratio"], 2)),
        "deduction_txt": format_fixed(c["deduction"], digits),
        "has_ci": c["has_ci"], "ci_level": f"{profile.survey.confidence * 100:g}%",
        "ci_lo": format_fixed(c["ci_low"], 1), "ci_hi": format_fixed(c["ci_high"], 1),
    }
    return build(ctx, np.arange(n))


# --- aggregate.py ------------------------------------------------------------------------


def department_totals(projects: pd.DataFrame, ind: pd.DataFrame, profile: Profile) -> dict:
    """部门整体: budget-weighted mean of project totals, execution and counts."""
    digits = profile.rounding.digits
    budget = projects["budget"].to_numpy(dtype=float)
    executed = projects["executed"].to_numpy(dtype=float)
    total = projects["total"].to_numpy(dtype=float)
    has_total = ~np.isnan(total)
    use_budget = profile.department.weighting == "budget"
    weights = np.where(has_total & (budget > 0), budget, 0.0) if use_budget else has_total.astype(float)
    note = ""
    if use_budget and weights.sum() == 0 and has_total.any():
        weights = has_total.astype(float)
        note = "各项目均无预算数，部门总分按简单平均计算"
    dept_total = float(np.sum(np.nan_to_num(total) * weights) / weights.sum()) if weights.sum() > 0 else float("nan")
    dept_total = float(from_quanta(to_quanta([dept_total], digits, profile.rounding.mode), digits)[0])
    b_sum = float(np.nansum(budget)) if (~np.isnan(budget)).any() else float("nan")
    e_sum = float(np.nansum(executed)) if (~np.isnan(executed)).any() else float("nan")
    rate = e_sum / b_sum if b_sum and not np.isnan(b_sum) and not np.isnan(e_sum) else float("nan")
    status = ind["status"].to_numpy(dtype=object)
    return {
        "budget": _clean(b_sum),
        "executed": _clean(e_sum),
        "exec_rate": _clean(round(rate, 6) if not np.isnan(rate) else rate),
        "total": _clean(dept_total),
        "grade": profile.grade_of(dept_total),
        "weighting": "budget" if use_budget and not note else "equal",
        "note": note,
        "projects": int(len(projects)),
        "incomplete_projects": int(projects["incomplete"].sum()) if len(projects) else 0,
        "indicators": int(len(ind)),
        "scored": int((status == SCORED).sum()),
        "not_applicable": int((status == NOT_APPLICABLE).sum()),
        "needs_review": int((status == NEEDS_REVIEW).sum()),
        "missed": int(projects["missed"].sum()) if len(projects) else 0,
        "grades": {g: int((projects["grade"] == g).sum()) for g in profile.grades},
    }
