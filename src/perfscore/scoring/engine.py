"""The scoring engine: Targets (with actuals attached) + profile → Evaluation.

The work is column-wise over every indicator of every project at once:

1. flatten the model into one frame (one row per indicator, in input order);
2. read each distinct target and actual string once (``parsing``);
3. weights from the profile or the table (``weights``);
4. decide per row, with numpy masks, whether it can be scored and by which rule,
   and compute the share of the weight earned (``rules``); round half up;
5. the arithmetic text (``text``), then project, department and monitoring
   tables (``aggregate``).

How a row that needs review affects the total (profile ``needs_review.mode``,
default ``zero``): it earns nothing, but its weight stays in the denominator, so it
counts as 0 until a reviewer fills in what is missing, and its project is flagged
``incomplete`` (未完成评分). ``exclude`` drops it like a not-applicable row instead.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfscore import __version__
from perfscore.errors import UsageError
from perfscore.frame import flatten, indicator_frame  # noqa: F401  (flatten: re-exported)
from perfscore.model import Finding, Targets
from perfscore.scoring import lenient as L_
from perfscore.scoring import rules as R_
from perfscore.scoring import text as T_
from perfscore.scoring.evaluation import (
    INDICATOR_COLUMNS,
    INDICATOR_EXTRA_COLUMNS,
    NEEDS_REVIEW,
    NOT_APPLICABLE,
    RESULTS_SCHEMA,
    SCORED,
    Evaluation,
)
from perfscore.scoring import weights as W_
from perfscore.scoring.aggregate import department_columns, department_totals, monitoring_table, project_table
from perfscore.scoring.numeric import div_quanta, format_fixed, from_quanta, split_quanta, to_quanta
from perfscore.scoring.parsing import Labels, Readings
from perfscore.scoring.profile import TIER_NAMES, Profile, load_profile
from perfscore.scoring.survey import proportion_ci

EXTRA_INDICATOR_COLUMNS = INDICATOR_EXTRA_COLUMNS  # re-exported under its first name


# --- inputs ------------------------------------------------------------------------------


def resolve_as_of(as_of: str | _dt.date | None, year: int | None) -> _dt.date:
    """The evaluation date: --as-of, else SOURCE_DATE_EPOCH, else 31 Dec of the targets' year.

    Never the clock: the same inputs give the same outputs.
    """
    if isinstance(as_of, _dt.date):
        return as_of
    if as_of:
        try:
            return _dt.date.fromisoformat(str(as_of).strip())
        except ValueError:
            raise UsageError(f"评价日期「{as_of}」不是 YYYY-MM-DD 格式的日期") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc).date()
        except ValueError:
            raise UsageError(f"环境变量 SOURCE_DATE_EPOCH 的值「{epoch}」不是整数秒") from None
    if year:
        return _dt.date(int(year), 12, 31)
    raise UsageError("无法确定评价日期：目标没有预算年度", hint="请用 --as-of YYYY-MM-DD 指定评价日期。")


# --- row scoring ---------------------------------------------------------------------------


@dataclass
class Scored:
    """Per-row results of :func:`score_rows` (arrays aligned with the frame)."""

    status: np.ndarray
    rule: np.ndarray
    score_q: np.ndarray      # quanta, NaN unless scored
    weight_q: np.ndarray
    flags: np.ndarray        # ';'-joined
    review_reason: np.ndarray
    arithmetic: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    findings: list[Finding]


def _fam(dim: str) -> str:
    # % and ‰ are one family (ratio); the grammar converts between them.
    return "ratio" if dim in ("percent", "permille") else dim


def _pairwise(x: np.ndarray, y: np.ndarray, test) -> np.ndarray:
    """``test(x[i], y[i])`` per row, called once per distinct (x, y) pair (units, dimensions:
    a handful of pairs over many rows)."""
    xc, xu = pd.factorize(x, use_na_sentinel=False)
    yc, yu = pd.factorize(y, use_na_sentinel=False)
    pair, first = np.unique(xc * len(yu) + yc, return_index=True) if len(xc) else (np.zeros(0, int), [])
    table = np.zeros(len(xu) * len(yu), dtype=bool)
    table[pair] = [bool(test(xu[xc[i]], yu[yc[i]])) for i in first]
    return table[xc * len(yu) + yc]


def score_rows(frame: pd.DataFrame, rd: Readings, weight_q: np.ndarray, profile: Profile,
               as_of: _dt.date, *, block_known: np.ndarray | None = None) -> Scored:
    """Score every row at once: decide (with masks, in a fixed order) which rows are not
    applicable or need review and why, pick each remaining row's rule, compute the share of
    the weight earned, validate explicit 得分, round half up, and write flags and arithmetic.
    ``block_known`` False marks rows whose 一级 the profile has no weight for."""
    n = len(frame)
    digits = profile.rounding.digits
    kind = Labels(rd["t_kind"])
    ak = Labels(rd["a_kind"])
    op = Labels(rd["t_op"])
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
            why[m] = T_.join_rows(*[p[m] if isinstance(p, np.ndarray) else p for p in parts]) \
                if len(parts) > 1 else parts[0]
            decided[m] = True

    # The rule each row falls under (also shown for rows that end up needing review).
    rule = np.full(n, "", dtype=object)
    comp = kind == "comparison"
    rule[comp & op.isin([">=", ">"])] = "ge"
    rule[comp & op.isin(["<=", "<"])] = f"le-{profile.rules.le}"
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
    quant = kind.isin(["comparison", "range", "frequency"])
    review(quant & ~ak.isin(["number", "survey"]),
           "定量指标的实际完成值「", actual_txt, "」不是数值，请填写实际完成的数量或比例")
    t_dim, a_dim = rd["t_dim"], rd["a_dim"]
    review(quant & _pairwise(t_dim, a_dim, lambda t, a: t != "" and a != "" and _fam(t) != _fam(a)),
           "实际完成值的单位（", rd["a_unit"], "）与指标值的单位（", rd["t_unit"], "）不可比")
    review(quant & _pairwise(rd["a_per"], rd["t_per"], lambda a, t: a != "" and t != "" and a != t),
           "实际完成值按「/", rd["a_per"], "」计，指标值按「/", rd["t_per"], "」计，不可比")
    review(quant & np.isnan(A), "实际完成值没有可比较的数值")
    review(comp & (op == ""), "指标值没有比较方向（≥、≤、=）")
    review(comp & np.isnan(T), "指标值没有数值")
    review((kind == "frequency") & np.isnan(T), "指标值没有次数")
    review((kind == "range") & (np.isnan(low) | np.isnan(high)), "指标值的区间不完整")

    rule_l = Labels(rule)  # final from here on
    # Proportional credit (A/T, T/A, the straight line) needs a positive base: a missed
    # target of 0 or below (≥-5 with -8, ≤-2 with -1) has no meaningful ratio. Never guess.
    with np.errstate(invalid="ignore"):
        ge_like = rule_l.isin(["ge", "eq-ge", "frequency"])
        le_like = rule_l.isin(["le-ratio", "le-linear"])
        no_base = ge_like & (T <= 0) & (A < T) & ~((op == ">") & (T == 0))
        no_base |= le_like & (A > T) & ((A <= 0) if profile.rules.le == "ratio" else (T <= 0))
        no_base |= (rule_l == "range") & (((A < low) & (low <= 0)) | ((A > high) & (A <= 0)))
    review(no_base, "指标值为0或负数，未达到时无法按比例计分，请人工评定得分")

    dl = kind == "deadline"
    review(dl & ~ak.isin(["date", "completion", "tier"]),
           "时效指标的实际完成值应为完成日期或完成情况（如 按时完成、延期完成、未完成）")
    t_dead = rd["t_deadline"]
    a_date = rd["a_date"]
    review(dl & (ak == "date") & np.isnat(t_dead),
           "指标值没有具体截止日期，无法与完成日期比较；请填写完成情况（按时完成、延期完成或未完成）")
    gr = kind == "grade"
    review(gr & ~ak.isin(["grade", "tier"]), "等级指标的实际完成值应为等级（如 优、良、中、差）或达成情况")
    review(gr & (ak == "grade") & ~(rd["a_grade_idx"] >= 0),
           "实际等级「", rd["a_grade"], "」不在指标值的等级序列（", rd["t_ladder"], "）中")
    review(gr & (ak == "grade") & np.isnan(rd["t_grade_idx"]), "指标值的等级无法定位")
    ach = kind == "achievement"
    review(ach & ~ak.isin(["tier", "completion"]),
           "定性指标的实际完成值应为达成情况（达成、部分达成、未达成）或完成情况")
    review(~kind.isin(["comparison", "range", "frequency", "deadline", "grade", "achievement",
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
    ge_rows = live & ge_like
    share[ge_rows] = R_.ge_share(A[ge_rows], T[ge_rows], strict=(op == ">")[ge_rows])
    le_rows = live & le_like
    share[le_rows] = R_.le_share(A[le_rows], T[le_rows], method=profile.rules.le)
    eq_rows = live & (rule_l == "eq-deviation")
    share[eq_rows] = R_.eq_share(A[eq_rows], T[eq_rows])
    rng_rows = live & (rule_l == "range")
    share[rng_rows] = R_.range_share(A[rng_rows], low[rng_rows], high[rng_rows])
    # 预算执行率 as a row of the indicator table (no separate budget block, or the evaluation
    # template): the execution rule of the profile on the rate, whatever target is printed.
    ex = profile.execution
    exec_rows = (live & (ge_rows | eq_rows) & (rd["a_dim"] == "percent")
                 & np.isin(np.array([_norm_name(x) for x in frame["level3"].to_numpy(dtype=object)], dtype=object),
                           [_norm_name(x) for x in ex.indicator_names]))
    if exec_rows.any():
        T = np.where(exec_rows, 100.0, T)
        share[exec_rows] = R_.execution_share(A[exec_rows] / 100, ex.method, ex.bands, ex.penalty_per_point,
                                              w[exec_rows], ex.whole_points)
        ge_rows = ge_rows & ~exec_rows
        eq_rows = eq_rows & ~exec_rows
        rule[exec_rows] = "execution"
    quant_live = ge_rows | le_rows | eq_rows | rng_rows | exec_rows
    met = np.zeros(n, dtype=bool)
    met[quant_live] = share[quant_live] >= 1.0

    ratio = np.full(n, np.nan)
    over_rows = ge_rows | le_rows
    ratio[over_rows] = R_.overshoot_ratio(A[over_rows], T[over_rows], le_rows[over_rows])
    with np.errstate(invalid="ignore"):
        overshoot = over_rows & (ratio >= profile.overshoot.threshold)
    flags["overshoot"] = overshoot
    deduction = np.zeros(n)
    if profile.overshoot.deduct and profile.overshoot.deduct_points > 0:
        # A fixed number of points off (some provinces: 2 points at 30 % over), never below 0.
        with np.errstate(divide="ignore", invalid="ignore"):
            deduction[overshoot] = np.minimum(share[overshoot], profile.overshoot.deduct_points / w[overshoot])
        share = np.where(overshoot, share - deduction, share)
        flags["overshoot_deducted"] = overshoot & (deduction > 0)
    elif profile.overshoot.deduct:
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
    by_tier = live & kind.isin(["deadline", "grade", "achievement"]) & (ak == "tier")
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
    # The tier's score range, shown only where a unit's own 得分 is checked against it.
    lo_txt = np.full(n, "", dtype=object)
    hi_txt = np.full(n, "", dtype=object)
    if st.any():
        t_st = np.clip(tier[st], 0, 2)
        lo_txt[st] = format_fixed(from_quanta(to_quanta(w[st] * lows[t_st], digits), digits), digits)
        hi_txt[st] = format_fixed(from_quanta(to_quanta(w[st] * highs[t_st], digits), digits), digits)
    tier_name = T_.tier_name_array(tier)
    outside = st & ~in_tier
    if bad_number.any() or outside.any():
        # Columns read once: a cell lookup per finding through the frame costs more than the finding.
        f_code = frame["project_code"].to_numpy(dtype=object)
        f_id = frame["indicator_id"].to_numpy(dtype=object)
        f_l3 = frame["level3"].to_numpy(dtype=object)
        for i in np.flatnonzero(bad_number):
            findings.append(Finding(check="score-unreadable", severity="error",
                                    project_code=f_code[i], indicator_id=f_id[i],
                                    message=f"填报得分「{score_obj[i]}」不是数字"))
        for i in np.flatnonzero(outside):
            findings.append(Finding(
                check="score-outside-tier", severity="error", project_code=f_code[i], indicator_id=f_id[i],
                message=(f"「{f_l3[i]}」填报得分 {score_obj[i]} 不在「{tier_name[i]}」档"
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
        flags["survey_ci_below_target"] = has_ci & scored & rule_l.isin(["ge", "eq-ge"]) & (ci_low < T)

    for name in L_.FLAGS:  # the joint readings of scoring/lenient.py, on rows scored by them
        if L_.FLAG_PREFIX + name in rd.cols:
            flags[name] = rd.cols[L_.FLAG_PREFIX + name] & scored
    flag_text = _join_flags(flags, n)
    arith = _arithmetic(rd, dict(
        rule=rule, status=status, scored=scored, met=met, weight_q=weight_q, score_q=score_q,
        A=A, T=T, low=low, high=high, tier=tier, how=how,
        late_days=late_days, steps=steps, self_used=self_used, tier_lo=lo_txt, tier_hi=hi_txt,
        ratio=ratio, deduction=deduction * w, deducted=deducted, ci_low=ci_low, ci_high=ci_high,
        has_ci=has_ci, actual=actual_txt), profile, points, dlp.grace_days)
    return Scored(status=status, rule=rule, score_q=score_q, weight_q=weight_q, flags=flag_text,
                  review_reason=why, arithmetic=arith, ci_low=np.round(ci_low, 2), ci_high=np.round(ci_high, 2),
                  findings=findings)


def _norm_name(text: object) -> str:
    return "".join(str(text).split())


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
    """The ';'-joined names of each row's flags (in ``flags`` order): each row's set of flags
    as a bit mask, and the text made once per distinct mask."""
    names = [name for name, mask in flags.items() if mask.any()]
    bits = np.zeros(n, dtype=np.int64)
    for b, name in enumerate(names):
        bits |= flags[name].astype(np.int64) << b
    codes, uniq = pd.factorize(bits)
    texts = np.array([";".join(name for b, name in enumerate(names) if u >> b & 1) for u in uniq] + [""],
                     dtype=object)
    return texts[codes]


# The reading columns the arithmetic text shows.
_ARITH_READINGS = ("t_unit", "t_dim", "t_per", "a_n", "a_date", "t_deadline", "a_grade", "t_grade")


def _arithmetic(rd: Readings, c: dict, profile: Profile, points: np.ndarray, grace: int) -> np.ndarray:
    """The arithmetic text of every row that shows one (scored, not applicable, or a
    deduction); built once per distinct (target, actual, weight, score, status, self score
    used) among them and spread. Rows needing review show none. ``c`` holds per-row arrays;
    ``points`` the share of each tier (达成, 部分达成, 未达成)."""
    n = len(c["rule"])
    out = np.full(n, "", dtype=object)
    rows = np.flatnonzero(c["scored"] | (c["status"] == NOT_APPLICABLE) | (c["rule"] == "na-full")
                          | c["deducted"])
    if not len(rows):
        return out
    key, first = _distinct(rows, rd["t_code"], rd["a_code"], c["weight_q"], c["score_q"],
                           c["status"] == SCORED, c["status"] == NOT_APPLICABLE, c["self_used"])
    pick = rows[first]
    sub = {k: v[pick] for k, v in c.items()}
    sub.update({k: rd[k][pick] for k in _ARITH_READINGS})
    texts = T_.build(sub, profile.rounding.digits, f"{profile.survey.confidence * 100:g}%", points, grace)
    out[rows] = texts[key]
    return out


def _distinct(rows: np.ndarray, *columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..k-1 of the distinct combinations of ``columns`` over ``rows`` (in order of
    first appearance) and the position in ``rows`` where each first appears."""
    key = np.zeros(len(rows), dtype=np.int64)
    for col in columns:
        # One column at a time, re-factorized, so the combined integer stays small.
        codes, uniq = pd.factorize(col[rows], use_na_sentinel=False)
        key, _ = pd.factorize(key * (len(uniq) + 1) + codes)
    key = np.asarray(key, dtype=np.int64)
    # Codes are numbered in order of first appearance: the first rows come in code order.
    first = np.flatnonzero(~pd.Series(key).duplicated().to_numpy())
    return key, first


