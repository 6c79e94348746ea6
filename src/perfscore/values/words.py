"""The fixed vocabularies of the grammar: grade ladders, tiers, achievement and
timeliness wording, completion words, not-applicable marks and placeholders, and
the indicator names whose quantity is kept low (for the direction of bare numbers).

All matching is on normalised text (``perfscore.values.text.normalize``).
"""

from __future__ import annotations

# Grade ladders (等级), best first. A word that sits on several ladders (一般, 差)
# is read on the first ladder listed that holds it unless a target says otherwise.
LADDERS: tuple[tuple[str, ...], ...] = (
    ("优", "良", "中", "差"),
    ("好", "较好", "一般", "较差", "差"),
    ("高", "较高", "一般", "低"),
    ("满意", "较满意", "基本满意", "不满意"),
)
GRADE_ALIASES = {
    "优秀": "优", "良好": "良", "中等": "中", "较差": "较差", "很好": "好", "非常满意": "满意",
    "比较满意": "较满意", "比较好": "较好",
    "优良": "良",   # 优良 = 优 or 良: as a target, at least 良; as an actual, no more than 良 is certain
}


def ladders_of(word: str) -> list[tuple[str, ...]]:
    return [ladder for ladder in LADDERS if word in ladder]


_LADDER_WORDS = frozenset(word for ladder in LADDERS for word in ladder)


def grade_word(text: str) -> str | None:
    """The ladder rung a word names (after aliases), or None."""
    word = GRADE_ALIASES.get(text, text)
    return word if word in _LADDER_WORDS else None


# Qualitative tiers of an actual (财预〔2020〕10号), with the words that name them.
TIER_WORDS = {
    "达成": (
        "达成预期指标", "达成年度指标", "达成预期目标", "达成年度目标", "达到预期指标", "达到预期目标",
        "达到预期", "达到年度指标", "已达成", "达成", "已达到", "达到", "达标", "已达标", "完成预期指标",
        "完成年度指标", "实现预期目标", "效果明显", "效果显著", "成效明显", "成效显著", "明显", "显著",
        "明显提升", "明显提高", "有效提升", "有效提高", "显著提升", "显著提高", "明显改善", "有效改善",
        "合规", "符合", "符合要求", "符合规定", "严格执行", "严格执行相关制度规定", "是", "有效",
        "良好", "效果良好", "稳步提升", "持续提升", "得到提升", "得到提高", "得到改善", "正常",
        "正常运行", "正常运转", "保障到位", "到位", "全部到位",
    ),
    "部分达成": (
        "部分达成", "基本达成", "基本达到", "部分达到", "基本达标", "部分完成", "效果一般", "有一定效果",
        "部分达成并具有一定效果", "基本符合", "基本合规", "基本到位",
    ),
    "未达成": (
        "未达成", "未达到", "没有达到", "未达标", "未实现", "效果较差", "效果不明显", "不合规", "不符合",
        "否", "未达成且效果较差", "无效", "未到位",
    ),
}
TIER_OF_WORD = {word: tier for tier, words in TIER_WORDS.items() for word in words}

# Completion words of an actual → (completed, on_time).
COMPLETION_WORDS = {
    "按时完成": (True, True), "已完成": (True, True), "完成": (True, True), "全部完成": (True, True),
    "提前完成": (True, True), "如期完成": (True, True), "按期完成": (True, True), "按计划完成": (True, True),
    "已按时完成": (True, True), "已全部完成": (True, True), "及时完成": (True, True), "及时": (True, True),
    "按时": (True, True), "准时完成": (True, True), "已按期完成": (True, True), "圆满完成": (True, True),
    "按要求完成": (True, True), "在规定时间内完成": (True, True), "在计划时间内完成": (True, True),
    "在项目计划完成时间内完成": (True, True), "已办结": (True, True), "已发放": (True, True),
    "按时发放": (True, True), "及时发放": (True, True),
    "未完成": (False, None), "没有完成": (False, None), "尚未完成": (False, None), "未按时完成": (False, None),
    "正在进行": (False, None), "进行中": (False, None), "未开始": (False, None),
    "延期完成": (True, False), "逾期完成": (True, False), "推迟完成": (True, False), "滞后完成": (True, False),
    "超期完成": (True, False), "未按期完成但已完成": (True, False),
    "基本完成": (True, None),
}

# Timeliness wording of a target: scored by tiers like other achievement wording.
TIMELINESS_MARKERS = ("及时", "按时", "按期", "如期", "准时", "按计划", "按进度", "计划完成时间内",
                      "规定时间内", "规定时限内", "规定期限内", "时限内", "按要求完成", "按照计划")

