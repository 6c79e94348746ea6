"""The national indicator framework (财预〔2020〕10号 附件): which 一级指标 each 二级 belongs to.

Self-evaluation tables often print the 一级 cell once, merged over its rows, or leave it
blank; every reader then knows the 一级 from the 二级: 数量/质量/时效/成本 are 产出指标,
经济/社会/生态效益 and 可持续影响 are 效益指标, 服务对象满意度 is 满意度指标.
"""

from __future__ import annotations

from perfscore.readers.common import norm_label
from perfscore.values.simplified import to_simplified

# (二级 name without the trailing 指标, 一级). Matched on the normalised name.
_FRAMEWORK: tuple[tuple[str, str], ...] = (
    ("数量", "产出指标"), ("质量", "产出指标"), ("时效", "产出指标"), ("成本", "产出指标"),
    ("经济效益", "效益指标"), ("社会效益", "效益指标"), ("生态效益", "效益指标"),
    ("生态环境效益", "效益指标"), ("可持续影响", "效益指标"),
    ("服务对象满意度", "满意度指标"), ("满意度", "满意度指标"),
)
_LOOKUP = {name: level1 for name, level1 in _FRAMEWORK}

# The 一级 names, and every 二级 name as printed: the framework's, and the 成本指标 一级's own
# 二级 (财预〔2021〕101号), which is not guessed from (level1_of gives None for them).
LEVEL1_NAMES = ("产出指标", "效益指标", "满意度指标", "成本指标", "效果指标")
LEVEL2_NAMES = tuple(f"{name}指标" for name, _ in _FRAMEWORK) + ("经济成本指标", "社会成本指标", "生态环境成本指标")


def level1_of(level2: str) -> str | None:
    """The 一级 the national framework puts ``level2`` under; None when it names no 二级 there.

    ``数量指标`` → 产出指标, ``社会效益指标`` → 效益指标, ``服务对象满意度指标`` → 满意度指标.
    经济/社会/生态环境成本 (the newer 成本指标 一级) are not guessed: None.
    """
    return _LOOKUP.get(to_simplified(norm_label(level2)).removesuffix("指标"))
