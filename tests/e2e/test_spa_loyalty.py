"""The members and loyalty screens of the Vue console in the system Chromium: each opens clean at
three widths, and the forms save what was typed (money typed in 元 is stored in fen) or show the
API's refusal at the field and save nothing."""

from datetime import timedelta
from typing import Any

import pytest

from crm_core import clock
from crm_core.org.models import Department
from loyalty.coupons.models import CouponTemplate
from loyalty.lottery.models import Activity, Award, AwardStatus
from loyalty.lottery.service import draw
from loyalty.mall.models import ItemKind, MallItem
from loyalty.points.models import Account, PointsEntry
from members.models import Member
from tests.e2e.spa import (
    WIDTHS,
    ConsoleTab,
    choose,
    confirm,
    field_error,
    open_console,
    shows,
    submit,
)
from tests.factories import PASSWORD, make_staff, make_store
from tests.loyalty.factories import make_activity, make_member, make_prize, make_template

pytestmark = pytest.mark.browser

SCREENS = {
    "members": "/admin/members",
    "member-detail": "/admin/members/{member}",
    "profile-rewards": "/admin/members/profile-rewards",
    "member-center": "/admin/members/center",
    "points": "/admin/loyalty/points",
    "program": "/admin/loyalty/program",
    "coupons": "/admin/loyalty/coupons",
    "lotteries": "/admin/loyalty/lotteries",
    "lottery": "/admin/loyalty/lotteries/{wheel}",
    "mall": "/admin/loyalty/mall",
    "fulfilment": "/admin/loyalty/fulfilment",
    "red-packets": "/admin/loyalty/red-packets",
}


async def seed() -> dict[str, int]:
    root = await Department.create(name="总部")
    store = await make_store(root, code="SH001", name="上海南京西路店")
    await make_staff("admin", username="boss", department=root)
    member = await make_member(points=200, name="王女士")
    await Member.filter(id=member.id).update(
        phone="+8613800138000", card_no="88000000000042", first_store_id=store.id
    )
    await make_member(name="李先生")
    await make_template(name="满100减10券")
    wheel = await make_activity(name="周年庆转盘")
    await make_prize(wheel, name="帆布袋", weight=3, stock=5)
    await make_prize(wheel, name="谢谢参与", kind="none", weight=1)
    won = await draw(wheel.id, member.id, key="spa-award-1")
    if won.award_id:
        await Award.filter(id=won.award_id).update(
            status=AwardStatus.AWAITING_SHIPMENT, recipient="王女士", address="上海市黄浦区1号"
        )
    await MallItem.create(name="品牌雨伞", kind=ItemKind.PHYSICAL, points_price=900, stock=10)
    return {"member": member.id, "wheel": wheel.id, "store": store.id}


async def console(browser: Any, base: str, width: str = "desktop") -> ConsoleTab:
    """Signed in as "boss" through POST /api/v1/auth/session, the console's own login call."""
    tab = await open_console(browser, base, "boss", width=width, login=False)
    signed = await tab.context.request.post(
        f"{base}/api/v1/auth/session", data={"username": "boss", "password": PASSWORD}
    )
    assert signed.status == 200, await signed.text()
    return tab


async def test_screens_open_clean_at_three_widths(live_server: str, browser: Any) -> None:
    world = await seed()
    for width in WIDTHS:
        tab = await console(browser, live_server, width)
        for name, path in SCREENS.items():
            await tab.goto(path.format(**world))
            await tab.screenshot(f"loyalty-{name}")
            assert tab.page.url.endswith(path.format(**world)), tab.page.url
            await tab.page.locator(".page").first.wait_for()
            tab.assert_clean()
            await tab.screenshot(f"loyalty-{name}")
        await tab.close()


async def test_member_list_search_detail_and_profile(live_server: str, browser: Any) -> None:
    world = await seed()
    tab = await console(browser, live_server)
    # The caller-ID card links with ?phone=: the list opens searched, phones masked.
    await tab.goto("/admin/members?phone=%2B8613800138000")
    assert await tab.page.input_value("input[data-test=table-search]") == "+8613800138000"
    table = await tab.page.inner_text(".el-table")
    assert "138****8000" in table
    assert "王女士" in table
    assert "李先生" not in table
    await tab.page.click("text=王女士")
    await tab.page.wait_for_url(f"**/admin/members/{world['member']}")
    await tab.page.wait_for_load_state("networkidle")
    assert await tab.page.inner_text("[data-test=points]") == "200"

    await tab.page.fill("input[name=address]", "人民路 8 号")
    await tab.page.fill("[data-test=birthday] input, input[name=birthday]", "1990-08-15")
    await tab.page.keyboard.press("Enter")
    await submit(tab, "save-profile")
    stored = await Member.get(id=world["member"])
    assert (stored.address, str(stored.birthday)) == ("人民路 8 号", "1990-08-15")
    # The page reloads the member after a save: the birthday this year is shown.
    await shows(tab, "[data-test=birthday-this-year]", f"{clock.local_now().year}-08-15")

    tab.expect_failure("PUT", r"/api/v1/members/\d+/profile", 422)
    future = (clock.local_now() + timedelta(days=400)).date().isoformat()
    await tab.page.fill("input[name=address]", "改不了的地址")
    await tab.page.fill("[data-test=birthday] input, input[name=birthday]", future)
    await tab.page.keyboard.press("Enter")
    await submit(tab, "save-profile")
    assert "生日不能晚于今天" in await field_error(tab).inner_text()
    assert (await Member.get(id=world["member"])).address == "人民路 8 号"
    tab.assert_clean()
    await tab.screenshot("loyalty-member-profile-error")
    await tab.close()


