"""Safe by default: loopback only unless a token is set, the token on every request,
loopback Host names only, no cross-site POST, uploads escaped wherever they show."""

from __future__ import annotations

import pytest

from serve_support import DOCUMENT, TARGETS, client_for  # noqa: I001  (skips without fastapi)

from perfscore.cli import main
from perfscore.errors import UsageError
from perfscore.serve.security import cross_site, host_name, is_loopback
from perfscore.serve.server import resolve_token, start_url
from perfscore.serve.workspace import Workspace

TOKEN = "s3cret-token-for-tests"


@pytest.fixture()
def workspace(tmp_path):
    ws = Workspace(str(tmp_path / "perfscore.db"))
    yield ws
    ws.close()


def test_any_address_without_a_token_refuses_to_start(monkeypatch, capsys):
    monkeypatch.delenv("PERFSCORE_TOKEN", raising=False)
    with pytest.raises(UsageError, match="必须设置访问令牌"):
        resolve_token("0.0.0.0", None)
    assert main(["serve", "--host", "0.0.0.0", "--no-browser", "--db", "unused.db"]) == 2
    err = capsys.readouterr().err
    assert "在 0.0.0.0 上监听时" in err and "--token" in err and "Traceback" not in err


def test_token_rules(monkeypatch):
    monkeypatch.delenv("PERFSCORE_TOKEN", raising=False)
    assert resolve_token("127.0.0.1", None) is None
    assert resolve_token("0.0.0.0", TOKEN) == TOKEN
    monkeypatch.setenv("PERFSCORE_TOKEN", TOKEN)
    assert resolve_token("0.0.0.0", None) == TOKEN
    with pytest.raises(UsageError, match="太短"):
        resolve_token("0.0.0.0", "short")
    assert start_url("0.0.0.0", 8000, TOKEN) == f"http://127.0.0.1:8000/?token={TOKEN}"


def test_every_request_needs_the_token(workspace):
    client = client_for(workspace, token=TOKEN, loopback_only=False)
    assert client.get("/healthz").text == "ok"          # monitors need no secret
    for path in ("/", "/api/runs", "/bureau"):
        r = client.get(path)
        assert r.status_code == 401, path
    assert client.get("/api/runs").json()["error"] == "需要访问令牌"
    assert client.get("/api/runs", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert client.get("/api/runs", headers={"X-Perfscore-Token": TOKEN}).status_code == 200
    assert client.get("/api/runs", headers={"Authorization": "Bearer wrong-token-123"}).status_code == 401
    files = {"file": (DOCUMENT.name, DOCUMENT.read_bytes())}
    assert client.post("/api/extract", files=files).status_code == 401
    # The start link sets a cookie; the browser then carries it on every request.
    first = client.get(f"/?token={TOKEN}")
    assert first.status_code == 200 and "perfscore_token" in first.headers["set-cookie"]
    assert "samesite=strict" in first.headers["set-cookie"].lower() and "httponly" in first.headers["set-cookie"].lower()
    assert client.get("/bureau").status_code == 200


def test_loopback_server_refuses_other_host_names(workspace):
    client = client_for(workspace)
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200
    rebinding = client.get("/api/runs", headers={"Host": "attacker.example:8000"})
    assert rebinding.status_code == 400 and "不是本机地址" in rebinding.json()["error"]


def test_cross_site_posts_are_refused(workspace):
    client = client_for(workspace)
    files = {"file": (DOCUMENT.name, DOCUMENT.read_bytes())}
    r = client.post("/documents", files=files, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and "跨站" in r.text
    r = client.post("/documents", files=files, headers={"Origin": "null"})
    assert r.status_code == 403
    assert workspace.documents() == []
    ok = client.post("/documents", files=files, headers={"Origin": "http://127.0.0.1:8000"}, follow_redirects=False)
    assert ok.status_code == 303
    assert len(workspace.documents()) == 1


@pytest.mark.parametrize(("host", "name", "loopback"), [
    ("127.0.0.1:8000", "127.0.0.1", True), ("localhost", "localhost", True), ("[::1]:80", "::1", True),
    ("127.0.0.2", "127.0.0.2", True), ("example.org:8000", "example.org", False), ("10.0.0.1", "10.0.0.1", False),
])
def test_host_names(host, name, loopback):
    assert host_name(host) == name
    assert is_loopback(name) is loopback


def test_cross_site_detection():
    assert cross_site({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000"}) is False
    assert cross_site({"host": "127.0.0.1:8000"}) is False                       # curl, other systems
    assert cross_site({"host": "127.0.0.1:8000", "referer": "http://127.0.0.1:8000/x"}) is False
    assert cross_site({"host": "127.0.0.1:8000", "referer": "https://evil.example/p"}) is True
    assert cross_site({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:9000"}) is True


def test_uploaded_text_is_escaped_in_every_page(workspace, tmp_path):
    evil = "<script>alert(1)</script>"
    table = ("单位编码,单位名称,项目编码,项目名称,一级指标,二级指标,三级指标,年度指标值,实际完成值,年度\n"
             f"U1,{evil}单位,P1,{evil}项目,产出指标,数量指标,{evil},≥10个,12个,2023\n")
    client = client_for(workspace)
    r = client.post("/documents", files={"file": ("t.csv", table.encode("utf-8"))}, follow_redirects=False)
    assert r.status_code == 303
    doc = r.headers["location"]
    for path in (doc, doc + "/actuals", "/"):
        page = client.get(path)
        assert page.status_code == 200
        assert evil not in page.text and "&lt;script&gt;" in page.text, path
    run = client.post(doc + "/evaluate", data={"profile": "mof-2020"}, follow_redirects=False)
    assert run.status_code == 303
    for path in (run.headers["location"], run.headers["location"] + "/report", "/bureau"):
        assert evil not in client.get(path).text, path
