"""Sends to fans wait for their account's rate limit per kind of call, shared through Redis."""

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from pydantic import ValidationError

from crm_core import ratelimit
from crm_core.config import get_settings
from crm_core.redis import get_redis
from tests.wechat.support import APPID
from wechat.models import Fan, OfficialAccount
from wechat.sandbox.state import SandboxState
from wechat.service import reach

TEMPLATE_KEY = f"ratelimit:wechat:{APPID}:template"


@contextmanager
def rate_limits(limits: object) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCRM_SENDS__RATE_LIMITS", json.dumps(limits))
        get_settings.cache_clear()
        try:
            yield
        finally:
            get_settings.cache_clear()


async def fans(account: OfficialAccount) -> list[int]:
    return [
        (await Fan.create(account=account, openid=openid, subscribed=True)).id
        for openid in ("o_alice", "o_bob")
    ]


def test_the_limits_come_from_the_environment() -> None:
    with rate_limits({"template": [30, 60]}):
        assert get_settings().sends.rate_limits == {"template": (30, 60)}
    assert get_settings().sends.rate_limits == {}


@pytest.mark.parametrize("limit", [[0, 60], [60, 0], [60]], ids=["no-calls", "no-window", "short"])
def test_a_limit_needs_calls_and_a_window(limit: list[int]) -> None:
    with rate_limits({"template": limit}), pytest.raises(ValidationError):
        get_settings()


async def test_template_sends_wait_for_the_account_s_window(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    alice, bob = await fans(account)
    with rate_limits({"template": [2, 1]}):
        for n, fan_id in enumerate([alice, bob, alice]):
            await reach.send_template(fan_id, "TPL_ORDER", {"thing1": "好"}, client_msg_id=str(n))
    received = [entry["received_at"] for entry in sandbox.outbox]
    assert [entry["touser"] for entry in sandbox.outbox] == ["o_alice", "o_bob", "o_alice"]
    # As WeChat sees it, a full window apart: the first call counted from its answer (its token
    # fetch came after the slot was taken).
    assert received[2] - received[0] >= 1.0
    assert await get_redis().zcard(TEMPLATE_KEY) == 2


async def test_each_kind_has_its_own_window_and_a_missing_kind_is_unlimited(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    alice, _ = await fans(account)
    with rate_limits({"template": [1, 60]}):
        await reach.send_template(alice, "TPL_ORDER", {"thing1": "好"}, client_msg_id="1")
        for n in range(2):
            await reach.send_mass_text(
                account.id, ["o_alice", "o_bob"], "群发", clientmsgid=f"mass-{n}"
            )
    assert [entry["kind"] for entry in sandbox.outbox] == ["template", "mass", "mass"]
    assert await ratelimit.try_acquire(TEMPLATE_KEY, 1, 60.0) > 59
    assert await get_redis().keys("ratelimit:*") == [TEMPLATE_KEY]
