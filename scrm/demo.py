"""`scrm demo`: every process of the product on the embedded default, logs in one terminal.

Every URL follows the web port P: console and H5 pages at http://127.0.0.1:P, the WeChat sandbox
at P+900 and the handset SMS page at P+790 (or free ports the OS picks when those are taken).
Each demo needs its own servers, so a second demo from one checkout keeps them in
./var/demo-P/ while the first holds ./var/.
"""

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import IO

from crm_core.children import die_with_parent
from crm_core.config import get_settings
from scrm import demo_sms, wiring
from scrm.demo_data import DEMO_PASSWORD, STAFF
from sms_gateway.simulator import ModemSim
from wechat.sandbox.__main__ import DEMO_APP

SANDBOX_OFFSET = 900
HANDSET_OFFSET = 790


class PortInUseError(Exception):
    def __init__(self, port: int) -> None:
        super().__init__(
            f"端口 {port} 已被占用，请换一个端口（--port）/ port {port} is already in use"
        )


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]


def _pump(child: Child) -> None:
    assert child.process.stdout is not None
    for raw in iter(child.process.stdout.readline, b""):
        sys.stdout.write(f"[{child.name:<6}] {raw.decode(errors='replace')}")
        sys.stdout.flush()


def _start(name: str, module: str, *args: str, listener: socket.socket | None = None) -> Child:
    """A child in its own session (Ctrl-C reaches only us) that dies with us; `listener` is a
    socket we bound, handed over so that nobody can take the port in between."""
    fds = [] if listener is None else ["--fd", str(listener.fileno())]
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args, *fds],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=os.environ.copy(),
        start_new_session=True,
        preexec_fn=die_with_parent(),
        pass_fds=() if listener is None else (listener.fileno(),),
    )
    child = Child(name, process)
    threading.Thread(target=_pump, args=(child,), daemon=True).start()
    return child


def _listen(port: int) -> socket.socket:
    listener = socket.socket()
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # uvicorn wraps an inherited socket as AF_UNIX and so never sets TCP_NODELAY on the
        # connections; they inherit it from the listener.
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
    except (OSError, OverflowError):
        listener.close()
        raise
    return listener


def _listen_near(port: int) -> socket.socket:
    with contextlib.suppress(OSError, OverflowError):
        return _listen(port)
    return _listen(0)


def _serve_handsets(simulators: list[ModemSim], port: int) -> ThreadingHTTPServer:
    with contextlib.suppress(OSError, OverflowError):
        return demo_sms.serve_handsets(simulators, port)
    return demo_sms.serve_handsets(simulators, 0)