async def test_points_adjustment(live_server: str, browser: Any) -> None:
    world = await seed()
    tab = await console(browser, live_server)
    await tab.goto("/admin/loyalty/points")
    await tab.page.click("[data-test=adjust]")
    await choose(tab, "[data-test=member]", "王", "王女士")
    await tab.page.fill("input[name=points]", "30")
    await tab.page.fill("input[name=reason]", "门店活动补发")
    await submit(tab, "save", sends=False)
    await confirm(tab)
    account = await Account.get(member_id=world["member"])
    assert account.balance == 230
    assert await PointsEntry.filter(reason="门店活动补发", delta=30).count() == 1

    tab.expect_failure("POST", r"/api/v1/loyalty/members/\d+/adjustments", 422)
    await tab.page.click("[data-test=adjust]")
    await choose(tab, "[data-test=member]", "王", "王女士")
    await tab.page.click("[data-test=direction] >> text=扣减")
    await tab.page.fill("input[name=points]", "10")
    await tab.page.fill("input[name=reason]", "x")
    await submit(tab, "save", sends=False)
    await confirm(tab)
    await field_error(tab).wait_for()
    assert (await Account.get(member_id=world["member"])).balance == 230
    tab.assert_clean()
    await tab.screenshot("loyalty-points-adjust-error")
    await tab.close()


async def test_coupon_template_money_is_typed_in_yuan(live_server: str, browser: Any) -> None:
    await seed()
    tab = await console(browser, live_server)
    await tab.goto("/admin/loyalty/coupons")
    before = await CouponTemplate.all().count()

    tab.expect_failure("POST", "/api/v1/loyalty/coupon-templates", 422)
    await tab.page.click("[data-test=create]")
    await tab.page.locator(".el-dialog .money-input input").first.fill("12.50")
    await submit(tab, "save")
    await field_error(tab).wait_for()
    assert await CouponTemplate.all().count() == before

    await tab.page.fill("input[name=name]", "满50减12.5")
    await tab.page.locator(".el-dialog .money-input input").nth(1).fill("50")
    await submit(tab, "save")
    template = await CouponTemplate.get(name="满50减12.5")
    assert (template.amount_off_fen, template.threshold_fen, template.valid_days) == (
        1250,
        5000,
        30,
    )
    await shows(tab, ".el-table__row", "减 ¥12.50")  # the list reloads after the save
    tab.assert_clean()
    await tab.close()


async def test_lottery_and_mall_item_forms(live_server: str, browser: Any) -> None:
    await seed()
    tab = await console(browser, live_server)
    await tab.goto("/admin/loyalty/lotteries")
    await tab.page.click("[data-test=create]")
    await tab.page.fill("input[name=name]", "双十二转盘")
    await submit(tab, "save", sends=False)
    assert "请选择活动时间" in await field_error(tab).inner_text()
    assert await Activity.filter(name="双十二转盘").count() == 0
    inputs = tab.page.locator(".el-dialog .el-range-input")
    await inputs.nth(0).fill("2027-12-01 00:00:00")
    await inputs.nth(1).fill("2027-12-31 23:59:59")
    await tab.page.keyboard.press("Enter")
    await tab.page.click(".el-dialog__header")
    await submit(tab, "save")
    await tab.page.wait_for_url("**/admin/loyalty/lotteries/*")
    activity = await Activity.get(name="双十二转盘")
    assert activity.starts_at.isoformat().startswith("2027-11-30T16:00:00")

    await tab.goto("/admin/loyalty/mall")
    await tab.page.locator(".el-table button:visible", has_text="编辑").first.click()
    tab.expect_failure("PATCH", r"/api/v1/loyalty/mall/items/\d+", 422)
    await tab.page.fill("input[name=name]", "")
    await submit(tab, "save")
    assert await field_error(tab).inner_text() == "内容太短"
    assert await MallItem.filter(name="品牌雨伞", points_price=900).count() == 1
    await tab.page.fill("input[name=name]", "品牌晴雨伞")
    await tab.page.fill("input[name=points_price]", "750")
    await tab.page.fill("input[name=image_url]", "/static/umbrella.png")
    await submit(tab, "save")
    item = await MallItem.get(name="品牌晴雨伞")
    assert (item.points_price, item.image_url) == (750, "/static/umbrella.png")
    tab.assert_clean()
    await tab.close()
