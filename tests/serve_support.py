"""Shared pieces of the serve tests: a workspace with a client, the sample files, and a
real server started on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytest.importorskip("fastapi", reason="perfscore[serve] 未安装（pip install 'perfscore[serve]'），跳过服务测试")

from fastapi.testclient import TestClient  # noqa: E402

from perfscore.serve.app import create_app  # noqa: E402
from perfscore.serve.workspace import Workspace  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "yanshan-2023"
DOCUMENT = SAMPLE / "000_9a0311abce8b0d69.txt"
TARGETS = SAMPLE / "targets.json"
ACTUALS = SAMPLE / "actuals.csv"
LOCAL = "http://127.0.0.1:8000"


def client_for(workspace: Workspace, **options) -> TestClient:
    return TestClient(create_app(workspace, **options), base_url=LOCAL)


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_server(db: str, *extra: str, port: int | None = None):
    """``perfscore serve`` as a user starts it, in its own process; yields its base URL."""
    port = port or free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "perfscore.cli", "serve", "--no-browser", "--port", str(port), "--db", db, *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"server exited {proc.returncode}: {proc.stderr.read()}")
            try:
                if httpx.get(base + "/healthz", timeout=1).text == "ok":
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("server did not start within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
