"""The workspace database: migrations (a newer perfscore opens an older workspace), a
restarted server that shows every stored run, 16 evaluations at once all answered and
stored, and the same application on a real PostgreSQL server."""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest
from sqlalchemy import column, create_engine, insert, inspect, table, text

from serve_support import ACTUALS, DOCUMENT, TARGETS, client_for, free_port, live_server  # noqa: I001

from perfscore.serve.service import evaluate_paths
from perfscore.serve.workspace import Workspace, database_url, upgrade


def test_database_urls():
    assert database_url(None) == "sqlite:///perfscore.db"
    assert database_url("data/ws.db") == "sqlite:///data/ws.db"
    assert database_url("postgresql://u@h:5/db") == "postgresql+psycopg://u@h:5/db"


def test_a_workspace_of_the_first_schema_opens_and_keeps_its_runs(tmp_path):
    db = tmp_path / "old.db"
    engine = create_engine(database_url(str(db)))
    upgrade(engine, "0001")                       # what the first release created
    assert "jobs" not in inspect(engine).get_table_names()
    stored = evaluate_paths(TARGETS, ACTUALS, profile=None, as_of=None)
    old_columns = {c["name"] for c in inspect(engine).get_columns("runs")}
    with engine.begin() as conn:
        conn.execute(insert(table("runs", *[column(c) for c in sorted(old_columns - {"id"})])),
                     {k: v for k, v in stored.items() if k in old_columns} | {"document_id": None})
    engine.dispose()
    ws = Workspace(str(db))                       # a newer perfscore opens it: upgraded in place
    try:
        runs = ws.runs()
        assert len(runs) == 1
        assert (runs[0].total, runs[0].projects, runs[0].indicators) == (95.22, 11, 77)   # counts backfilled
        assert ws.run(runs[0].id)["results_json"] == stored["results_json"]
        with ws.engine.connect() as conn:
            assert conn.execute(text("select version_num from alembic_version")).scalar() == "0002"
    finally:
        ws.close()


def test_sixteen_evaluations_at_once_and_a_restart(tmp_path):
    db = str(tmp_path / "perfscore.db")
    files = lambda: {"targets": ("targets.json", TARGETS.read_bytes()),  # noqa: E731
                     "actuals": ("actuals.csv", ACTUALS.read_bytes())}
    with live_server(db) as base:
        def post(_):
            return httpx.post(base + "/api/evaluate", files=files(), timeout=300)

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(post, range(16)))
        assert [a.status_code for a in answers] == [200] * 16
        ids = sorted(a.json()["run"] for a in answers)
        assert len(set(ids)) == 16
        assert {a.json()["results"]["department"]["total"] for a in answers} == {95.22}
        listed = httpx.get(base + "/api/runs").json()
        assert [r["id"] for r in listed] == sorted(ids, reverse=True)
    with live_server(db) as base:                 # the same workspace after a restart
        again = httpx.get(base + "/api/runs").json()
        assert [r["id"] for r in again] == sorted(ids, reverse=True)
        page = httpx.get(base + "/")
        assert page.status_code == 200 and page.text.count("/runs/") >= 16


# --- PostgreSQL --------------------------------------------------------------------------


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextlib.contextmanager
def postgres_server():
    """A throwaway PostgreSQL server on a free loopback port (Debian package postgresql),
    run as the postgres user when the tests run as root (PostgreSQL refuses root)."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("没有安装 PostgreSQL（Debian 包 postgresql，见 .ci/run），跳过 PostgreSQL 测试")
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="perfscore-pg-"))
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", free_port()
    try:
        subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                        "-E", "UTF8", "--no-locale"], check=True, capture_output=True, timeout=120)
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-t", "60", "-l", str(folder / "log"),
                        "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"],
                       check=True, capture_output=True, timeout=120)
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def test_the_application_on_postgresql():
    with postgres_server() as url:
        ws = Workspace(url)
        try:
            assert ws.engine.dialect.name == "postgresql"
            client = client_for(ws)
            doc = client.post("/documents", files={"file": (DOCUMENT.name, DOCUMENT.read_bytes())},
                              follow_redirects=False)
            assert doc.status_code == 303
            files = {"targets": ("targets.json", TARGETS.read_bytes()), "actuals": ("actuals.csv", ACTUALS.read_bytes())}
            first = client.post("/api/evaluate", files=files).json()["run"]
            second = client.post("/api/evaluate", files=files, data={"profile": "fasp-linear"}).json()["run"]
            runs = client.get("/api/runs").json()
            assert [r["id"] for r in runs] == [second, first]
            assert runs[1]["total"] == 95.22
            assert "95.22" in client.get(f"/runs/{first}/report").text
            assert client.get("/bureau").text.count("/runs/") == 1      # newest run per unit and year
            bad = client.post("/api/extract", files={"file": ("x.csv", b"a,b\n1,2\n")})
            assert bad.status_code == 422 and len(ws.documents()) == 1   # nothing stored by a failure
        finally:
            ws.close()
        reopened = Workspace(url)                  # migrations are idempotent on an existing schema
        try:
            assert len(reopened.runs()) == 2
        finally:
            reopened.close()
