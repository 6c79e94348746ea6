"""The pages of ``perfscore serve``: Jinja2 templates (``templates/serve/``, autoescaped,
as the report is) with a stylesheet and one small script shipped in the package
(``static/serve/``): no CDN, the pages work offline."""

from __future__ import annotations

import jinja2

from perfscore.model import SEVERITY_ZH, Indicator, Targets
from perfscore.values import parse_target
from perfscore.values.render import render_target

KIND_ZH = {
    "comparison": "比较", "range": "区间", "deadline": "时限", "frequency": "频次", "grade": "等级",
    "achievement": "定性", "not_applicable": "不适用", "unreadable": "无法识别",
}



def reading(ind: Indicator, year: int | None) -> dict:
    """How perfscore reads an indicator's printed target, in words for the page."""
    target = parse_target(ind.target, level1=ind.level1, level2=ind.level2, level3=ind.level3, year=year)
    return {"kind": KIND_ZH.get(target.kind, target.kind), "canonical": render_target(target),
            "inferred": target.inferred, "reason": target.reason or "", "unreadable": target.kind == "unreadable"}


def findings_by_indicator(targets: Targets) -> dict[str, list]:
    found: dict[str, list] = {}
    for f in targets.findings:
        found.setdefault(f.indicator_id or f"project:{f.project_code or ''}", []).append(f)
    return found


class PageRenderer:
    def __init__(self) -> None:
        self.env = jinja2.Environment(loader=jinja2.PackageLoader("perfscore", "templates/serve"),
                                      autoescape=True, undefined=jinja2.StrictUndefined,
                                      trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(reading=reading, findings_by_indicator=findings_by_indicator,
                                severity_zh=SEVERITY_ZH)
        self.env.filters["points"] = lambda v: "—" if v is None else f"{float(v):.2f}"

    def render(self, name: str, **context) -> str:
        return self.env.get_template(name).render(**context)

    def error(self, message: str, hint: str) -> str:
        return self.render("error.html.j2", message=message, hint=hint)