# Achievement wording of a target (qualitative, scored by tiers).
ACHIEVEMENT_MARKERS = (
    "达成", "达到", "预期", "明显", "显著", "合规", "合格", "规范", "严格执行", "执行", "有效", "提升",
    "提高", "改善", "增强", "加强", "优化", "保障", "保持", "稳定", "持续", "长期", "良好", "正常",
    "完成", "到位", "满足", "符合", "达标", "落实", "杜绝", "促进", "推动", "改观", "健全", "完善",
    "得到", "实现", "确保", "保证", "维护", "和谐", "安全", "准确", "无误", "全覆盖", "全面", "逐步",
    "不断", "进一步", "发挥", "带动", "受益", "满意", "便利", "便捷", "改进", "巩固", "缓解", "减轻",
    "控制在", "不超", "覆盖", "覆盖面", "获得感", "幸福感", "安全感", "高效", "降低", "减少", "下降", "节约",
    "压缩", "控制", "通过", "足额", "标准", "预算范围", "预算数", "预算内",
)

# Yes / no as a target (是否… indicators): qualitative; an actual that repeats the
# target's word is met, the other word is not.
YES_NO = ("是", "否")

# Relative-change words: a number with these is a change against a base we do not know.
CHANGE_MARKERS = ("增长", "提高", "下降", "降低", "减少", "增加", "同比", "比上年", "较上年", "环比",
                  "上升", "提升", "压缩", "节约")

NOT_APPLICABLE = {"不适用", "无", "暂无", "不涉及", "无此项", "本项不适用", "n/a", "N/A", "NA", "na",
                  "—", "——", "———", "/不适用"}

# Only punctuation: a cell someone marked instead of filling in.
PLACEHOLDER_PATTERN = r"[*_\-/\\.?#~·xX]+"

PLACEHOLDERS = {"*", "**", "***", "_", "__", "___", "-", "--", "---", "/", "//", "\\", "...", "…", "……",
                "?", "??", "x", "X", "xx", "XX", "#", "0/0",
                "一"}  # a lone 一 is a dash typed with the IME (一 for —), never the number one

NOT_A_NUMBER = {"nan", "inf", "-inf", "+inf", "infinity", "-infinity", "#n/a", "#div/0!", "#value!",
                "#ref!", "#num!", "#name?", "null", "none"}

# Parts of 三级指标 names whose quantity is kept low: a bare number there means ≤.
KEPT_LOW = (
    "调整率", "结转结余率", "结余率", "控制率", "投诉率", "投诉", "差错率", "差错", "发生率", "事故",
    "超支", "超标", "违规", "违纪", "违法", "失误", "误差", "偏差", "返工", "损失", "流失", "漏报", "缺陷",
    "故障", "死亡率", "发病率", "案件发生", "逾期", "拖欠", "闲置率", "空置率", "不合格", "退回率",
    "延误", "错误", "成本", "时长", "用时", "耗时", "响应时间", "等待时间", "处置时间",
    "办理时间", "办结时间", "时限", "周期", "能耗", "排放", "浓度", "污染", "安全隐患", "隐患", "不良率",
    "次品", "上访", "复发",
)

# …unless the name ends in a rate of dealing with such things, which is kept high
# (事故处置率, 投诉办结率, 隐患整改率).
KEPT_HIGH_ENDINGS = ("处置率", "处理率", "查处率", "办结率", "整改率", "化解率", "解决率", "结案率",
                     "排查率", "覆盖率", "完成率", "达标率", "合格率", "满意度", "知晓率", "回复率",
                     "响应率", "降低率", "下降率", "减少率", "节约率")

# Unit dimensions of a span of time (天/小时/分钟, 工作日, 月): a bare span under a 时效
# indicator, or under a name below, is a time limit (≤), not a quantity to reach.
TIME_SPAN_DIMENSIONS = ("duration", "workdays", "months")
TIME_LIMIT_NAMES = ("时限", "时间", "时长", "用时", "周期", "天数", "期限", "时效")

# A target stated against last year's figure (不低于上年, ≥上年水平, 较上年提高, 同比增长5%):
# it cannot be scored without last year's number, which the target does not give.
LAST_YEAR = r"(?:上一?年度?|去年|往年)"
RELATIVE_TO_LAST_YEAR = (
    rf"(?:较|比|相比|对比|与|和|同|不低于|不少于|不高于|不超过|高于|低于|超过|少于|多于|达到|保持|≥|≤|>|<|=)"
    rf"{LAST_YEAR}|{LAST_YEAR}(?:同期|水平|基础|持平|数|值)|同比|环比"
)
