"""The printed words the target interpreter recognises, defined once.

Every published 绩效目标表 says the same things in its own words: 指标值, 年度指标值 and
当年预期实现值 all head the annual target; 项目名称, 项目支出名称 and 预算项目 all label the
project's name. Labels are compared after :func:`label_key` (NFKC, no spaces, simplified
characters, a trailing colon or a bracketed unit such as ``（万元）`` dropped), so ``年度资金总额（万元）：``
and ``年度資金總額`` are the same label.
"""

from __future__ import annotations

import re
from functools import lru_cache

from perfscore.readers.common import norm_label
from perfscore.values.simplified import to_simplified

# Indicator-table headers → the column's role.
#   target       the annual target (指标值 …)
#   target_long  the 长期/实施期 target printed beside the annual one
#   sign/value/unit  a target printed in three columns (指标性质 ≥ | 指标值 95 | 度量单位 %)
#   grade:<优|良|中|差>  a tiered target, one column per grade
INDICATOR_HEADERS: dict[str, str] = {
    **dict.fromkeys(("一级指标", "一级指标名称", "一级"), "level1"),
    **dict.fromkeys(("二级指标", "二级指标名称", "二级"), "level2"),
    **dict.fromkeys(("三级指标", "三级指标名称", "三级", "指标名称", "绩效指标名称", "指标内容",
                     "具体指标", "绩效指标内容", "指标"), "level3"),
    **dict.fromkeys(("指标值", "年度指标值", "目标值", "指标值及单位", "年度目标值", "预期目标值",
                     "绩效指标值", "当年预期实现值", "预期实现值", "年度绩效指标值", "指标目标值",
                     "全年指标值", "年度指标值及单位", "绩效目标值", "本年度指标值", "年度预期指标值",
                     "预期指标值", "指标值(年度)"), "target"),
    **dict.fromkeys(("长期指标值", "实施期指标值", "中期指标值", "长期目标值", "实施期目标值",
                     "中长期指标值", "项目实施期指标值"), "target_long"),
    **dict.fromkeys(("指标性质", "指标符号", "比较符号", "运算符号", "计算符号", "符号"), "sign"),
    **dict.fromkeys(("度量单位", "计量单位", "单位", "指标单位", "指标值单位", "度量单位/计量单位"), "unit"),
    **dict.fromkeys(("指标方向", "指标方向性", "方向"), "direction"),
    **dict.fromkeys(("绩效标准", "评价标准", "指标标准", "评分标准", "考核标准", "指标值确定依据",
                     "确定依据", "指标值设定依据", "目标值确定依据", "指标设定依据", "计分方法",
                     "评(扣)分标准", "评分规则"), "basis"),
    **dict.fromkeys(("分值", "权重", "分值(分)", "指标分值", "权重(%)", "指标权重", "分数", "标准分值"), "weight"),
    **dict.fromkeys(("绩效指标描述", "指标描述", "指标解释", "指标说明", "指标内涵", "指标解释说明"), "description"),
    **{g: f"grade:{g}" for g in ("优", "良", "中", "差")},
    **{"优秀": "grade:优", "良好": "grade:良", "合格": "grade:中", "一般": "grade:中", "较差": "grade:差",
       "不合格": "grade:差"},
}

# Words heading the whole indicator block above its sub-headers (``绩效指标`` over
# 一级/二级/三级), recognised so the row above the sub-headers counts as header.
GROUP_HEADERS = frozenset({"绩效指标", "指标", "年度绩效指标", "绩效指标体系", "实施期绩效指标", "年度指标",
                           "评分标准", "指标值"})

# Titles over an indicator table that say whose targets it holds: a project may print a
# 长期 (实施期) table and a 年度 table one after the other; the annual one holds the targets.
LONG_TERM_TABLES = frozenset({"长期绩效指标", "实施期绩效指标", "中长期绩效指标", "长期指标", "实施期指标",
                              "项目实施期绩效指标", "长期绩效目标"})
ANNUAL_TABLES = frozenset({"年度绩效指标", "年度指标", "当年绩效指标", "本年度绩效指标"})

