"""`scrm demo`: every process of the product on the embedded default, logs in one terminal."""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass

from crm_core.config import get_settings
from scrm import demo_sms, wiring
from scrm.demo_data import DEMO_PASSWORD, STAFF


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]


def _pump(child: Child) -> None:
    assert child.process.stdout is not None
    for raw in iter(child.process.stdout.readline, b""):
        sys.stdout.write(f"[{child.name:<6}] {raw.decode(errors='replace')}")
        sys.stdout.flush()


def _start(name: str, *args: str) -> Child:
    process = subprocess.Popen(
        [sys.executable, "-m", "scrm.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=os.environ.copy(),
        start_new_session=True,
    )
    child = Child(name, process)
    threading.Thread(target=_pump, args=(child,), daemon=True).start()
    return child


def _start_sandbox(port: int) -> Child:
    from scrm.demo_wechat import SANDBOX_PORT
    from wechat.sandbox.__main__ import DEMO_APP

    webhook = f"http://127.0.0.1:{port}/wechat/{DEMO_APP['appid']}/callback"
    from scrm.demo_sms import HANDSET_PORT

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wechat.sandbox",
            "--port",
            str(SANDBOX_PORT),
            "--webhook",
            webhook,
            "--sms-inbox",
            f"http://127.0.0.1:{HANDSET_PORT}/sms",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=os.environ.copy(),
        start_new_session=True,
    )
    child = Child("wechat", process)
    threading.Thread(target=_pump, args=(child,), daemon=True).start()
    return child


def _wait_healthy(url: str, children: list[Child], timeout: float = 60) -> bool:
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


def _banner(port: int) -> str:
    base = f"http://127.0.0.1:{port}"
    logins = "\n".join(
        f"    {username:<12} {name}（{role}）"
        for username, name, role, *_ in STAFF
        if not username.startswith("guide_") or username == "guide_sh1"
    )
    return (
        f"\n==== SCRM 演示已启动 / demo is running ====\n"
        f"  管理后台 Console     {base}/admin\n"
        f"  手机模拟器 Phone     {get_settings().wechat_api_base}/sandbox/phone\n"
        f"  会员中心 Member H5   {base}/h5/member"
        "（在手机模拟器里点菜单「会员中心」打开 / open it from the phone's menu）\n"
        f"  导购工作台 Guide H5  {base}/h5/guide\n"
        f"  接口文档 OpenAPI     {base}/openapi.json\n"
        f"  健康检查 Health      {base}/healthz\n"
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


def run_demo(*, port: int, with_worker: bool) -> int:
    settings = get_settings()
    print("正在启动内置 PostgreSQL 与 Redis … / starting embedded servers …", flush=True)
    urls = wiring.resolve_urls(settings)
    from scrm.demo_wechat import SANDBOX_PORT

    # Web and worker reach the WeChat sandbox exactly as production reaches api.weixin.qq.com.
    os.environ.setdefault("WECHAT_API_BASE", f"http://127.0.0.1:{SANDBOX_PORT}")
    os.environ.setdefault("WECHAT_PAY_API_BASE", f"http://127.0.0.1:{SANDBOX_PORT}")
    get_settings.cache_clear()
    for step in (["migrate"], ["seed"]):
        subprocess.run([sys.executable, "-m", "scrm.cli", *step], check=True, env=os.environ.copy())
    children = [_start_sandbox(port)]
    children.append(_start("web", "serve", "--port", str(port)))
    simulators, modem_daemons = demo_sms.start_simulators()
    handsets = demo_sms.serve_handsets(simulators)
    children += [_start(name, *args) for name, args in modem_daemons]
    if with_worker:
        children += [_start("worker", "worker", "--concurrency", "1"), _start("beat", "beat")]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        if not _wait_healthy(f"http://127.0.0.1:{port}/healthz", children):
            print("启动失败，请查看上面的日志 / start-up failed, see the log above", flush=True)
            return 1
        print(_banner(port), flush=True)
        print(f"  数据库 Database: {urls.database}", flush=True)
        print(f"  短信模块 Modems:   {' '.join(sim.url for sim in simulators)}", flush=True)
        print(f"  模拟手机短信 Handset SMS: http://127.0.0.1:{demo_sms.HANDSET_PORT}/", flush=True)
        while not stop.is_set():
            if any(c.process.poll() is not None for c in children):
                print("有进程意外退出，正在停止全部进程 / a process exited", flush=True)
                return 1
            stop.wait(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        print("正在停止 … / stopping …", flush=True)
        _stop(children)
        handsets.shutdown()
        demo_sms.stop_simulators(simulators)
    return 0


if __name__ == "__main__":
    sys.exit(run_demo(port=8000, with_worker=True))