# --- the indicator table -------------------------------------------------------------------


def indicator_table(frame: pd.DataFrame, rd: Readings, sc: Scored, block: np.ndarray,
                    digits: int) -> pd.DataFrame:
    out = pd.DataFrame({
        "unit_code": frame["unit_code"].to_numpy(dtype=object),
        "unit_name": frame["unit_name"].to_numpy(dtype=object),
        "project_code": frame["project_code"].to_numpy(dtype=object),
        "project_name": frame["project_name"].to_numpy(dtype=object),
        "indicator_id": frame["indicator_id"].to_numpy(dtype=object),
        "level1": frame["level1"].to_numpy(dtype=object),
        "level2": frame["level2"].to_numpy(dtype=object),
        "level3": frame["level3"].to_numpy(dtype=object),
        "target": frame["target"].to_numpy(dtype=object),
        "target_kind": rd["t_kind"],
        "target_canonical": rd["t_canonical"],
        "inferred": rd["t_inferred"],
        "actual": frame["actual"].fillna("").to_numpy(dtype=object),
        "actual_reading": rd["a_reading"],
        "weight": from_quanta(sc.weight_q, digits),
        "score": from_quanta(sc.score_q, digits),
        "status": sc.status,
        "rule": sc.rule,
        "arithmetic": sc.arithmetic,
        "flags": sc.flags,
        "review_reason": sc.review_reason,
        "reason": frame["reason"].to_numpy(dtype=object),
        "evidence": frame["evidence"].to_numpy(dtype=object),
        "block": block,
        "self_score": frame["score_text"].fillna("").to_numpy(dtype=object),
        "ci_low": sc.ci_low,
        "ci_high": sc.ci_high,
    })
    return out[INDICATOR_COLUMNS + EXTRA_INDICATOR_COLUMNS]


