"""The whole flow in a real browser (headless Chromium driven by Playwright), as a unit's
finance officer does it: upload the sample document, see what was read, fill two actuals
in the grid and keep a draft, evaluate, open the report, download the files, then enter
the previous year and compare. Screenshots are checked for content, not just taken.

Skipped with a reason where Chromium or Playwright is absent (.ci/run installs both)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest

from serve_support import DOCUMENT, ROOT, TARGETS, live_server  # noqa: I001  (skips without fastapi)

from test_report_support import colours, ink_share

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright 未安装（pip install playwright），跳过浏览器测试")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium 未安装（Debian 包 chromium，见 .ci/run），跳过浏览器测试")

# Flags for a root user in a closed network (see the machine notes): no sandbox, and no
# background connections that the network would refuse.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def _shot(page, path) -> None:
    page.screenshot(path=str(path), full_page=False)
    assert ink_share(path) > 0.02 and colours(path) > 20, f"{path.name} looks blank"
    keep = os.environ.get("PERFSCORE_SCREENSHOTS")   # docs/img/serve-*.png are made this way
    if keep:
        shutil.copyfile(path, Path(keep) / f"serve-{path.name}")


def test_from_the_document_to_the_report_and_a_comparison(browser, tmp_path):
    previous = json.loads(TARGETS.read_text(encoding="utf-8"))
    previous["year"] = 2022
    last_year = tmp_path / "targets-2022.json"
    last_year.write_text(json.dumps(previous, ensure_ascii=False), encoding="utf-8")

    with live_server(str(tmp_path / "perfscore.db")) as base:
        page = browser.new_page(accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/")
        assert page.title() == "perfscore 绩效自评"
        _shot(page, tmp_path / "home.png")

        # 1. Upload the sample document: what was read, with its findings.
        page.set_input_files("#upload-form input[name=file]", str(DOCUMENT))
        page.click("#upload-form button")
        page.wait_for_url("**/documents/1")
        assert "11 个项目、77 个指标" in page.inner_text(".summary")
        assert page.locator("table.read tbody tr").count() == 77
        _shot(page, tmp_path / "document.png")

        # 2. Fill two actuals in the grid (a number and a grade from its drop-down); keep a draft.
        page.click("text=填报实际完成值")
        page.wait_for_url("**/documents/1/actuals")
        count = page.locator("tr", has_text="宣传品数量").first.locator("input[name$='|实际完成值']")
        count.fill("126个")
        grade = page.locator("tr", has_text="任务指标达标率").first.locator("select")
        assert grade.locator("option").all_inner_texts() == ["", "优", "良", "中", "差", "不适用"]
        grade.select_option("良")
        page.click("button[value=save]")
        page.wait_for_url("**/actuals?saved=1")
        assert "草稿已保存" in page.inner_text("main")
        page.reload()
        assert page.locator("tr", has_text="宣传品数量").first.locator("input[name$='|实际完成值']").input_value() == "126个"
        assert page.locator("tr", has_text="任务指标达标率").first.locator("select").input_value() == "良"

        # 3. Evaluate and see the report.
        page.click("#evaluate")
        page.wait_for_url("**/runs/1")
        headline = page.inner_text("#headline")
        assert "部门总分" in headline and "77 个指标" in headline
        _shot(page, tmp_path / "run.png")
        report = browser.new_page()
        report.goto(base + "/runs/1/report")
        text = report.inner_text("body")
        assert "126个 ≥ 100个" in text and "项目支出绩效自评表" in text
        report.close()

        # 4. Download the files.
        for link, check in (("results.csv", lambda b: b.startswith("\ufeff项目编码".encode())
                             or b.startswith(b"\xef\xbb\xbf")),
                            ("复核工作簿 review.xlsx", lambda b: b[:2] == b"PK"),
                            ("报告 PDF", lambda b: b[:4] == b"%PDF")):
            with page.expect_download() as info:
                page.click(f"a:text-is('{link}')")
            data = (tmp_path / info.value.suggested_filename)
            info.value.save_as(data)
            assert check(data.read_bytes()), link

        # 5. Enter the previous year, evaluate it, and compare the two years.
        page.goto(base + "/")
        page.set_input_files("#upload-form input[name=file]", str(last_year))
        page.click("#upload-form button")
        page.wait_for_url("**/documents/2")
        page.click("form[action$='/evaluate'] button")
        page.wait_for_url("**/runs/2")
        page.goto(base + "/runs/1")
        page.click("text=与其他年度对比")
        page.wait_for_url("**/compare")
        compared = page.inner_text("body")
        assert "2022" in compared and "2023" in compared
        _shot(page, tmp_path / "compare.png")

        page.goto(base + "/bureau")
        assert page.locator("#bureau tbody tr").count() == 2
        assert errors == []


def test_a_long_table_shows_its_progress_until_done(browser, tmp_path):
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    targets, actuals = module.generate(2000, seed=5, out_dir=tmp_path / "bureau", projects_per_unit=(3, 6))
    with live_server(str(tmp_path / "perfscore.db")) as base:
        page = browser.new_page(locale="zh-CN")
        page.goto(base + "/")
        page.set_input_files("#batch-form input[name=targets]", str(targets))
        page.set_input_files("#batch-form input[name=actuals]", str(actuals))
        page.click("#batch-form button")
        page.wait_for_url("**/jobs/1")
        page.wait_for_selector("#job-done:not([hidden])", timeout=120_000)
        bar = page.locator("#job-bar")
        units = bar.get_attribute("max")
        assert bar.get_attribute("value") == units != "1"
        assert page.inner_text("#job-message").startswith(f"完成：{units} 个单位已评分并保存")
        page.click("text=查看汇总")
        page.wait_for_url("**/bureau")
        assert page.locator("#bureau tbody tr").count() == int(units)