def _claim_var_dir(var_dir: Path, port: int) -> IO[str]:
    """One demo per var dir: two demos on one database would share one menu, one account and
    one task queue. The lock goes with this process, however it ends; the port is ours, so
    nobody else holds var/demo-<port>."""
    for candidate in (var_dir, var_dir / f"demo-{port}"):
        candidate.mkdir(parents=True, exist_ok=True)
        lock = (candidate / "demo.lock").open("w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        os.environ["SCRM_VAR_DIR"] = str(candidate)
        get_settings.cache_clear()
        return lock
    raise RuntimeError(f"{var_dir / f'demo-{port}'} is locked")


def _wait_healthy(url: str, children: list[Child], timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(c.process.poll() is not None for c in children):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local URL
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def _banner(base: str, sandbox: str, handsets: str) -> str:
    logins = "\n".join(
        f"    {username:<12} {name}（{role}）"
        for username, name, role, *_ in STAFF
        if not username.startswith("guide_") or username == "guide_sh1"
    )
    return (
        f"\n==== SCRM 演示已启动 / demo is running ====\n"
        f"  管理后台 Console     {base}/admin\n"
        f"  手机模拟器 Phone     {sandbox}/sandbox/phone\n"
        f"  会员中心 Member H5   {base}/h5/member"
        "（在手机模拟器里点菜单「会员中心」打开 / open it from the phone's menu）\n"
        f"  导购工作台 Guide H5  {base}/h5/guide\n"
        f"  模拟手机短信 SMS     {handsets}/\n"
        f"  接口文档 OpenAPI     {base}/openapi.json\n"
        f"  健康检查 Health      {base}/healthz\n"
        f"  数据目录 Data        {get_settings().var_dir}\n"
        f"  演示账号（密码均为 {DEMO_PASSWORD}）:\n{logins}\n"
        f"  按 Ctrl-C 停止全部进程 / Ctrl-C stops everything\n"
    )


def _stop(children: list[Child]) -> None:
    for child in children:
        if child.process.poll() is None:
            os.killpg(child.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.process.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(child.process.pid, signal.SIGKILL)


def _supervise(children: list[Child], base: str, banner: str) -> int:
    if not _wait_healthy(f"{base}/healthz", children):
        print("启动失败，请查看上面的日志 / start-up failed, see the log above", flush=True)
        return 1
    print(banner, flush=True)
    while True:
        for child in children:
            if child.process.poll() is not None:
                print(
                    f"进程 {child.name} 意外退出，正在停止全部进程 / a process exited", flush=True
                )
                return 1
        time.sleep(0.5)


def run_demo(*, port: int, with_worker: bool) -> int:
    try:
        web = _listen(port)
    except (OSError, OverflowError) as error:
        raise PortInUseError(port) from error
    # SIGTERM takes the Ctrl-C path: everything below is stopped in the finally clauses.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with web, _claim_var_dir(get_settings().var_dir, web.getsockname()[1]):
            return _run(web, with_worker)
    except KeyboardInterrupt:
        return 0


def _run(web: socket.socket, with_worker: bool) -> int:
    port = web.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    print("正在启动内置 PostgreSQL 与 Redis … / starting embedded servers …", flush=True)
    urls = wiring.resolve_urls(get_settings())
    print(f"  数据库 Database: {urls.database}", flush=True)
    simulators, modem_daemons = demo_sms.start_simulators()
    handsets: ThreadingHTTPServer | None = None
    children: list[Child] = []
    try:
        handsets = _serve_handsets(simulators, port + HANDSET_OFFSET)
        handset_url = f"http://127.0.0.1:{handsets.server_address[1]}"
        with _listen_near(port + SANDBOX_OFFSET) as sandbox_socket:
            sandbox = f"http://127.0.0.1:{sandbox_socket.getsockname()[1]}"
            # Web and worker reach the sandbox exactly as production reaches api.weixin.qq.com;
            # the OAuth redirect and the menu's links follow the base URL.
            os.environ.update(
                {"SCRM_BASE_URL": base, "WECHAT_API_BASE": sandbox, "WECHAT_PAY_API_BASE": sandbox}
            )
            get_settings.cache_clear()
            for step in ("migrate", "seed"):
                done = subprocess.run(
                    [sys.executable, "-m", "scrm.cli", step],
                    env=os.environ.copy(),
                    preexec_fn=die_with_parent(),
                    check=False,
                )
                if done.returncode != 0:
                    print(f"scrm {step} 失败 / failed", flush=True)
                    return 1
            webhook = f"{base}/wechat/{DEMO_APP['appid']}/callback"
            children.append(
                _start(
                    "wechat",
                    "wechat.sandbox",
                    *("--webhook", webhook, "--sms-inbox", f"{handset_url}/sms"),
                    listener=sandbox_socket,
                )
            )
        children.append(_start("web", "scrm.cli", "serve", listener=web))
        web.close()  # the web server holds it now; a dead one must refuse, not hang, clients
        children += [_start(name, "scrm.cli", *args) for name, args in modem_daemons]
        if with_worker:
            children.append(_start("worker", "scrm.cli", "worker", "--concurrency", "1"))
            children.append(_start("beat", "scrm.cli", "beat"))
        return _supervise(children, base, _banner(base, sandbox, handset_url))
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut this short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("正在停止 … / stopping …", flush=True)
        _stop(children)
        if handsets is not None:
            handsets.shutdown()
            handsets.server_close()
        demo_sms.stop_simulators(simulators)


if __name__ == "__main__":
    sys.exit(run_demo(port=8000, with_worker=True))
