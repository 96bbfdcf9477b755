"""Real processes: a Celery worker runs async tasks on its own event loop with Tortoise booted,
and the `scrm` CLI works against the test database."""

import asyncio
import os
import subprocess
import sys

import pytest

from crm_core.celery import app as celery_app
from crm_core.org.models import Staff
from crm_core.redis import get_redis
from scrm import wiring

pytestmark = pytest.mark.e2e


def scrm(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrm.cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=os.environ.copy(),
        timeout=120,
        check=False,
    )


async def test_worker_runs_tasks_on_one_loop_per_process(booted: wiring.Urls) -> None:
    worker = subprocess.Popen(
        [sys.executable, "-m", "scrm.cli", "worker", "--concurrency", "2", "--pool", "prefork"],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        answers = set()
        for _ in range(6):
            await get_redis().delete("scrm:heartbeat")
            celery_app.send_task("crm_core.record_heartbeat")
            for _ in range(300):
                value = await get_redis().get("scrm:heartbeat")
                if value:
                    answers.add(value.split("pid=")[1])
                    break
                await asyncio.sleep(0.1)
            else:
                pytest.fail("the worker did not run the task within 30 s")
        assert worker.pid not in {int(pid) for pid in answers}  # prefork children ran them
    finally:
        worker.terminate()
        worker.wait(20)


async def test_createsuperuser_and_migrate_from_the_cli() -> None:
    created = await asyncio.to_thread(
        scrm, "createsuperuser", "--username", "boss", "--name", "老板", "--password", "boss-pass-1"
    )
    assert created.returncode == 0, created.stderr
    assert "已创建管理员 boss" in created.stdout
    boss = await Staff.get(username="boss")
    assert [r.code for r in await boss.roles.all()] == ["admin"]
    duplicate = await asyncio.to_thread(
        scrm,
        "createsuperuser",
        "--username",
        "boss",
        "--name",
        "又一个",
        "--password",
        "boss-pass-1",
    )
    assert duplicate.returncode == 1
    assert "登录名“boss”已被使用" in duplicate.stderr
    weak = await asyncio.to_thread(
        scrm, "createsuperuser", "--username", "weak", "--name", "弱", "--password", "short"
    )
    assert weak.returncode == 1
    assert not await Staff.exists(username="weak")
    again = await asyncio.to_thread(scrm, "migrate")
    assert again.returncode == 0, again.stderr
