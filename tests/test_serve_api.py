"""The HTTP API of ``perfscore serve`` over a real workspace file: the same readings,
scores and messages as the command line, errors as JSON 4xx, uploads held to the same
safety checks, and a failed upload that leaves the workspace as it was."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import tomllib
from pathlib import Path

import openpyxl
import pytest

from serve_support import ACTUALS, DOCUMENT, ROOT, TARGETS, client_for  # noqa: I001  (skips without fastapi)

from perfscore.cli import main
from perfscore.serve.workspace import Workspace

BROKEN = ROOT / "tests" / "broken"


@pytest.fixture()
def workspace(tmp_path):
    ws = Workspace(str(tmp_path / "perfscore.db"))
    yield ws
    ws.close()


@pytest.fixture()
def client(workspace):
    return client_for(workspace)


def test_healthz(client):
    r = client.get("/healthz")
    assert (r.status_code, r.text) == (200, "ok")


def test_extract_returns_the_targets_json_of_the_command_line(client, tmp_path):
    r = client.post("/api/extract", files={"file": (DOCUMENT.name, DOCUMENT.read_bytes())})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    # Byte for byte what `perfscore extract` wrote into the committed targets.json.
    assert r.text == TARGETS.read_text(encoding="utf-8")
    data = r.json()
    assert data["schema"] == "perfscore.targets/1"
    assert (len(data["projects"]), sum(len(p["indicators"]) for p in data["projects"])) == (11, 77)


def test_evaluate_scores_stores_and_lists_the_run(client, workspace):
    files = {"targets": ("targets.json", TARGETS.read_bytes()), "actuals": ("actuals.csv", ACTUALS.read_bytes())}
    r = client.post("/api/evaluate", files=files)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["results"]["schema"] == "perfscore.results/1"
    assert body["results"]["department"]["total"] == 95.22
    assert body["report"] == f"/runs/{body['run']}/report"
    report = client.get(body["report"])
    assert report.status_code == 200 and "95.22" in report.text and "丰润区燕山路办事处" in report.text
    # A second run with another profile: listed first (newest first).
    r2 = client.post("/api/evaluate", files=files, data={"profile": "fasp-linear"})
    assert r2.status_code == 200
    runs = client.get("/api/runs").json()
    assert [x["id"] for x in runs] == [r2.json()["run"], body["run"]]
    assert [x["profile"] for x in runs] == ["fasp-linear", "mof-2020"]
    assert runs[1]["total"] == 95.22 and runs[1]["grade"] == "优" and runs[1]["indicators"] == 77


def test_evaluate_matches_the_command_line_files(client, tmp_path):
    assert main(["evaluate", str(TARGETS), str(ACTUALS), "-o", str(tmp_path / "cli")]) == 0
    files = {"targets": ("targets.json", TARGETS.read_bytes()), "actuals": ("actuals.csv", ACTUALS.read_bytes())}
    run = client.post("/api/evaluate", files=files).json()["run"]
    for name in ("results.csv", "projects.csv"):
        served = client.get(f"/runs/{run}/{name}")
        assert served.status_code == 200
        assert "attachment" in served.headers["content-disposition"]
        assert served.content == (tmp_path / "cli" / name).read_bytes(), name
    served_json = json.loads(client.get(f"/runs/{run}/results.json").content)
    cli_json = json.loads((tmp_path / "cli" / "results.json").read_text(encoding="utf-8"))
    # Only the recorded source names differ (the server saw uploads named targets.json / actuals.csv).
    served_json["meta"]["sources"].pop("actuals"), cli_json["meta"]["sources"].pop("actuals")
    served_json["meta"]["sources"].pop("targets"), cli_json["meta"]["sources"].pop("targets")
    assert served_json == cli_json


def test_downloads_of_a_run(client):
    files = {"targets": ("targets.json", TARGETS.read_bytes()), "actuals": ("actuals.csv", ACTUALS.read_bytes())}
    run = client.post("/api/evaluate", files=files).json()["run"]
    xlsx = client.get(f"/runs/{run}/review.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert len(wb.sheetnames) >= 2
    missing = client.get(f"/runs/{run}/secrets.txt", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and missing.json()["error"].startswith("没有这个文件")


def test_a_pdf_without_weasyprint_is_a_4xx_that_says_how_to_install(client, monkeypatch):
    files = {"targets": ("targets.json", TARGETS.read_bytes()), "actuals": ("actuals.csv", ACTUALS.read_bytes())}
    run = client.post("/api/evaluate", files=files).json()["run"]
    monkeypatch.setitem(sys.modules, "weasyprint", None)   # import now fails
    pdf = client.get(f"/runs/{run}/report.pdf", headers={"Accept": "application/json"})
    assert 400 <= pdf.status_code < 500
    body = pdf.json()
    assert body["error"] == "服务器上没有安装 WeasyPrint，不能生成 PDF" and "pip install 'perfscore[pdf]'" in body["hint"]


def _cli_message(args: list[str], capsys) -> str:
    assert main(args) != 0
    return capsys.readouterr().err.strip()


def _generate(name: str, func: str, folder: Path) -> Path:
    spec = importlib.util.spec_from_file_location("broken_generators", BROKEN / "generators.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = folder / name
    module.GENERATORS[func](path)
    return path


EXTRACT_CASES = [c for c in tomllib.loads((BROKEN / "cases.toml").read_text(encoding="utf-8"))["case"]
                 if c["args"][0] == "extract" and c.get("exit") == 1 and len(c["args"]) == 2
                 and not c.get("setup")]


@pytest.mark.parametrize("case", EXTRACT_CASES, ids=[c["id"] for c in EXTRACT_CASES])
def test_bad_uploads_get_the_command_lines_message(case, client, workspace, tmp_path, capsys):
    """Every broken file of the command line's corpus, uploaded: a 4xx JSON error whose
    text is the command line's, and nothing stored."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in case.get("inputs", []):
        (folder / name).write_bytes((BROKEN / "files" / name).read_bytes())
    for name, func in case.get("generate", {}).items():
        _generate(name, func, folder)
    path = Path(case["args"][1].replace("{in}", str(folder)))
    if not path.is_file():
        pytest.skip("the case's input is not a regular file (a folder or a missing file cannot be uploaded)")
    expected = _cli_message(["extract", str(path)], capsys)
    before = len(workspace.documents())
    r = client.post("/api/extract", files={"file": (path.name, path.read_bytes())})
    assert 400 <= r.status_code < 500, r.text
    body = r.json()
    assert set(body) == {"error", "hint"}
    shown = f"错误：{body['error']}" + (f"\n处理办法：{body['hint']}" if body["hint"] else "")
    assert shown == expected
    assert "Traceback" not in r.text
    page = client.post("/documents", files={"file": (path.name, path.read_bytes())})
    assert 400 <= page.status_code < 500 and "处理办法" in page.text
    assert len(workspace.documents()) == before


