"""A real web server process on a free port, sharing the test session's database and Redis."""

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


def spawn(name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / f"e2e-{name}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", *args], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT
    )


def wait_ready(names: list[str], timeout: float = 60) -> None:
    """Celery workers spawned under these names have logged that they are ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        logs = [(ARTIFACTS / f"e2e-{name}.log").read_text(errors="replace") for name in names]
        if all("ready" in log for log in logs):
            return
        time.sleep(0.2)
    raise TimeoutError(names)


async def eventually(probe: Callable[[], Awaitable[T | None]], timeout: float = 30) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = await probe()
        if value:
            return value
        await asyncio.sleep(0.2)
    raise AssertionError("condition not reached in time")


@contextlib.contextmanager
def member_card_stack(
    prefix: str, *, imsi: str, seed: int, worker: bool
) -> Iterator[dict[str, str]]:
    """The member card's real processes: the WeChat sandbox (its SMS inbox reads the modem
    simulator's handsets), the web app, a modem daemon on a pty, and optionally a worker with
    the sandbox pushing events to the web callback."""
    from scrm.demo_sms import serve_handsets
    from sms_gateway.simulator import ModemSim
    from wechat.sandbox.__main__ import DEMO_APP

    web_port, sandbox_port, handset_port = free_port(), free_port(), free_port()
    web, sandbox = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{sandbox_port}"
    simulator = ModemSim(imsi=imsi, seed=seed)
    device = simulator.start()
    handsets = serve_handsets([simulator], handset_port)
    env = {**os.environ, "WECHAT_API_BASE": sandbox, "SCRM_BASE_URL": web, "SCRM_ENV": "test"}
    pushes = ["--webhook", f"{web}/wechat/{DEMO_APP['appid']}/callback"] if worker else []
    processes = [
        spawn(
            f"{prefix}-sandbox",
            [
                "wechat.sandbox",
                "--port",
                str(sandbox_port),
                *pushes,
                "--sms-inbox",
                f"http://127.0.0.1:{handset_port}/sms",
            ],
            env,
        ),
        spawn(f"{prefix}-web", ["scrm.cli", "serve", "--port", str(web_port)], env),
        spawn(f"{prefix}-daemon", ["scrm.cli", "modem-daemon", "--port", device], env),
    ]
    if worker:
        processes.append(
            spawn(
                f"{prefix}-worker",
                ["scrm.cli", "worker", "--pool", "solo", "--concurrency", "1"],
                env,
            )
        )
    try:
        wait_for(f"{sandbox}/sandbox/api/apps", processes[0])
        wait_for(f"{web}/healthz", processes[1])
        yield {"web": web, "sandbox": sandbox}
    finally:
        stop_all(processes)
        handsets.shutdown()
        simulator.stop()


@contextlib.contextmanager
def sandbox_and_workers(prefix: str, workers: int, **env: str) -> Iterator[str]:
    """The WeChat sandbox (its own process, with the demo account) and Celery worker processes
    calling it, logging as `<prefix>-worker-<n>`; yields the sandbox's URL."""
    sandbox = f"http://127.0.0.1:{free_port()}"
    env = {**os.environ, "WECHAT_API_BASE": sandbox, "SCRM_ENV": "test", **env}
    names = [f"{prefix}-worker-{n}" for n in range(1, workers + 1)]
    processes = [
        spawn(f"{prefix}-sandbox", ["wechat.sandbox", "--port", sandbox.rsplit(":", 1)[1]], env)
    ]
    processes += [
        spawn(name, ["scrm.cli", "worker", "--pool", "solo", "--concurrency", "1"], env)
        for name in names
    ]
    try:
        wait_for(f"{sandbox}/sandbox/api/apps", processes[0])
        wait_ready(names)
        yield sandbox
    finally:
        stop_all(processes)


def stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def web_server() -> Iterator[str]:
    """`scrm serve` on a free port with this process's environment, until the block ends."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / f"server-{port}.log").open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "scrm.cli", "serve", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=os.environ.copy(),
        )
        try:
            # A loaded CI machine (2 cores, parallel jobs) can take ~40 s to boot the app.
            wait_for(f"http://127.0.0.1:{port}/healthz", process, timeout=120)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(10)


class _SharedServer:
    """One web server at a time, kept while the environment it was started with stays the
    same (pytest's own PYTEST_CURRENT_TEST aside); a changed one stops it and starts another."""

    def __init__(self) -> None:
        self.key: frozenset[tuple[str, str]] | None = None
        self.stack = contextlib.ExitStack()
        self.address = ""

    def url(self) -> str:
        key = frozenset(i for i in os.environ.items() if i[0] != "PYTEST_CURRENT_TEST")
        if key != self.key:
            self.stack.close()
            self.key, self.address = key, self.stack.enter_context(web_server())
        return self.address


@pytest.fixture(scope="session")
def shared_server() -> Iterator[_SharedServer]:
    """Kept for the session: the tests empty the database and Redis between them, which is all
    a server keeps, and booting one per test cost seconds each."""
    server = _SharedServer()
    with server.stack:
        yield server


@pytest.fixture
def live_server(
    booted: object, request: pytest.FixtureRequest, shared_server: _SharedServer
) -> Iterator[str]:
    """A web server for the test. Tests marked `fresh_server` (what they read is cached in the
    server's process for a few seconds, like the member center's theme) get their own."""
    if request.node.get_closest_marker("fresh_server"):
        with web_server() as url:
            yield url
    else:
        yield shared_server.url()


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    if CHROMIUM is None:
        pytest.fail("Chromium is missing: apt-get install chromium (make test does this)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        await instance.close()


async def make_demo_account() -> None:
    """The sandbox's demo official account (safe mode), as `scrm demo` connects it."""
    from crm_core.audit import SYSTEM
    from wechat.models import AccountMode
    from wechat.sandbox.__main__ import DEMO_APP
    from wechat.schemas import AccountCreate
    from wechat.service import accounts

    await accounts.create_account(
        SYSTEM,
        AccountCreate(
            appid=DEMO_APP["appid"],
            name=DEMO_APP["name"],
            secret=DEMO_APP["secret"],  # type: ignore[arg-type]
            token=DEMO_APP["token"],
            aes_key=DEMO_APP["aes_key"],
            mode=AccountMode.SAFE,
        ),
    )
