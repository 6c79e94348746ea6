"""``perfscore serve``: start the web server over a workspace and open the browser."""

from __future__ import annotations

import os
import threading
import webbrowser

import uvicorn

from perfscore.errors import UsageError
from perfscore.serve.app import create_app
from perfscore.serve.security import is_loopback
from perfscore.serve.workspace import Workspace

TOKEN_ENV = "PERFSCORE_TOKEN"


def resolve_token(host: str, token: str | None) -> str | None:
    """The token in force; refuses a server reachable from other machines without one."""
    token = token or os.environ.get(TOKEN_ENV) or None
    if token is None and not is_loopback(host):
        raise UsageError(f"在 {host} 上监听时，其他计算机也能访问本服务，必须设置访问令牌",
                         hint=f"加上 --token 一个足够长的随机字符串（或设置环境变量 {TOKEN_ENV}），"
                              "访问者需带上该令牌；只在本机使用时请去掉 --host（默认 127.0.0.1）。")
    if token is not None and len(token) < 8:
        raise UsageError("访问令牌太短（至少 8 个字符）", hint="请使用足够长的随机字符串作为 --token。")
    return token


def start_url(host: str, port: int, token: str | None) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else (f"[{host}]" if ":" in host else host)
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def serve(*, host: str = "127.0.0.1", port: int = 8000, db: str | None = None, open_browser: bool = True,
          token: str | None = None, announce=print) -> None:
    token = resolve_token(host, token)
    workspace = Workspace(db)
    app = create_app(workspace, token=token, loopback_only=is_loopback(host))
    url = start_url(host, port, token)
    announce(f"perfscore 工作区：{workspace.url}\n在浏览器中打开 {url} （按 Ctrl+C 停止服务）")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        workspace.close()