# Project fields printed as ``label | value`` (or ``label：value`` in one cell).
PROJECT_LABELS: dict[str, str] = {
    **dict.fromkeys(("项目编码", "项目代码", "项目编号"), "code"),
    **dict.fromkeys(("项目名称", "项目支出名称", "预算项目", "预算项目名称", "二级项目名称", "项目(名称)",
                     "专项名称", "专项资金名称", "资金名称", "项目名"), "name"),
    **dict.fromkeys(("主管部门", "预算部门", "主管部门及代码", "部门名称", "部门(单位)名称", "部门(单位)",
                     "单位名称", "主管单位", "预算单位名称"), "department"),
    **dict.fromkeys(("实施单位", "项目实施单位", "预算单位", "执行单位", "申报单位"), "agency"),
    **dict.fromkeys(("预算数", "年初预算数", "预算总额", "资金总额", "年度资金总额", "项目资金总额",
                     "年度本级预算金额", "年度预算金额", "项目总额", "申请资金", "年度金额", "本年预算数",
                     "项目资金", "资金总额合计", "年度资金", "预算金额", "项目预算", "项目总投资",
                     "部门预算总额", "年度预算数", "资金情况合计", "合计金额", "项目总预算", "当年年度预算",
                     "预算申报数", "本年度预算"), "total"),
    **dict.fromkeys(("财政资金", "其中:财政资金", "财政拨款", "其中:财政拨款", "本级财政资金", "财政性资金",
                     "一般公共预算", "财政拨款资金", "其中:财政拨款资金", "本级资金", "当年财政拨款"), "fiscal"),
    **dict.fromkeys(("其他资金", "其中:其他资金", "自筹资金", "单位自筹"), "other"),
    **dict.fromkeys(("上级资金", "上级补助", "上级补助资金", "上年结转", "上年结转资金", "中央资金",
                     "省级资金", "市级资金", "县级资金", "政府性基金"), "funds_part"),
    **dict.fromkeys(("项目实施期", "实施期", "项目期限", "实施期限", "项目起止时间", "项目周期"), "period"),
    **dict.fromkeys(("资金用途", "项目概况", "主要内容", "项目内容", "项目主要内容", "资金使用方向"), "use"),
    **dict.fromkeys(("绩效目标", "年度绩效目标", "项目绩效目标", "年度目标", "总体目标", "年度总体目标",
                     "当年绩效目标", "本年度绩效目标", "年度绩效目标(当年)", "年度主要目标和成果",
                     "年度主要目标"), "goals"),
    **dict.fromkeys(("实施期绩效目标", "长期目标", "中长期目标", "实施期目标", "实施期总体目标",
                     "长期绩效目标", "项目实施期绩效目标"), "goals_long"),
    **dict.fromkeys(("年度履职目标", "部门整体绩效目标", "年度部门整体绩效目标", "部门职能", "职能",
                     "部门职能概述", "年度主要任务", "部门整体目标", "整体绩效目标"), "department_goal"),
    **dict.fromkeys(("项目类别", "项目类型", "项目性质", "立项依据", "项目属性", "填报日期", "联系电话",
                     "填报人", "项目负责人", "资金情况", "预算规模及资金用途", "预算规模", "资金来源",
                     "资金投向", "联系人", "资金性质", "项目级次"), "other_field"),
}

# Labels that head a block of amounts rather than carry a value (``资金情况 | 年度资金总额 | 100``).
BLOCK_LABELS = frozenset({"资金情况", "预算规模及资金用途", "预算规模", "资金来源", "资金投向"})
PLAN_LABEL = "资金支出计划"

# Department-wide table titles.
DEPARTMENT_TITLE = re.compile(r"部门(?:\(单位\))?整体(?:支出)?绩效目标")
# A title that heads a project's table (a second project in the same document).
PROJECT_TITLE = re.compile(r"项目(?:支出)?绩效目标(?:申报|批复)?表")

_LABEL_TAIL = re.compile(r"[(（][^()（）]*(?:万元|元|单位|%)[^()（）]*[)）]$")


@lru_cache(maxsize=1 << 14)   # every cell of every row is asked whether it is a label
def label_key(text: str) -> str:
    """A cell's text as a label: NFKC, no spaces, simplified, no trailing colon or unit bracket."""
    key = to_simplified(norm_label(text)).rstrip(":")
    key = _LABEL_TAIL.sub("", key).rstrip(":")
    return key.removeprefix("其中:") if key.startswith("其中:") and key not in PROJECT_LABELS else key


def label_unit(text: str) -> str | None:
    """The money unit a label names in brackets: ``年度资金总额（万元）`` → ``万元``."""
    m = re.search(r"[(（]\s*(?:单位[:：]?)?\s*(千元|万元|百万元|亿元|元)\s*[)）]", text)
    return m.group(1) if m else None


def header_role(text: str) -> str | None:
    """The indicator-table role of a header cell, None when it is not one."""
    key = label_key(text)
    role = INDICATOR_HEADERS.get(key)
    if role is None and key.endswith("(%)"):
        role = INDICATOR_HEADERS.get(key[:-3])
    return role


def project_field(text: str) -> str | None:
    """The project field a label cell introduces, None when the cell is not such a label."""
    return PROJECT_LABELS.get(label_key(text))