def test_upload_over_the_limit_is_refused_with_413(client, monkeypatch):
    monkeypatch.setenv("PERFSCORE_MAX_INPUT_MB", "1")
    big = b"x" * (1 << 20) + b"y" * 10
    r = client.post("/api/extract", files={"file": ("big.csv", big)})
    assert r.status_code == 413
    assert "超过上限 1 MiB" in r.json()["error"] and "PERFSCORE_MAX_INPUT_MB" in r.json()["hint"]


def test_unknown_profile_is_a_usage_error(client):
    files = {"targets": ("targets.json", TARGETS.read_bytes())}
    r = client.post("/api/evaluate", files=files, data={"profile": "../../etc/passwd"})
    assert r.status_code == 400
    assert "没有名为「../../etc/passwd」的评分方案" in r.json()["error"]
    assert client.get("/api/runs").json() == []


def test_a_failed_evaluation_stores_nothing(client, tmp_path):
    bad = "项目编码,三级指标,实际完成值\n13020823P00018410001J,没有这个指标,5\n"
    files = {"targets": ("targets.json", TARGETS.read_bytes()), "actuals": ("actuals.csv", bad.encode("utf-8"))}
    r = client.post("/api/evaluate", files=files)
    assert r.status_code == 422, r.text
    assert "没有这个指标" in r.json()["error"]
    assert client.get("/api/runs").json() == []