# --- the whole year ----------------------------------------------------------------------


def _department_goals(targets: Targets, profile: Profile, as_of: _dt.date, dept: dict) -> tuple[dict | None, list[Finding]]:
    """Score the 部门整体 goals' indicators as their own table when any actual was given:
    execution (department weight, Σ执行数/Σ预算数) + indicators (equal split, or the table's 分值)."""
    goals = targets.department_goals
    if goals is None:
        return None, []
    pairs = [("总体绩效目标", ind) for ind in goals.overall_indicators]
    pairs += [(sg.title, ind) for sg in goals.subgoals for ind in sg.indicators]
    if not pairs or not any((ind.actual or "").strip() for _, ind in pairs):
        return None, []
    digits = profile.rounding.digits
    frame = indicator_frame(np.zeros(len(pairs), dtype=np.int64), [ind for _, ind in pairs], p_unit_code=[targets.unit.code or ""],
                            p_unit_name=[targets.unit.name or ""], p_code=[""], p_name=["部门整体"])
    w_table = frame["weight_table"].to_numpy(dtype=float)
    n = len(frame)
    if not np.isnan(w_table).any():
        weight_q = to_quanta(w_table, digits)
    else:
        total_q = np.full(n, float(to_quanta([profile.department.indicator_weight], digits)[0]))
        weight_q = split_quanta(total_q, np.arange(n), np.full(n, n))
    rd = L_.read_with_lenient(frame, targets.year)
    sc = score_rows(frame, rd, weight_q, profile, as_of)
    table = indicator_table(frame, rd, sc, np.array([""] * n, dtype=object), digits)
    table.insert(0, "subgoal", [title for title, _ in pairs])
    scored = sc.status == SCORED
    nr = sc.status == NEEDS_REVIEW
    rate = dept.get("exec_rate")
    exec_w_q = float(to_quanta([profile.department.execution_weight], digits)[0])
    exec_ok = rate is not None
    exec_q = float(to_quanta([min(rate, 1.0) * profile.department.execution_weight], digits,
                             profile.rounding.mode)[0]) if exec_ok else 0.0
    raw_q = exec_q + np.nansum(sc.score_q[scored])
    app_q = np.nansum(weight_q[scored]) + (exec_w_q if exec_ok or profile.needs_review.mode == "zero" else 0)
    if profile.needs_review.mode == "zero":
        app_q += np.nansum(weight_q[nr])

    total_q = div_quanta(np.array([raw_q * round(profile.total * 10 ** digits)]), np.array([app_q]))[0]
    total = float(from_quanta([total_q], digits)[0])
    cols = ["subgoal", "indicator_id", "level1", "level2", "level3", "target", "target_kind",
            "target_canonical", "actual", "actual_reading", "weight", "score", "status", "rule",
            "arithmetic", "flags", "review_reason", "reason", "evidence"]
    records = table[cols].astype(object).where(table[cols].notna(), None).to_dict(orient="records")
    result = {
        "exec_weight": profile.department.execution_weight,
        "exec_score": float(from_quanta([exec_q], digits)[0]) if exec_ok else None,
        "raw_total": float(from_quanta([raw_q], digits)[0]),
        "applicable_weight": float(from_quanta([app_q], digits)[0]),
        "total": None if np.isnan(total) else total,
        "grade": profile.grade_of(total),
        "incomplete": bool(nr.any() or not exec_ok),
        "indicators": records,
    }
    return result, sc.findings


