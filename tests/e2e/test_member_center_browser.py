"""Playwright on the system Chromium at a phone's size: a member walks the member center (card,
check-in, coupons, the spinning wheel, the mall, purchases, benefits) by tapping, like a person.
The session cookie is set directly; the OAuth sign-in has its own tests."""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest

from crm_core import security
from crm_core.sales.models import SalesOrder
from loyalty.coupons.models import Coupon
from loyalty.lottery.models import Draw, PrizeKind
from loyalty.mall.models import ItemKind, MallItem, MallOrder
from loyalty.points.models import Account, EntryKind
from loyalty.points.service.accounts import earn_points
from members.models import Member
from tests.e2e.conftest import ARTIFACTS
from tests.loyalty.factories import (
    make_activity,
    make_any_store,
    make_member,
    make_prize,
    make_program,
    make_template,
    make_tiers,
)

# What these pages show is cached for a few seconds by the server (the theme).
pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}


async def test_member_taps_through_the_member_center(live_server: str, browser: Any) -> None:
    await make_program(checkin_points=5)
    await make_tiers()
    member = await make_member(name="陈小雨")
    await Member.filter(id=member.id).update(card_no="88000000001234", phone="+8613800001234")
    await earn_points(member.id, 300, kind=EntryKind.CHECKIN, key="seed:browser:1")
    await make_template(name="满100减20", amount_off_fen=2000, claimable=True, stock=10)
    activity = await make_activity(name="双旦大转盘", free_draws_per_day=1)
    await make_prize(activity, name="20积分", kind=PrizeKind.POINTS, points=20, weight=1)
    await make_prize(activity, name="谢谢参与", kind=PrizeKind.NONE, weight=0)
    gift = await make_template(name="兑换券")
    await MallItem.create(
        name="咖啡兑换券",
        kind=ItemKind.COUPON,
        points_price=100,
        stock=3,
        coupon_template_id=gift.id,
    )
    store = await make_any_store()
    await SalesOrder.create(
        store=store,
        order_no="B-2001",
        member_id=member.id,
        total_fen=5800,
        paid_at=datetime(2026, 11, 20, 6, tzinfo=UTC),
        request_hash="h",
        created_at=datetime(2026, 11, 20, 6, tzinfo=UTC),
    )
    token, _ = await security.create_session(member.id, kind="member", ttl_seconds=3600)

    context = await browser.new_context(**PHONE)
    await context.add_cookies(
        [
            {
                "name": "scrm_member",
                "value": token,
                "domain": urlsplit(live_server).hostname,
                "path": "/h5/member",
            }
        ]
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    await page.goto(f"{live_server}/h5/member")
    assert await page.inner_text("[data-testid=card-no]") == "88000000001234"
    assert await page.inner_text("[data-testid=tier]") == "普卡"
    assert await page.inner_text("[data-testid=tier-progress]") == "再获得 700 积分升级为银卡"
    await page.screenshot(path=str(ARTIFACTS / "member-center-home.png"), full_page=True)

    await page.click("[data-testid=entries] a:has-text('签到')")
    await page.click("[data-testid=checkin]")
    assert "签到成功！已连续签到 1 天，获得 5 积分" in await page.inner_text("[role=status]")
    assert await page.inner_text("[data-testid=points-balance]") == "305"

    await page.click(".weui-tabbar a:has-text('优惠券')")
    await page.click("[data-testid=claimable] button")
    assert "领取成功" in await page.inner_text("[role=status]")
    code = (await Coupon.get(member_id=member.id)).code
    assert await page.inner_text("[data-testid=coupon-code]") == code
    assert await page.locator("[data-testid=coupon-qr] svg").is_visible()
    await page.screenshot(path=str(ARTIFACTS / "member-center-coupon.png"), full_page=True)

    await page.goto(f"{live_server}/h5/member/wheel")
    await page.click("[data-testid=activities] a:has-text('双旦大转盘')")
    await page.click("[data-testid=spin]")
    result = page.locator("[data-testid=result]")
    await result.wait_for(state="visible", timeout=15_000)
    assert await result.inner_text() == "恭喜您抽中「20积分」！积分已到账"
    assert await page.inner_text("[data-testid=allowance]") == "今日已抽 1 次"
    turned = await page.eval_on_selector("#wheel", "e => e.style.transform")
    assert turned.startswith("rotate(")
    await page.screenshot(path=str(ARTIFACTS / "member-center-wheel.png"), full_page=True)
    await page.click("[data-testid=spin]")
    await page.wait_for_function(
        "document.querySelector('[data-testid=result]').textContent.includes('次数')"
    )
    assert await Draw.filter(member_id=member.id).count() == 1

    await page.click(".weui-tabbar a:has-text('积分商城')")
    assert await page.inner_text("[data-testid=mall-balance]") == "325"
    await page.click("[data-testid=items] a:has-text('咖啡兑换券')")
    await page.click("[data-testid=exchange]")
    assert (
        await page.inner_text("[data-testid=confirm-text]")
        == "兑换「咖啡兑换券」将消耗 100 积分，兑换后剩余 225 积分。"
    )
    await page.click("[data-testid=confirm-ok]")
    await page.wait_for_url(f"{live_server}/h5/member/mall/orders")
    assert "兑换成功" in await page.inner_text("[role=status]")
    assert "咖啡兑换券" in await page.inner_text("[data-testid=exchanges]")
    assert await MallOrder.filter(member_id=member.id).count() == 1
    assert (await Account.get(member_id=member.id)).balance == 225

    await page.goto(f"{live_server}/h5/member/orders")
    assert "B-2001" in await page.inner_text("[data-testid=orders]")
    await page.goto(f"{live_server}/h5/member/benefits")
    assert "银卡" in await page.inner_text("[data-testid=tiers]")
    await page.screenshot(path=str(ARTIFACTS / "member-center-benefits.png"), full_page=True)
    assert errors == []
    await context.close()
