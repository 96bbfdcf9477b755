"""`scrm demo` and `scrm serve` as a user runs them, on the embedded default: two demos side by
side, a demo parent killed with SIGKILL, a demo on a taken port, and `scrm serve` stopping the
embedded servers it started. Each test has its own var dir and OS-chosen ports."""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.conftest import ROOT, free_port
from wechat.sandbox.__main__ import DEMO_APP

pytestmark = pytest.mark.e2e

CONFIGURED = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "WECHAT_API_BASE", "SCRM_ENV")
CONFIGURED += ("WECHAT_PAY_API_BASE", "SCRM_BASE_URL")


def embedded_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURED}
    return {**env, "SCRM_VAR_DIR": str(var_dir)}


def until(probe: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached within {timeout} s")
        time.sleep(0.5)


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line names `text` (embedded PostgreSQL and Redis name their
    data directory)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            with contextlib.suppress(OSError):
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    pids.append(int(entry.name))
    return [pid for pid in pids if alive(pid)]


def stop_leftovers(directory: Path) -> None:
    """A failed test must not leave its servers running on the machine."""
    for pidfile in directory.rglob("postmaster.pid"):
        with contextlib.suppress(ValueError, OSError):
            os.kill(int(pidfile.read_text().split()[0]), signal.SIGINT)
    for pid in processes_mentioning(str(directory)):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def healthy(base: str) -> bool:
    with contextlib.suppress(OSError):
        return get(f"{base}/healthz")[0] == 200
    return False


class Demo:
    def __init__(self, port: int, var_dir: Path, log: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "scrm.cli", "demo", "--port", str(port)],
                stdout=output,
                stderr=subprocess.STDOUT,
                env=embedded_env(var_dir),
                cwd=ROOT,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def running(self) -> bool:
        return "==== SCRM 演示已启动 / demo is running ====" in self.output()

    def phone(self) -> str:
        found = re.search(r"手机模拟器 Phone +(\S+)/sandbox/phone", self.output())
        assert found is not None, self.output()[-3000:]
        return found.group(1)

    def published_menu(self) -> list[dict[str, object]] | None:
        status, _, body = get(f"{self.phone()}/__admin/state")
        assert status == 200
        app = next(a for a in json.loads(body)["apps"] if a["appid"] == DEMO_APP["appid"])
        menu: list[dict[str, object]] | None = app["menu"]
        return menu


@pytest.fixture
def demos(tmp_path: Path) -> Iterator[Callable[[int], Demo]]:
    started: list[Demo] = []

    def start(port: int) -> Demo:
        started.append(Demo(port, tmp_path / "var", tmp_path / f"demo-{port}.log"))
        return started[-1]

    yield start
    for demo in started:
        with contextlib.suppress(ProcessLookupError):
            demo.process.send_signal(signal.SIGTERM)
    for demo in started:
        with contextlib.suppress(subprocess.TimeoutExpired):
            demo.process.wait(30)
        (ROOT / "test-artifacts").mkdir(exist_ok=True)
        (ROOT / "test-artifacts" / demo.log.name).write_bytes(demo.log.read_bytes())
    stop_leftovers(tmp_path)


def test_two_demos_side_by_side_and_sigkill_of_one_takes_its_children(
    demos: Callable[[int], Demo],
) -> None:
    first, second = demos(free_port()), demos(free_port())
    for demo in (first, second):
        until(lambda d=demo: d.running() or d.process.poll() is not None, 300, "demo running")
        assert demo.process.poll() is None, demo.output()[-3000:]
        assert healthy(demo.base)
    assert first.phone() != second.phone()
    for demo in (first, second):
        status, _, page = get(f"{demo.phone()}/sandbox/phone")
        assert status == 200
        assert "<title>" in page.decode()
        status, headers, _ = get(f"{demo.base}/h5/member?appid={DEMO_APP['appid']}")
        assert status == 302
        authorize = urlsplit(headers["location"])
        assert f"{authorize.scheme}://{authorize.netloc}" == demo.phone()
        assert parse_qs(authorize.query)["redirect_uri"] == [f"{demo.base}/h5/member/oauth"]
        until(demo.published_menu, 120, "menu published")
        member_center = demo.published_menu()[0]  # type: ignore[index]
        assert (member_center["name"], member_center["url"]) == (
            "会员中心",
            f"{demo.base}/h5/member",
        )

    children = descendants(first.process.pid)
    assert len(children) >= 6  # sandbox, web, two modem daemons, worker, beat (and Redis)
    first.process.kill()
    until(lambda: not any(alive(pid) for pid in children), 60, "children of the killed demo gone")
    assert healthy(second.base)
    assert second.process.poll() is None

    children = descendants(second.process.pid)
    second.process.send_signal(signal.SIGTERM)
    assert second.process.wait(60) == 0
    until(lambda: not any(alive(pid) for pid in children), 30, "children of the stopped demo gone")


def test_demo_on_a_taken_port_says_so_and_leaves_nothing_running(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "scrm.cli", "demo", "--port", str(port)],
            capture_output=True,
            text=True,
            env=embedded_env(var_dir),
            cwd=ROOT,
            timeout=180,
            check=False,
        )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: 端口 {port} 已被占用，请换一个端口（--port）/ port {port} is already in use\n"
    )
    assert processes_mentioning(str(var_dir)) == []


def test_serve_stops_the_embedded_servers_it_started(tmp_path: Path) -> None:
    var_dir, port = tmp_path / "var", free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        serve = subprocess.Popen(
            [sys.executable, "-m", "scrm.cli", "serve", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=embedded_env(var_dir),
            cwd=ROOT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        until(lambda: healthy(base) or serve.poll() is not None, 180, "serve healthy")
        assert serve.poll() is None, log.read_text()
        servers = processes_mentioning(str(var_dir))
        postmaster = int((var_dir / "postgres" / "postmaster.pid").read_text().split()[0])
        assert postmaster in servers
        assert any("redis-server" in Path(f"/proc/{pid}/cmdline").read_text() for pid in servers)
        serve.send_signal(signal.SIGTERM)
        serve.wait(60)
        until(lambda: processes_mentioning(str(var_dir)) == [], 60, "embedded servers stopped")
    finally:
        if serve.poll() is None:
            serve.kill()
        stop_leftovers(tmp_path)