def _apply_given(frame: pd.DataFrame, sc: Scored, given: dict[tuple[str, str, str], float], digits: int) -> None:
    """A reviewer's 复核得分 replaces the engine's reading of its row (``review --merge``):
    the row counts as scored at the given points, and every total is then the engine's own."""
    keys = zip(frame["unit_code"].astype(str), frame["project_code"].astype(str), frame["indicator_id"].astype(str))
    for i, key in enumerate(keys):
        points = given.get(key)
        if points is None:
            continue
        q = float(to_quanta([points], digits)[0])
        if sc.status[i] == SCORED and sc.score_q[i] == q:
            continue   # the engine took it (a tier score) or the formula agrees
        sc.score_q[i], sc.status[i] = q, SCORED
        sc.review_reason[i] = ""
        given_text, weight_text = format_fixed(from_quanta([q, sc.weight_q[i]], digits), digits)
        sc.arithmetic[i] = f"复核得分 {given_text} / {weight_text}（复核人直接给分）"


def score(targets: Targets, profile: Profile | str | None = None, *,
          as_of: str | _dt.date | None = None,
          frames: tuple[pd.DataFrame, pd.DataFrame] | None = None,
          given_scores: dict[tuple[str, str, str], float] | None = None) -> Evaluation:
    """Score a year: every indicator of every project, the projects and the department.

    ``targets`` carries the actuals (Indicator.actual / score / reason / evidence and
    Project.budget_full_year / executed / spent); ``profile`` is a Profile, a profile
    name (``weights/<name>.toml``) or a path; None is the default (mof-2020).
    The findings are the Targets' stored ones, then the engine's own (weights, readings,
    tiers) as raised; the checks (``perfscore.checks``) are the application's to add
    (:func:`perfscore.app.score.evaluate`).
    ``frames``: what :func:`~perfscore.frame.flatten` gives for ``targets``, when
    the caller already has it (the batch builds it from the long table's columns).
    ``given_scores`` ((单位编码, 项目编码, 指标ID) → points): scores a reviewer gave directly;
    they replace the engine's reading of those rows before any total is made.
    """
    prof = load_profile(profile)
    day = resolve_as_of(as_of, targets.year)
    digits = prof.rounding.digits
    findings: list[Finding] = list(targets.findings)
    frame, pframe = frames if frames is not None else flatten(targets)
    codes = pframe["project_code"].tolist()
    weights = W_.assign(frame, prof, project_codes=codes)
    rd = L_.read_with_lenient(frame, targets.year)
    sc = score_rows(frame, rd, weights.quanta, prof, day, block_known=~np.isnan(weights.quanta))
    if given_scores:
        _apply_given(frame, sc, given_scores, digits)
    ind = indicator_table(frame, rd, sc, weights.block, digits)
    gap_projects = {f.project_code for f in weights.findings if f.check == "weights-gap"}
    projects = project_table(pframe, ind.assign(p_idx=frame["p_idx"].to_numpy()), sc.weight_q, sc.score_q,
                             weights.blocks, weights.missing_blocks, weights.table_projects, gap_projects, prof)
    department = department_totals(department_columns(projects, ind), prof)
    goals, goal_findings = _department_goals(targets, prof, day, department)
    if goals is not None:
        department["goals"] = goals
    monitoring = monitoring_table(targets, projects["budget"].to_numpy(dtype=float), prof)
    findings += weights.findings + sc.findings + goal_findings

    meta = {
        "schema": RESULTS_SCHEMA,
        "generator": f"perfscore {__version__}",
        "year": targets.year,
        "as_of": day.isoformat(),
        "profile": prof.name,
        "profile_description": prof.description,
        "needs_review_policy": prof.needs_review.mode,
        "digits": digits,
        "unit_code": targets.unit.code,
        "unit_name": targets.unit.name,
        "sources": dict(sorted(targets.source.items())),
    }
    return Evaluation(meta=meta, indicators=ind, projects=projects, blocks=list(weights.blocks),
                      department=department, monitoring=monitoring, findings=findings)
