"""End to end with real processes (sandbox, web, Celery worker, modem daemon on a pty): the
sandbox phone follows through a guide's code and receives the follow gift, opens the member
center, binds a card with the SMS code, checks in, spins the wheel and redeems in the mall; a
purchase through the till API then raises the tier."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
import pytest

from loyalty.coupons.models import Coupon
from loyalty.gifts.models import FollowGift
from loyalty.lottery.models import PrizeKind
from loyalty.mall.models import ItemKind, MallItem
from loyalty.points.models import Account, EntryKind, PointsEntry
from members.models import Member
from tests.e2e.conftest import eventually, make_demo_account, member_card_stack
from tests.factories import bearer, make_staff
from tests.loyalty.factories import (
    make_activity,
    make_prize,
    make_program,
    make_template,
    make_tiers,
)
from tests.wechat.callback_support import make_shop
from wechat.models import QrCode
from wechat.sandbox.__main__ import DEMO_APP
from wechat.service import accounts

pytestmark = pytest.mark.e2e


@pytest.fixture
def stack(booted: object) -> Iterator[dict[str, str]]:
    with member_card_stack("journey", imsi="460001234560002", seed=2, worker=True) as urls:
        yield urls


def csrf_of(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


async def balance(member_id: int) -> int:
    account = await Account.get_or_none(member_id=member_id)
    return account.balance if account else 0


async def test_follow_gift_card_checkin_wheel_mall_then_a_purchase_raises_the_tier(
    stack: dict[str, str],
) -> None:
    shop = await make_shop()
    await make_demo_account()
    await make_program(checkin_points=5, points_per_yuan=1)
    tiers = await make_tiers()
    activity = await make_activity(name="开业大转盘", free_draws_per_day=1)
    await make_prize(activity, name="50积分", kind=PrizeKind.POINTS, points=50)
    coupon_template = await make_template(name="10元代金券")
    item = await MallItem.create(
        name="10元代金券",
        kind=ItemKind.COUPON,
        points_price=100,
        stock=5,
        coupon_template_id=coupon_template.id,
    )
    admin = await make_staff("admin")
    async with (
        httpx.AsyncClient(timeout=15) as http,
        httpx.AsyncClient(base_url=stack["web"], timeout=15) as browser,
    ):
        created = await http.post(
            f"{stack['web']}/api/v1/wechat/qrcodes",
            json={
                "account_id": (await accounts.list_accounts())[0].id,
                "kind": "guide",
                "name": "导购码",
                "guide_id": shop.guide.id,
            },
            headers=await bearer(admin),
        )
        assert created.status_code == 201, created.text
        code = await eventually(
            lambda: QrCode.get_or_none(id=created.json()["id"], status="active")
        )
        await FollowGift.create(name="关注送 100 积分", qrcode_id=code.id, points=100)

        # 1. Follow by scanning the guide's code: the follow gift arrives through the worker.
        user = (
            await http.post(
                f"{stack['sandbox']}/sandbox/api/users",
                json={"appid": DEMO_APP["appid"], "nickname": "林会员"},
            )
        ).json()
        await http.post(
            f"{stack['sandbox']}/sandbox/api/act",
            json={"openid": user["openid"], "action": "scan", "ticket": code.ticket},
        )
        member = await eventually(lambda: Member.get_or_none(first_guide_id=shop.guide.id))
        assert await eventually(
            lambda: PointsEntry.filter(account__member_id=member.id, kind=EntryKind.FOLLOW).exists()
        )
        assert await balance(member.id) == 100

        # 2. Open the member center through WeChat OAuth as that same user.
        start = await browser.get("/h5/member")
        authorize = start.headers["location"].split("#", 1)[0]
        granted = await http.get(f"{authorize}&__as={user['openid']}")
        back = urlsplit(granted.headers["location"])
        assert (await browser.get(f"{back.path}?{back.query}")).status_code == 303
        token = csrf_of((await browser.get("/h5/member")).text)

        # 3. Bind a card with the SMS code the modem daemon delivers to the sandbox phone.
        sent = await browser.post(
            "/h5/member/code", data={"phone": "13700002222", "csrf_token": token}
        )
        assert "notice=sent" in sent.headers["location"]

        async def code_on_phone() -> str | None:
            messages = (await http.get(f"{stack['sandbox']}/sandbox/api/sms")).json()["messages"]
            found = [
                re.search(r"验证码是(\d{6})", m["text"])
                for m in messages
                if m["to"] == "+8613700002222"
            ]
            return found[-1].group(1) if found and found[-1] else None

        sms_code = await eventually(code_on_phone, timeout=60)
        await browser.post(
            "/h5/member/bind", data={"phone": "13700002222", "code": sms_code, "csrf_token": token}
        )
        assert (await Member.get(id=member.id)).card_no is not None

        # 4. Check in (+5), 5. spin the wheel (+50), 6. redeem in the mall (-100).
        await browser.post("/h5/member/checkin", data={"csrf_token": token})
        assert await balance(member.id) == 105
        spun = await browser.post(
            f"/h5/member/wheel/{activity.id}/draw",
            data={"csrf_token": token, "key": "journey-spin-1"},
            headers={"Accept": "application/json"},
        )
        assert spun.json()["outcome"] == "win"
        assert await balance(member.id) == 155
        bought = await browser.post(
            f"/h5/member/mall/{item.id}/exchange",
            data={"csrf_token": token, "key": "journey-buy-1"},
        )
        assert bought.headers["location"] == "/h5/member/mall/orders"
        assert await balance(member.id) == 55
        assert await Coupon.filter(member_id=member.id).count() == 1
        home = (await browser.get("/h5/member")).text
        assert 'data-testid="tier">普卡<' in home
        assert 'data-testid="card-points">55<' in home

        # 7. A ¥1,000 purchase through the till API earns 1,000 points and upgrades at once.
        order = await http.post(
            f"{stack['web']}/api/v1/sales/orders",
            json={
                "order_no": "JOURNEY-1",
                "store_id": shop.store.id,
                "member_id": member.id,
                "paid_at": datetime.now(UTC).isoformat(),
                "lines": [
                    {
                        "product_code": "SKU-1",
                        "product_name": "大衣",
                        "quantity": 1,
                        "unit_price_fen": 100_000,
                    }
                ],
            },
            headers=await bearer(admin),
        )
        assert order.status_code == 201, order.text
        upgraded = await eventually(
            lambda: Account.get_or_none(member_id=member.id, tier_id=tiers[1].id)
        )
        assert upgraded.balance == 1055
        home = (await browser.get("/h5/member")).text
        assert 'data-testid="tier">银卡<' in home
        orders = (await browser.get("/h5/member/orders")).text
        assert "JOURNEY-1" in orders
        assert "¥1000" in orders
