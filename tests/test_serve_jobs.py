"""Long work through the server: a bureau's long table uploaded to /jobs is scored in a
process of its own, its progress readable while it runs, every unit stored as a run; a
failed job says why."""

from __future__ import annotations

import importlib.util
import time

import pytest

from serve_support import ROOT, client_for  # noqa: I001  (skips without fastapi)

from perfscore.serve.workspace import Workspace


def _generate(rows: int, folder):
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(rows, seed=3, out_dir=folder, projects_per_unit=(2, 4))


def _wait(client, job_id: int, seconds: float = 180) -> tuple[dict, list[dict]]:
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        seen.append(job)
        if job["state"] != "running":
            return job, seen
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still running after {seconds} s: {seen[-1]}")


def test_a_bureau_table_is_scored_with_progress(tmp_path):
    targets, actuals = _generate(600, tmp_path / "bureau")
    ws = Workspace(str(tmp_path / "perfscore.db"))
    try:
        client = client_for(ws)
        r = client.post("/jobs", files={"targets": ("targets.csv", targets.read_bytes()),
                                        "actuals": ("actuals.csv", actuals.read_bytes())},
                        data={"profile": "mof-2020"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
        job_id = int(r.headers["location"].rsplit("/", 1)[1])
        page = client.get(f"/jobs/{job_id}")
        assert page.status_code == 200 and "<progress" in page.text
        job, seen = _wait(client, job_id)
        assert job["state"] == "done", job
        units = job["total"]
        assert units >= 5 and job["done"] == units
        assert job["message"].startswith(f"完成：{units} 个单位已评分并保存")
        # Progress moved through the units one by one (never backwards).
        done = [s["done"] for s in seen]
        assert done == sorted(done)
        runs = client.get("/api/runs").json()
        assert len(runs) == units
        assert len({r["unit_code"] for r in runs}) == units
        assert sum(r["indicators"] for r in runs) == 600
        bureau = client.get("/bureau").text
        assert bureau.count("/runs/") == units
    finally:
        ws.close()


def test_a_failed_job_says_why(tmp_path):
    ws = Workspace(str(tmp_path / "perfscore.db"))
    try:
        client = client_for(ws)
        r = client.post("/jobs", files={"targets": ("targets.csv", "姓名,年龄\n张三,30\n".encode("utf-8"))},
                        follow_redirects=False)
        job_id = int(r.headers["location"].rsplit("/", 1)[1])
        job, _ = _wait(client, job_id)
        assert job["state"] == "failed"
        assert "targets.csv" in job["message"] and "不是绩效目标长表" in job["message"]
        assert client.get("/api/runs").json() == []
    finally:
        ws.close()


@pytest.mark.parametrize("profile", ["nonexistent"])
def test_a_job_with_an_unknown_profile_is_refused_before_it_starts(tmp_path, profile):
    ws = Workspace(str(tmp_path / "perfscore.db"))
    try:
        client = client_for(ws)
        r = client.post("/jobs", files={"targets": ("t.csv", b"x")}, data={"profile": profile},
                        headers={"Accept": "application/json"})
        assert r.status_code == 400 and "没有名为「nonexistent」的评分方案" in r.json()["error"]
        assert ws.job(1) is None
    finally:
        ws.close()