def test_unknown_ids_are_404_in_json_and_in_pages(client):
    assert client.get("/api/jobs/99").status_code == 404
    page = client.get("/runs/42")
    assert page.status_code == 404 and "没有编号为 42 的评价结果" in page.text
    assert page.headers["content-type"].startswith("text/html")


def test_pages_load_their_own_style_and_script(client):
    page = client.get("/")
    assert 'href="/static/serve/app.css"' in page.text and 'src="/static/serve/app.js"' in page.text
    css = client.get("/static/serve/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/static/serve/app.js").status_code == 200
    assert "http://" not in css.text and "https://" not in page.text     # nothing from a CDN: works offline


def test_the_default_profile_is_offered_first(client):
    page = client.get("/")
    first = page.text.split('<select name="profile">', 1)[1].split("</option>", 1)[0]
    assert 'value="mof-2020"' in first


def test_a_misread_cell_is_corrected_in_place_and_rechecked(client, workspace):
    r = client.post("/documents", files={"file": (DOCUMENT.name, DOCUMENT.read_bytes())}, follow_redirects=False)
    doc = r.headers["location"]
    before = json.loads(workspace.document(1)["targets_json"])
    first = before["projects"][0]["indicators"][0]
    assert first["target"] == "≥100个"
    # A target mistyped in the document (a unit that does not exist) reads as unreadable …
    r = client.post(doc + "/cells", data={"indicator": first["id"], "field": "target", "value": "≥100箇"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith(f"?saved={first['id']}")
    page = client.get(r.headers["location"])
    assert f"已保存对指标 {first['id']} 的修改" in page.text and 'value="≥100箇"' in page.text
    # … and the correction takes effect in the stored targets, everything else unchanged.
    client.post(doc + "/cells", data={"indicator": first["id"], "field": "target", "value": "≥120个"})
    after = json.loads(workspace.document(1)["targets_json"])
    assert after["projects"][0]["indicators"][0]["target"] == "≥120个"
    after["projects"][0]["indicators"][0]["target"] = "≥100个"
    assert after["projects"] == before["projects"]
    refused = client.post(doc + "/cells", data={"indicator": first["id"], "field": "weight", "value": "99"},
                          headers={"Accept": "application/json"})
    assert refused.status_code == 422 and "只能修改" in refused.json()["error"]
    unknown = client.post(doc + "/cells", data={"indicator": "NOPE-01", "field": "target", "value": "1"},
                          headers={"Accept": "application/json"})
    assert unknown.status_code == 422 and "NOPE-01" in unknown.json()["error"]


def test_the_fill_in_template_and_the_draft(client, workspace, tmp_path):
    doc = client.post("/documents", files={"file": (TARGETS.name, TARGETS.read_bytes())},
                      follow_redirects=False).headers["location"]
    xlsx = client.get(doc + "/template.xlsx")
    assert xlsx.status_code == 200
    assert main(["template", str(TARGETS), "-o", str(tmp_path / "t.xlsx")]) == 0
    assert xlsx.content == (tmp_path / "t.xlsx").read_bytes()      # the command line's template, byte for byte
    # A draft keeps the filled cells; the grid cannot change a target.
    r = client.post(doc + "/actuals", data={"r20|实际完成值": "126个", "then": "save"}, follow_redirects=False)
    assert r.status_code == 303
    assert "126个" in workspace.draft(1)
    bad = client.post(doc + "/actuals", data={"r20|年度指标值": "≥1个"}, headers={"Accept": "application/json"})
    assert bad.status_code == 422 and "只能填写" in bad.json()["error"]
    assert "126个" in workspace.draft(1)                             # the failed save changed nothing
