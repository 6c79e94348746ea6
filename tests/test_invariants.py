"""Invariants as properties (issue 9, item 5), checked with hypothesis on random valid inputs.

- the engine: indicators out = indicators in (same ids, same order), every row has a
  status, a scored row's score lies in [0, 分值] and other rows carry none, every project
  and the department total lie in [0, 100];
- the long-table reader: every data row becomes exactly one indicator whatever the
  encoding (UTF-8, UTF-8 with BOM, GB18030) and line ends, names and targets kept.
"""

from __future__ import annotations

import csv
import io
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfscore.app.extract import extract
from perfscore.model import Funds, Indicator, Project, Targets, Unit
from perfscore.app.score import evaluate
from perfscore.scoring.evaluation import NEEDS_REVIEW, NOT_APPLICABLE, SCORED
from perfscore.scoring.profile import list_profiles, load_profile

PROFILES = {name: load_profile(name) for name in list_profiles()}

LEVELS = [
    ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("产出指标", "成本指标"),
    ("效益指标", "社会效益指标"), ("效益指标", "经济效益指标"), ("效益指标", "可持续影响指标"),
    ("满意度指标", "服务对象满意度指标"),
]
UNITS = ["个", "次", "人", "户", "%", "元", "万元", "元/月", "件", ""]
OPS = ["≥", "≤", "=", ">", "<", "不少于", "不超过", ""]

numbers = st.one_of(
    st.integers(min_value=0, max_value=100_000).map(str),
    st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False).map(str),
)
targets_text = st.one_of(
    st.builds(lambda op, n, u: f"{op}{n}{u}", st.sampled_from(OPS), numbers, st.sampled_from(UNITS)),
    st.builds(lambda a, b, u: f"{a}-{a + b}{u}", st.integers(0, 100), st.integers(1, 50), st.sampled_from(UNITS)),
    st.sampled_from(["2023年底前完成", "2023年12月31日前完成", "6月底前", "上半年", "及时", "每季度1次", "每月2次",
                     "每年至少1次", "优", "良", "好", "较好", "达成预期指标", "效果明显", "合规", "有效提升",
                     "不适用", "无", "—", "??", "见附件", "0", "-5%", "=0"]),
)
actuals_text = st.one_of(
    st.none(),
    st.builds(lambda n, u: f"{n}{u}", numbers, st.sampled_from(UNITS)),
    st.sampled_from(["按时完成", "延期完成", "未完成", "达成", "部分达成", "未达成", "优", "良", "中", "差",
                     "2023-11-30", "2024-03-01", "2023-02-30", "2023年11月", "600余人", "不适用", "完成", "NaN",
                     "inf", "-3", "满意96人/共100人", "=1+1", "  ", "暂无"]),
)
money = st.one_of(st.none(), st.floats(min_value=0, max_value=1e8, allow_nan=False, allow_infinity=False))


@st.composite
def projects(draw, index: int, explicit_weights: bool) -> Project:
    count = draw(st.integers(min_value=1, max_value=8))
    explicit = explicit_weights or draw(st.booleans())
    indicators = []
    for i in range(count):
        level1, level2 = draw(st.sampled_from(LEVELS))
        indicators.append(Indicator(
            id=f"P{index:03d}-{i + 1:02d}", level1=level1, level2=level2,
            level3=draw(st.sampled_from(["数量", "合格率", "完成时间", "人均成本", "知晓率", "满意度"])) + str(i),
            target=draw(targets_text),
            weight=draw(st.floats(min_value=0, max_value=40, allow_nan=False)) if explicit else None,
            actual=draw(actuals_text),
            score=draw(st.one_of(st.none(), st.sampled_from(["9.5", "0", "100"]))),
        ))
    return Project(code=f"P{index:03d}", name=f"项目{index}", funds=Funds(total=draw(money)),
                   budget_full_year=draw(money), executed=draw(money), indicators=indicators)


@st.composite
def targets_and_profile(draw) -> tuple[Targets, str]:
    name = draw(st.sampled_from(sorted(PROFILES)))
    # A profile that splits by the table's 分值 (sichuan) needs them: a valid input has them.
    explicit = PROFILES[name].split.method == "explicit"
    n = draw(st.integers(min_value=1, max_value=4))
    return Targets(year=2023, unit=Unit(code="435001", name="测试单位"),
                   projects=[draw(projects(i, explicit)) for i in range(1, n + 1)]), name


def _in_0_100(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or 0 <= float(value) <= 100 + 1e-9


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(targets_and_profile())
def test_engine_invariants(case):
    t, profile_name = case
    ev = evaluate(t, PROFILES[profile_name], as_of="2023-12-31")
    ids_in = [i.id for p in t.projects for i in p.indicators]
    ind = ev.indicators

    # Indicators out = indicators in: none dropped, none invented, input order kept.
    assert ind["indicator_id"].tolist() == ids_in
    assert len(ev.projects) == len(t.projects)
    assert ev.projects["indicators"].sum() == len(ids_in)

    # Every row has a status; a score only where scored, and within [0, 分值].
    assert set(ind["status"]) <= {SCORED, NOT_APPLICABLE, NEEDS_REVIEW}
    for row in ind.itertuples(index=False):
        if row.status == SCORED:
            assert 0 <= row.score <= row.weight + 1e-9, row
        else:
            assert math.isnan(row.score), row
            assert row.review_reason, row

    # Totals within [0, 100].
    for total in ev.projects["total"].tolist():
        assert _in_0_100(total), ev.projects
    assert _in_0_100(ev.department.get("total")), ev.department
    assert int(ev.projects["needs_review"].sum()) == int((ind["status"] == NEEDS_REVIEW).sum())


cell_text = st.text(alphabet=st.sampled_from(list("宣传品数量合格率完成时间满意度ABCxyz0123456789≥≤%个次元/（）() -·，,\"'")),
                    min_size=1, max_size=30).map(str.strip).filter(bool)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["P001", "P002", "13020823P000182100017"]), st.sampled_from(LEVELS),
                          cell_text, cell_text), min_size=1, max_size=30),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]), st.sampled_from(["\n", "\r\n"]))
def test_long_table_reader_keeps_every_row(tmp_path_factory, rows, encoding, newline):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow(["项目编码", "项目名称", "一级指标", "二级指标", "三级指标", "年度指标值", "年度"])
    for code, (level1, level2), level3, target in rows:
        writer.writerow([code, f"项目{code[-3:]}", level1, level2, level3, target, "2023"])
    path = tmp_path_factory.mktemp("lt") / "table.csv"
    path.write_bytes(buf.getvalue().encode(encoding))

    t = extract(path, checks=False)

    got = [(p.code, i.level1, i.level2, i.level3, i.target) for p in t.projects for i in p.indicators]
    want = [(code, l1, l2, l3, target) for code, (l1, l2), l3, target in rows]
    assert sorted(got) == sorted(want)  # grouped by project, each row once
    assert t.indicator_count() == len(rows)
