"""Real processes: four Celery workers send 90 template messages under one limit of 60 a minute
per official account, and the WeChat sandbox (its own process) never sees more than 60 calls in
any 60 seconds."""

import json
from collections.abc import Iterator

import httpx
import pytest

from campaigns.sends import service
from campaigns.sends.models import Delivery
from campaigns.sends.schemas import MessageContent
from crm_core import jobs
from crm_core.celery import app as celery_app
from tests.campaigns.support import make_fan, make_member
from tests.e2e.conftest import eventually, make_demo_account, sandbox_and_workers
from wechat.models import OfficialAccount
from wechat.sandbox.__main__ import DEMO_APP

pytestmark = pytest.mark.e2e
LIMIT, WINDOW, MESSAGES = 60, 60.0, 90
NOTICE = MessageContent(
    template_id="TPL_ORDER", template_data={"thing1": "订单已发货"}, marketing=False
)


@pytest.fixture
def send_stack(booted: object) -> Iterator[str]:
    limits = json.dumps({"template": [LIMIT, int(WINDOW)]})
    with sandbox_and_workers("rate", 4, SCRM_SENDS__RATE_LIMITS=limits) as sandbox:
        yield sandbox


def most_in_one_window(times: list[float]) -> int:
    """The most calls in any window of WINDOW seconds, ends included."""
    return max(sum(1 for t in times if start <= t <= start + WINDOW) for start in times)


async def test_four_workers_keep_one_global_template_limit(
    send_stack: str, published_jobs: list[jobs.Job]
) -> None:
    openids = [f"o_rate_{n:03d}" for n in range(MESSAGES)]
    async with httpx.AsyncClient(base_url=send_stack, timeout=15) as http:
        seed = {
            "apps": [{**DEMO_APP, "templates": ["TPL_ORDER"]}],
            "users": [
                {"appid": DEMO_APP["appid"], "openid": o, "subscribed": True} for o in openids
            ],
        }
        assert (await http.post("/__admin/reset", json=seed)).status_code == 200
        await make_demo_account()
        account = await OfficialAccount.get(appid=DEMO_APP["appid"])
        for openid in openids:
            member = await make_member()
            await make_fan(account, member, openid)
            await service.enqueue("notice:shipped", "test", member.id, NOTICE)
        # All at once onto the real broker: the workers race for the account's 60 slots.
        for job in published_jobs:
            celery_app.send_task(job.name, kwargs=job.kwargs)

        async def all_sent() -> bool:
            return await Delivery.filter(status="sent").count() == MESSAGES

        await eventually(all_sent, timeout=WINDOW * 2)
        calls = (await http.get("/__admin/outbox")).json()["messages"]

    assert len(published_jobs) == MESSAGES
    assert sorted(c["touser"] for c in calls) == openids  # every member exactly once
    assert {c["kind"] for c in calls} == {"template"}
    rows = await Delivery.all().values_list("channel", "attempts", "wechat_msgid")
    assert (
        sorted((channel, attempts) for channel, attempts, _ in rows) == [("template", 1)] * MESSAGES
    )
    assert sorted(msgid for *_, msgid in rows) == sorted(c["msgid"] for c in calls)
    times = sorted(c["received_at"] for c in calls)
    assert most_in_one_window(times) == LIMIT, [round(t - times[0], 3) for t in times]
    # The first 60 went out together; the 61st waited for the first to leave the window.
    assert times[LIMIT - 1] - times[0] < WINDOW / 2
    assert times[LIMIT] - times[0] > WINDOW
