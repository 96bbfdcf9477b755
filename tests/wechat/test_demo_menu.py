"""The demo's menu links follow the base URL of each start (`scrm demo --port` moves it)."""

from collections.abc import Callable, Iterator

import pytest

from crm_core import jobs
from crm_core.config import get_settings
from scrm.demo_wechat import seed_wechat
from wechat.models import Menu, MenuStatus, OfficialAccount
from wechat.sandbox.__main__ import DEMO_APP


@pytest.fixture
def served_from(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    def move(url: str) -> None:
        monkeypatch.setenv("SCRM_BASE_URL", url)
        get_settings.cache_clear()

    yield move
    get_settings.cache_clear()


def menu_of(base: str) -> list[dict[str, object]]:
    return [
        {"type": "view", "name": "会员中心", "url": f"{base}/h5/member"},
        {"type": "click", "name": "附近门店", "key": "STORES"},
        {
            "name": "更多",
            "sub_button": [
                {"type": "click", "name": "联系客服", "key": "SERVICE"},
                {"type": "view", "name": "品牌官网", "url": "https://example.com"},
            ],
        },
    ]


async def test_every_start_moves_the_menu_links_to_its_base_url(
    served_from: Callable[[str], None], published_jobs: list[jobs.Job]
) -> None:
    served_from("http://127.0.0.1:8001")
    await seed_wechat()
    account = await OfficialAccount.get(appid=DEMO_APP["appid"])
    menu = await Menu.get(account_id=account.id)
    assert menu.buttons == menu_of("http://127.0.0.1:8001")
    edited = [*menu.buttons[:2], {"type": "view", "name": "签到", "url": "http://x/h5/checkin?a=1"}]
    await Menu.filter(id=menu.id).update(buttons=edited)

    served_from("http://127.0.0.1:9002")
    await seed_wechat()
    menu = await Menu.get(account_id=account.id)
    assert menu.buttons == [
        *menu_of("http://127.0.0.1:9002")[:2],
        {"type": "view", "name": "签到", "url": "http://127.0.0.1:9002/h5/checkin?a=1"},
    ]
    assert menu.status == MenuStatus.PUBLISHING
    publishes = [job for job in published_jobs if job.name == "wechat.publish_menu"]
    assert [job.kwargs for job in publishes] == [{"menu_id": menu.id}, {"menu_id": menu.id}]
