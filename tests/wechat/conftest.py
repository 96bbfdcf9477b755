"""Fixtures: the sandbox on a real socket, the session's Redis."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import redis.asyncio as aioredis

from crm_core.audit import SYSTEM
from crm_core.config import get_settings
from tests.wechat.support import APPID, SECRET, TOKEN, Served, default_seed, serve
from wechat.models import AccountMode, OfficialAccount
from wechat.sandbox import create_sandbox_app
from wechat.sandbox.admin import seed
from wechat.sandbox.state import SandboxState
from wechat.schemas import AccountCreate
from wechat.service import accounts


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Served]:
    served = serve(create_sandbox_app(push_timeout=1.0))
    yield served
    served.stop()


@pytest.fixture
def sandbox(sandbox_server: Served) -> Iterator[SandboxState]:
    """Fresh state with one plaintext account and two followers (o_alice, o_bob)."""
    state: SandboxState = sandbox_server.app.state.sandbox
    state.reset()
    state.clock.offset = 0
    seed(state, default_seed())
    yield state
    state.reset()


@pytest.fixture
async def redis(booted: Any) -> AsyncIterator[aioredis.Redis]:
    # The session's Redis (configured, or the private embedded one): works with no system Redis.
    client = aioredis.Redis.from_url(booted.redis)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


@pytest.fixture
async def account(
    sandbox: SandboxState, sandbox_server: Served, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[OfficialAccount]:
    """An official account whose API calls go to the in-test sandbox."""
    monkeypatch.setenv("WECHAT_API_BASE", sandbox_server.url)
    get_settings.cache_clear()
    await accounts.create_account(
        SYSTEM,
        AccountCreate(
            appid=APPID,
            name="沙箱号",
            secret=SECRET,
            token=TOKEN,  # type: ignore[arg-type]
            mode=AccountMode.PLAIN,
        ),
    )
    yield await OfficialAccount.get(appid=APPID)
    get_settings.cache_clear()
