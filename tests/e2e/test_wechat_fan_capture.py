"""End to end with real processes: web (uvicorn), Celery worker and the WeChat sandbox.

The phone simulator scans a guide's code: the welcome reply comes back to the phone and the
member is attributed to that guide and store. The same delivery three times at once has one effect.
"""

import asyncio
import os
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from members.models import Member, MemberTouch
from tests.e2e.conftest import eventually, free_port, make_demo_account, spawn, stop_all, wait_for
from tests.factories import bearer
from tests.wechat.callback_support import event_xml, make_shop
from wechat.crypto import MessageCipher, random_nonce, sign
from wechat.models import Fan, InboundEvent, QrCode, QrDailyStat
from wechat.replies import cdata
from wechat.sandbox.__main__ import DEMO_APP
from wechat.service import accounts

pytestmark = pytest.mark.e2e


@pytest.fixture
def stack(booted: object) -> Iterator[dict[str, str]]:
    web_port, sandbox_port = free_port(), free_port()
    web = f"http://127.0.0.1:{web_port}"
    sandbox = f"http://127.0.0.1:{sandbox_port}"
    env = {**os.environ, "WECHAT_API_BASE": sandbox, "SCRM_ENV": "test"}
    processes = [
        spawn(
            "sandbox",
            [
                "wechat.sandbox",
                "--port",
                str(sandbox_port),
                "--webhook",
                f"{web}/wechat/{DEMO_APP['appid']}/callback",
            ],
            env,
        ),
        spawn("web", ["scrm.cli", "serve", "--port", str(web_port)], env),
        spawn("worker", ["scrm.cli", "worker", "--pool", "solo", "--concurrency", "1"], env),
    ]
    try:
        wait_for(f"{sandbox}/sandbox/api/apps", processes[0])
        wait_for(f"{web}/healthz", processes[1])
        yield {"web": web, "sandbox": sandbox}
    finally:
        stop_all(processes)


async def test_scan_guide_code_in_phone_simulator(stack: dict[str, str]) -> None:
    shop = await make_shop()
    await make_demo_account()
    account_id = (await accounts.list_accounts())[0].id
    async with httpx.AsyncClient(timeout=15) as http:
        created = await http.post(
            f"{stack['web']}/api/v1/wechat/qrcodes",
            json={
                "account_id": account_id,
                "kind": "guide",
                "name": "张小美的导购码",
                "guide_id": shop.guide.id,
                "welcome_text": "欢迎光临{store}，导购{guide}为您服务",
            },
            headers=await bearer(await _admin()),
        )
        assert created.status_code == 201, created.text
        code_id = created.json()["id"]
        # The worker asks the sandbox for the ticket.
        code = await eventually(lambda: QrCode.get_or_none(id=code_id, status="active"))

        user = (
            await http.post(
                f"{stack['sandbox']}/sandbox/api/users",
                json={"appid": DEMO_APP["appid"], "nickname": "王小二"},
            )
        ).json()
        scanned = (
            await http.post(
                f"{stack['sandbox']}/sandbox/api/act",
                json={"openid": user["openid"], "action": "scan", "ticket": code.ticket},
            )
        ).json()
        assert scanned["user_visible_error"] is False
        assert scanned["reply_parsed"]["Content"] == "欢迎光临上海南京西路店，导购张小美为您服务"
        feed = (
            await http.get(
                f"{stack['sandbox']}/sandbox/api/feed", params={"openid": user["openid"]}
            )
        ).json()["entries"]
        assert [e["payload"].get("Content") for e in feed if e["kind"] == "passive"] == [
            "欢迎光临上海南京西路店，导购张小美为您服务"
        ]

        member = await eventually(lambda: Member.get_or_none(first_guide_id=shop.guide.id))
        assert (member.first_store_id, member.last_guide_id) == (shop.store.id, shop.guide.id)
        fan = await eventually(lambda: Fan.get_or_none(openid=user["openid"], member_id=member.id))
        assert (fan.store_id, fan.guide_id, fan.subscribed) == (shop.store.id, shop.guide.id, True)

        # The same signed delivery three times at once: one stored event, one member effect.
        openid = "o_triple_delivery"
        responses = await asyncio.gather(
            *(
                http.post(
                    f"{stack['web']}/wechat/{DEMO_APP['appid']}/callback",
                    params=query,
                    content=body,
                )
                for query, body in [
                    _signed_safe(
                        event_xml(
                            openid,
                            "subscribe",
                            key=f"qrscene_{code.scene}",
                            create_time=int(time.time()),
                        )
                    )
                ]
                * 3
            )
        )
        assert [r.status_code for r in responses] == [200, 200, 200]
        assert len({_decrypt(r.text) for r in responses}) == 1
        await eventually(lambda: Fan.get_or_none(openid=openid, member_id__not_isnull=True))
        await asyncio.sleep(1.0)  # give any duplicate work the chance to show up
    assert await InboundEvent.filter(openid=openid).count() == 1
    assert await Fan.filter(openid=openid).count() == 1
    touches = await MemberTouch.filter(member__identities__value=openid).count()
    assert touches == 1
    stat = await QrDailyStat.get(qrcode_id=code.id)
    assert (stat.scans, stat.new_follows, stat.re_follows) == (2, 2, 0)


async def _admin() -> Any:
    from tests.factories import make_staff

    return await make_staff("admin")


def _signed_safe(xml: str) -> tuple[dict[str, str], bytes]:
    timestamp, nonce = str(int(time.time())), random_nonce()
    cipher = MessageCipher(DEMO_APP["token"], DEMO_APP["aes_key"], DEMO_APP["appid"])
    encrypt = cipher.encrypt(xml)
    query = {
        "signature": sign(DEMO_APP["token"], timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "encrypt_type": "aes",
        "msg_signature": sign(DEMO_APP["token"], timestamp, nonce, encrypt),
    }
    return query, f"<xml><Encrypt>{cdata(encrypt)}</Encrypt></xml>".encode()


def _decrypt(body: str) -> str:
    from wechat.xml import parse_xml

    cipher = MessageCipher(DEMO_APP["token"], DEMO_APP["aes_key"], DEMO_APP["appid"])
    return cipher.decrypt(parse_xml(body)["Encrypt"])[0].split("<CreateTime>")[0]
