"""The console forms not driven elsewhere, in the system Chromium: each is submitted once valid
(saved with the exact values and shown on the page) and once invalid (the Chinese error at the
field, the database unchanged)."""

import io
from typing import Any

import pytest
from PIL import Image

from crm_core.org.models import Department, Staff
from loyalty.checkin.models import StreakReward
from loyalty.coupons.models import Coupon, CouponStatus, CouponTemplate
from loyalty.gifts.models import FollowGift
from loyalty.lottery.models import Award, AwardStatus, Prize
from loyalty.lottery.service import draw
from loyalty.mall.models import ExchangeStatus, ItemKind, MallItem, MallOrder
from loyalty.mall.schemas import ExchangeCreate
from loyalty.mall.service import exchange
from loyalty.program.models import Program, Tier
from members.models import (
    CenterBanner,
    CenterImage,
    CenterTheme,
    Member,
    MemberMerge,
    MergeStatus,
    ProfileReward,
)
from tests.e2e.spa import choose, confirm, field_error, is_write, shows, submit
from tests.e2e.test_spa_loyalty import console, seed
from tests.e2e.test_spa_wechat import signed_in
from tests.e2e.test_spa_wechat import world as wechat_world
from tests.factories import make_staff
from tests.loyalty.factories import make_activity, make_member, make_prize
from wechat.models import AccountMode, AutoReply, Fan, OfficialAccount, PayMerchant, QrCode

pytestmark = pytest.mark.browser


def error_at(tab: Any, name: str) -> Any:
    """The error under the form item holding the input called `name`."""
    return tab.page.locator(f".el-form-item:has([name={name}]) .el-form-item__error:visible")


async def number(tab: Any, name: str, value: str) -> None:
    """Type into an el-input-number and leave it, so it takes the value."""
    await tab.page.fill(f"input[name={name}]:visible", value)
    await tab.page.keyboard.press("Tab")


async def test_program_rules_tiers_streaks_and_follow_gifts(live_server: str, browser: Any) -> None:
    await seed()
    tab = await console(browser, live_server)
    page = tab.page
    await tab.goto("/admin/loyalty/program")

    # Rules: a dormant threshold past the churned one is refused at the field.
    tab.expect_failure("PUT", "/api/v1/loyalty/program", 422)
    await number(tab, "dormant_days", "200")
    await submit(tab, "save-rules")
    assert await error_at(tab, "churned_days").inner_text() == "沉睡天数必须小于流失天数"
    program = await Program.get(id=1)
    assert (program.dormant_days, program.points_per_yuan) == (90, 1)
    await number(tab, "dormant_days", "60")
    await number(tab, "points_per_yuan", "2")
    await submit(tab, "save-rules")
    program = await Program.get(id=1)
    assert (program.dormant_days, program.churned_days, program.points_per_yuan) == (60, 180, 2)
    assert await page.input_value("input[name=dormant_days]") == "60"
    await error_at(tab, "churned_days").first.wait_for(state="hidden")

    # Tiers: a code that is not lowercase letters is refused; then created and edited.
    await page.click(".el-tabs__item:has-text('会员等级')")
    tab.expect_failure("POST", "/api/v1/loyalty/tiers", 422)
    await page.click("[data-test=create-tier]")
    await page.fill(".el-dialog input[name=name]", "银卡会员")
    await page.fill(".el-dialog input[name=code]", "Silver!")
    await number(tab, "threshold", "1000")
    await number(tab, "multiplier", "1.5")
    await number(tab, "discount", "9.5")
    await submit(tab, "save-tier")
    assert await error_at(tab, "code").inner_text() == "格式不正确"
    assert await Tier.all().count() == 0
    await page.fill(".el-dialog input[name=code]", "silver")
    await submit(tab, "save-tier")
    tier = await Tier.get(code="silver")
    assert (tier.name, tier.threshold, tier.multiplier_percent, tier.discount_percent) == (
        "银卡会员",
        1000,
        150,
        95,
    )
    table = page.locator("[data-test=tier-table]")
    await table.locator("text=累计 1000 积分").wait_for()
    assert "9.5 折" in await table.inner_text()

    tab.expect_failure("PATCH", r"/api/v1/loyalty/tiers/\d+", 422)
    await table.locator("button:visible", has_text="编辑").first.click()
    await page.fill(".el-dialog input[name=name]", " ")
    await submit(tab, "save-tier")
    assert await error_at(tab, "name").inner_text() == "内容太短"
    assert (await Tier.get(id=tier.id)).name == "银卡会员"
    await page.fill(".el-dialog input[name=name]", "白银会员")
    await number(tab, "birthday_points", "88")
    await submit(tab, "save-tier")
    tier = await Tier.get(id=tier.id)
    assert (tier.name, tier.birthday_points, tier.threshold) == ("白银会员", 88, 1000)
    await table.locator("text=白银会员").wait_for()

    # Streak rewards: a red packet under 1 元 is refused at the amount.
    await page.click(".el-tabs__item:has-text('连续签到奖励')")
    tab.expect_failure("PUT", "/api/v1/loyalty/streak-rewards", 422)
    await page.click("[data-test=create-streak]")
    await number(tab, "streak_days", "7")
    await number(tab, "points", "30")
    await page.locator(".el-dialog .money-input input").fill("0.5")
    await submit(tab, "save-streak")
    error = page.locator(".el-dialog .el-form-item:has(.money-input) .el-form-item__error")
    assert await error.inner_text() == "红包金额至少 1 元"
    assert await StreakReward.all().count() == 0
    await page.locator(".el-dialog .money-input input").fill("2")
    await submit(tab, "save-streak")
    reward = await StreakReward.get(streak_days=7)
    assert (reward.points, reward.red_packet_fen, reward.coupon_template_id) == (30, 200, None)
    await page.locator("[data-test=streak-table]", has_text="¥2.00").wait_for()

    # Follow gifts: a gift of nothing is refused.
    await page.click(".el-tabs__item:has-text('关注有礼')")
    tab.expect_failure("POST", "/api/v1/loyalty/follow-gifts", 422)
    await page.click("[data-test=create-gift]")
    await page.fill(".el-dialog input[name=name]", "新粉丝见面礼")
    await page.fill(".el-dialog input[name=channel]", "门店海报")
    await submit(tab, "save-gift")
    assert await error_at(tab, "points").inner_text() == "关注礼须包含积分或优惠券"
    assert await FollowGift.all().count() == 0
    await number(tab, "points", "50")
    await submit(tab, "save-gift")
    gift = await FollowGift.get(name="新粉丝见面礼")
    assert (gift.channel, gift.points, gift.coupon_template_id, gift.qrcode_id) == (
        "门店海报",
        50,
        None,
        None,
    )
    await page.locator("[data-test=gift-table]", has_text="渠道：门店海报").wait_for()
    tab.assert_clean()
    await tab.close()


async def shown_as_shipped(tab: Any, status_filter: str, tracking_no: str) -> None:
    async with tab.page.expect_response(lambda r: "/api/v1/loyalty/" in r.url):
        await tab.page.click(f"[data-test={status_filter}]")
        await tab.page.locator(".el-select-dropdown__item:visible", has_text="已发货").click()
    row = tab.page.locator(".el-table:visible .el-table__row", has_text=tracking_no)
    await row.first.wait_for()
    assert "已发货" in await row.first.inner_text()


async def test_fulfilment_ships_an_award_and_a_mall_order(live_server: str, browser: Any) -> None:
    root = await Department.create(name="总部")
    await make_staff("admin", username="boss", department=root)
    member = await make_member(points=500, name="赵女士")
    wheel = await make_activity(name="发货转盘")
    await make_prize(wheel, name="保温杯", weight=1, stock=5)
    won = await draw(wheel.id, member.id, key="forms-award-1")
    assert won.award_id is not None
    await Award.filter(id=won.award_id).update(
        status=AwardStatus.AWAITING_SHIPMENT, recipient="赵女士", address="杭州市西湖区1号"
    )
    item = await MallItem.create(name="帆布包", kind=ItemKind.PHYSICAL, points_price=100, stock=3)
    order = await exchange(
        item.id,
        ExchangeCreate(
            member_id=member.id,
            idempotency_key="forms-order-1",
            recipient="赵女士",
            phone="13800138000",
            address="杭州市西湖区1号",
        ),
    )
    assert order.status == ExchangeStatus.AWAITING_SHIPMENT
    tab = await console(browser, live_server)
    page = tab.page
    await tab.goto("/admin/loyalty/fulfilment")

    await page.locator(".el-table button:visible", has_text="发货").first.click()
    await page.fill(".el-dialog input[name=tracking_no]", "   ")
    await submit(tab, "save-ship", sends=False)
    assert await field_error(tab).inner_text() == "请填写快递单号"
    assert (await Award.get(id=won.award_id)).status == AwardStatus.AWAITING_SHIPMENT
    await page.fill(".el-dialog input[name=tracking_no]", "SF1234567890")
    await submit(tab, "save-ship", sends=False)
    await confirm(tab)
    award = await Award.get(id=won.award_id)
    assert (award.status, award.tracking_no) == (AwardStatus.SHIPPED, "SF1234567890")
    # The list shows what awaits shipment: the award leaves it, and is found as shipped.
    await shows(tab, ".el-message", "已标记为已发货")
    await shown_as_shipped(tab, "filter-award-status", "SF1234567890")

    await page.click(".el-tabs__item:has-text('商城兑换')")
    await page.locator(".el-table button:visible", has_text="发货").first.click()
    await submit(tab, "save-ship", sends=False)
    assert await field_error(tab).inner_text() == "请填写快递单号"
    assert (await MallOrder.get(id=order.id)).status == ExchangeStatus.AWAITING_SHIPMENT
    await page.fill(".el-dialog input[name=tracking_no]", "YT9876543210")
    await submit(tab, "save-ship", sends=False)
    await confirm(tab)
    stored = await MallOrder.get(id=order.id)
    assert (stored.status, stored.tracking_no) == (ExchangeStatus.SHIPPED, "YT9876543210")
    await shows(tab, ".el-message", "已标记为已发货")
    await shown_as_shipped(tab, "filter-order-status", "YT9876543210")
    tab.assert_clean()
    await tab.close()


async def test_coupon_issue_to_a_member_and_verify_a_code(live_server: str, browser: Any) -> None:
    world = await seed()
    tab = await console(browser, live_server)
    page = tab.page
    await tab.goto("/admin/loyalty/coupons")

    await page.locator(".el-table button:visible", has_text="发给会员").first.click()
    await submit(tab, "save-issue", sends=False)
    assert await field_error(tab).inner_text() == "请选择会员"
    assert await Coupon.all().count() == 0
    await choose(tab, ".el-dialog [data-test=issue-member]", "王", "王女士")
    await submit(tab, "save-issue")
    coupon = await Coupon.get(member_id=world["member"])
    template = await coupon.template
    assert (template.name, coupon.status) == ("满100减10券", CouponStatus.UNUSED)
    await shows(tab, ".el-message", "优惠券已发给会员")

    await page.click("[data-test=verify]")
    await page.fill(".el-dialog input[name=code]", "123")
    await submit(tab, "save-verify", sends=False)
    assert await error_at(tab, "code").inner_text() == "请输入券码（至少 6 位）"
    assert (
        await tab.page.locator(
            ".el-dialog .el-form-item:has([data-test=verify-store]) .el-form-item__error"
        ).inner_text()
        == "请选择核销门店"
    )
    await choose(tab, ".el-dialog [data-test=verify-store]", "上海", "上海南京西路店")
    tab.expect_failure("POST", "/api/v1/loyalty/coupons/verify", 404)
    await page.fill(".el-dialog input[name=code]", "ZZZZZZZZZZ")
    await submit(tab, "save-verify")
    assert await error_at(tab, "code").inner_text() == "券码无效"
    assert (await Coupon.get(id=coupon.id)).status == CouponStatus.UNUSED

    await page.fill(".el-dialog input[name=code]", coupon.code)
    await page.locator(".el-dialog .money-input input").fill("150")
    await page.fill(".el-dialog input[name=order_no]", "POS-0001")
    await submit(tab, "save-verify")
    await shows(tab, "[data-test=verify-result]", "本单优惠 ¥10.00")
    used = await Coupon.get(id=coupon.id)
    assert (used.status, used.used_store_id) == (CouponStatus.USED, world["store"])
    tab.assert_clean()
    await tab.close()


async def test_mall_item_create(live_server: str, browser: Any) -> None:
    await seed()
    tab = await console(browser, live_server)
    page = tab.page
    await tab.goto("/admin/loyalty/mall")
    tab.expect_failure("POST", "/api/v1/loyalty/mall/items", 422)
    await page.click("[data-test=create]")
    await page.fill(".el-dialog input[name=name]", "微信红包 2 元")
    await page.click(".el-dialog .el-radio-button:has-text('红包')")
    await page.locator(".el-dialog .money-input input").fill("0.5")
    await number(tab, "points_price", "300")
    await number(tab, "stock", "50")
    await submit(tab, "save")
    error = page.locator(".el-dialog .el-form-item:has(.money-input) .el-form-item__error")
    assert await error.inner_text() == "红包金额至少 1 元"
    assert await MallItem.filter(name="微信红包 2 元").count() == 0
    await page.locator(".el-dialog .money-input input").fill("2")
    await submit(tab, "save")
    item = await MallItem.get(name="微信红包 2 元")
    assert (item.kind, item.red_packet_fen, item.points_price, item.stock, item.is_active) == (
        ItemKind.RED_PACKET,
        200,
        300,
        50,
        True,
    )
    await shows(tab, ".el-table", "微信红包 2 元")
    tab.assert_clean()
    await tab.close()


async def test_lottery_prize_add(live_server: str, browser: Any) -> None:
    world = await seed()
    tab = await console(browser, live_server)
    page = tab.page
    await tab.goto(f"/admin/loyalty/lotteries/{world['wheel']}")
    tab.expect_failure("POST", r"/api/v1/loyalty/lotteries/\d+/prizes", 422)
    before = await Prize.filter(activity_id=world["wheel"]).count()
    await page.click("[data-test=create-prize]")
    await page.fill(".el-dialog input[name=name]", "现金红包")
    await page.click(".el-dialog .el-select__wrapper")
    await page.locator(".el-select-dropdown__item:visible", has_text="红包").first.click()
    await page.locator(".el-dialog .money-input input").fill("0.5")
    await number(tab, "weight", "20")
    await submit(tab, "save-prize")
    error = page.locator(".el-dialog .el-form-item:has(.money-input) .el-form-item__error")
    assert await error.inner_text() == "红包金额至少 1 元"
    assert await Prize.filter(activity_id=world["wheel"]).count() == before
    await page.locator(".el-dialog .money-input input").fill("2")
    await number(tab, "stock", "30")
    await submit(tab, "save-prize")
    prize = await Prize.get(activity_id=world["wheel"], name="现金红包")
    assert (prize.kind, prize.red_packet_fen, prize.weight, prize.stock, prize.points) == (
        "red_packet",
        200,
        20,
        30,
        0,
    )
    await shows(tab, "[data-test=prize-table]", "现金红包")
    tab.assert_clean()
    await tab.close()


async def test_pay_merchant_for_red_packets(live_server: str, browser: Any) -> None:
    ids = await wechat_world()
    tab = await signed_in(browser, live_server)
    page = tab.page
    await tab.goto("/admin/wechat/accounts")
    tab.expect_failure("PUT", "/api/v1/wechat/pay-merchant", 422)
    await page.click("[data-test=pay-edit]")
    await page.fill(".el-dialog input[name=mch_id]", "1900000109")
    await page.fill(".el-dialog input[name=api_key]", "key-0123456789abcdef")
    await page.fill(".el-dialog input[name=send_name]", "品牌旗舰店")
    await page.fill(".el-dialog input[name=cert_path]", "/etc/scrm/apiclient_cert.pem")
    await submit(tab, "pay-save")
    assert await error_at(tab, "key_path").inner_text() == "API 证书路径与私钥路径需要同时填写"
    assert await PayMerchant.all().count() == 0

    await page.fill(".el-dialog input[name=key_path]", "/etc/scrm/apiclient_key.pem")
    await submit(tab, "pay-save")
    merchant = await PayMerchant.get(account_id=ids["account"])
    assert (merchant.mch_id, merchant.send_name, merchant.cert_path, merchant.key_path) == (
        "1900000109",
        "品牌旗舰店",
        "/etc/scrm/apiclient_cert.pem",
        "/etc/scrm/apiclient_key.pem",
    )
    assert "key-0123456789abcdef" not in merchant.api_key_sealed
    shown = page.locator("[data-test=pay-merchant]")
    await shown.locator("text=1900000109").wait_for()
    assert "品牌旗舰店" in await shown.inner_text()
    assert "key-0123456789abcdef" not in await page.content()
    tab.assert_clean()
    await tab.close()


async def test_fan_detail_tags_and_assignee(live_server: str, browser: Any) -> None:
    ids = await wechat_world()
    tab = await signed_in(browser, live_server)
    page = tab.page
    await tab.goto(f"/admin/wechat/fans/{ids['fan']}")
    tags = page.locator("[data-test=tags]").first
    await tags.click()
    await page.keyboard.type("超" * 31)
    await page.keyboard.press("Enter")
    await submit(tab, "save-tags", sends=False)
    assert await field_error(tab).inner_text() == "每个标签不超过 30 个字"
    assert await (await Fan.get(id=ids["fan"])).tags.all().count() == 0

    await page.locator(
        ".el-select__tags .el-tag__close, .el-select__selection .el-tag__close"
    ).first.click()
    await tags.click()
    for name in ("高价值", "上海"):
        await page.keyboard.type(name)
        await page.keyboard.press("Enter")
    await submit(tab, "save-tags")
    fan = await Fan.get(id=ids["fan"])
    assert sorted(t.name for t in await fan.tags.all()) == sorted(["高价值", "上海"])
    await shows(tab, ".el-message", "标签已保存")
    await field_error(tab).first.wait_for(state="hidden")

    # The person in charge saves as soon as one is chosen.
    boss = await Staff.get(username="boss")
    async with page.expect_response(is_write):
        await choose(tab, "[data-test=assignee]", "测试", "测试员工")
    assert (await Fan.get(id=ids["fan"])).assigned_staff_id == boss.id
    await shows(tab, ".el-message", "已分配")
    tab.assert_clean()
    await tab.close()


async def test_qrcode_detail_rename_and_welcome(live_server: str, browser: Any) -> None:
    ids = await wechat_world()
    tab = await signed_in(browser, live_server)
    page = tab.page
    await tab.goto(f"/admin/wechat/qrcodes/{ids['qrcode']}")
    tab.expect_failure("PATCH", r"/api/v1/wechat/qrcodes/\d+", 422)
    await page.fill("input[name=name]", "  ")
    await page.fill("textarea[name=welcome_text]", "欢迎光临{store}")
    await submit(tab, "save")
    assert await error_at(tab, "name").inner_text() == "内容太短"
    code = await QrCode.get(id=ids["qrcode"])
    assert (code.name, code.welcome_text) == ("门口易拉宝", "")

    await page.fill("input[name=name]", "门口易拉宝（新）")
    await submit(tab, "save")
    code = await QrCode.get(id=ids["qrcode"])
    assert (code.name, code.welcome_text) == ("门口易拉宝（新）", "欢迎光临{store}")
    await shows(tab, ".page", "门口易拉宝（新）")
    await error_at(tab, "name").first.wait_for(state="hidden")
    tab.assert_clean()
    await tab.close()


async def test_profile_rewards(live_server: str, browser: Any) -> None:
    await seed()
    tab = await console(browser, live_server)
    page = tab.page
    await tab.goto("/admin/members/profile-rewards")
    tab.expect_failure("PUT", "/api/v1/members/profile-rewards", 422)
    # An emptied points box is refused at that row's field.
    await page.fill("input[name=points-birthday]", "")
    await page.keyboard.press("Tab")
    await submit(tab, "save-birthday")
    error = page.locator("tr:has(input[name=points-birthday]) .el-form-item__error")
    assert await error.inner_text() == "请填写整数"
    assert await ProfileReward.all().count() == 0

    await number(tab, "points-birthday", "30")
    await choose(tab, "[data-test=coupon-birthday]", "满100", "满100减10券")
    await submit(tab, "save-birthday")
    reward = await ProfileReward.get(field="birthday")
    template = await CouponTemplate.get(name="满100减10券")
    assert (reward.points, reward.coupon_template_id) == (30, template.id)
    row = page.locator("tr:has(input[name=points-birthday])").first
    await row.locator(".el-tag", has_text="未设置").wait_for(state="detached")
    await error.first.wait_for(state="hidden")
    tab.assert_clean()
    await tab.close()


async def test_member_merge_preview_confirm_and_undo(live_server: str, browser: Any) -> None:
    world = await seed()
    li = await Member.get(name="李先生")
    tab = await console(browser, live_server)
    page = tab.page
    await tab.goto(f"/admin/members/{world['member']}")
    await page.click(".el-tabs__item:has-text('合并会员')")
    await page.fill("[data-test=merge-form] input[name=reason]", "同一顾客用两个微信号关注")
    await submit(tab, "merge-preview", sends=False)
    assert await field_error(tab).inner_text() == "请选择要并入的会员"
    assert await page.locator("[data-test=merge-preview-table]").count() == 0

    # The member herself: the API refuses and nothing is merged.
    tab.expect_failure("POST", r"/api/v1/members/\d+/merges/preview", 409)
    await choose(tab, "[data-test=merge-source]", "王", "王女士")
    await submit(tab, "merge-preview")
    assert await field_error(tab).inner_text() == "不能把会员合并到自己"

    await choose(tab, "[data-test=merge-source]", "李", "李先生")
    await submit(tab, "merge-preview")
    await shows(tab, "[data-test=merge-preview-table]", "李先生")
    assert await MemberMerge.all().count() == 0
    await submit(tab, "merge-confirm", sends=False)
    await confirm(tab)
    merged = await MemberMerge.get(source_id=li.id)
    assert (merged.target_id, merged.status, merged.reason) == (
        world["member"],
        MergeStatus.DONE,
        "同一顾客用两个微信号关注",
    )
    assert (await Member.get(id=li.id)).merged_into_id == world["member"]
    history = page.locator("[data-test=merge-history]")
    await history.locator("text=已合并").wait_for()

    await history.locator("button:visible[data-test=undo]").first.click()
    await confirm(tab)
    assert (await MemberMerge.get(id=merged.id)).status == MergeStatus.UNDONE
    assert (await Member.get(id=li.id)).merged_into_id is None
    await history.locator("text=已撤销").wait_for()
    tab.assert_clean()
    await tab.close()


def picture(width: int, height: int, colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def upload(name: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": "image/png", "buffer": data}


@pytest.mark.fresh_server
async def test_member_center_theme_and_banners(live_server: str, browser: Any) -> None:
    await seed()
    tab = await console(browser, live_server)
    page = tab.page
    await tab.goto("/admin/members/center")
    before = await CenterTheme.get_or_none(id=1)
    before_look = (before.brand_name, before.primary_color, before.logo_id) if before else None

    # Theme: an empty brand name is refused under it, with nothing saved.
    tab.expect_failure("PUT", "/api/v1/member-center/theme", 422)
    await page.fill("input[name=brand_name]", "   ")
    await submit(tab, "save-theme")
    assert await error_at(tab, "brand_name").inner_text() == "必填"
    after = await CenterTheme.get_or_none(id=1)
    assert (after and (after.brand_name, after.primary_color, after.logo_id)) == before_look
    assert await CenterImage.all().count() == 0

    logo = picture(64, 32, "red")
    await page.fill("input[name=brand_name]", "某某生活馆")
    await page.click(
        "[data-test=primary-color] .el-color-picker__trigger, .el-color-picker__trigger"
    )
    await page.locator(".el-color-predefine__color-selector:visible").nth(1).click()
    await page.locator(".el-popper:visible button", has_text="确定").click()
    await page.set_input_files("input[name=logo]", files=[upload("logo.png", logo)])
    await submit(tab, "save-theme")
    look = await CenterTheme.get(id=1)
    assert (look.brand_name, look.primary_color) == ("某某生活馆", "#1677ff")
    stored = await CenterImage.get(id=look.logo_id)
    assert (bytes(stored.content), stored.width, stored.height) == (logo, 64, 32)
    await shows(tab, "[data-test=preview]", "某某生活馆")
    await page.locator("[data-test=preview] img.logo").wait_for()
    await error_at(tab, "brand_name").first.wait_for(state="hidden")

    # Banners: no picture (the page), a file that is no picture and a foreign link (the API).
    await submit(tab, "add-banner", sends=False)
    assert await error_at(tab, "image").inner_text() == "请选择轮播图图片"
    tab.expect_failure("POST", "/api/v1/member-center/banners", 422)
    await page.set_input_files(
        "input[name=image]", files=[upload("banner.png", b"not a picture at all")]
    )
    await page.fill("[data-test=banner-form] input[name=title]", "周年庆")
    await page.fill("[data-test=banner-form] input[name=link]", "/h5/member/wheel")
    await submit(tab, "add-banner")
    assert await error_at(tab, "image").inner_text() == (
        "图片无法识别，请上传 PNG、JPG、GIF 或 WebP 图片"
    )
    slide = picture(750, 300, "blue")
    await page.set_input_files("input[name=image]", files=[upload("banner.png", slide)])
    await page.fill("[data-test=banner-form] input[name=link]", "javascript:alert(1)")
    await submit(tab, "add-banner")
    assert (
        await error_at(tab, "link").inner_text() == "链接须以 / 开头（站内页面）或以 https:// 开头"
    )
    assert await CenterBanner.all().count() == 0

    await page.fill("[data-test=banner-form] input[name=link]", "/h5/member/wheel")
    await number(tab, "position", "2")
    await submit(tab, "add-banner")
    banner = await CenterBanner.get(title="周年庆")
    image = await CenterImage.get(id=banner.image_id)
    assert (banner.link, banner.position, banner.is_active) == ("/h5/member/wheel", 2, True)
    assert (bytes(image.content), image.width, image.height) == (slide, 750, 300)
    await shows(tab, "[data-test=banner-table]", "/h5/member/wheel")
    tab.assert_clean()
    await tab.close()


async def test_wechat_account_edit(live_server: str, browser: Any) -> None:
    ids = await wechat_world()
    sealed = (await OfficialAccount.get(id=ids["account"])).secret_sealed
    tab = await signed_in(browser, live_server)
    page = tab.page
    await tab.goto("/admin/wechat/accounts")
    tab.expect_failure("PATCH", r"/api/v1/wechat/accounts/\d+", 422)
    await page.locator(".el-table button:visible", has_text="编辑").first.click()
    await page.fill(".el-dialog input[name=name]", "品牌服务号")
    await page.click(".el-dialog [data-test=mode] label:has-text('安全模式')")
    await page.fill(".el-dialog input[name=aes_key]", "too-short")
    await submit(tab, "save")
    assert await error_at(tab, "aes_key").inner_text() == "EncodingAESKey 必须是 43 位字母或数字"
    account = await OfficialAccount.get(id=ids["account"])
    assert (account.name, account.mode, account.aes_key_sealed) == ("测试服务号", "plain", "")

    await page.fill(".el-dialog input[name=aes_key]", "b" * 43)
    await submit(tab, "save")
    account = await OfficialAccount.get(id=ids["account"])
    assert (account.name, account.mode) == ("品牌服务号", AccountMode.SAFE)
    assert account.aes_key_sealed
    assert "b" * 43 not in account.aes_key_sealed
    assert account.secret_sealed == sealed  # left empty: the stored AppSecret is kept
    await page.get_by_role("cell", name="品牌服务号", exact=True).wait_for()
    tab.assert_clean()
    await tab.close()


async def test_wechat_follow_reply_edit(live_server: str, browser: Any) -> None:
    await wechat_world()
    tab = await signed_in(browser, live_server)
    page = tab.page
    await tab.goto("/admin/wechat/replies")
    rule = await AutoReply.get(kind="follow")
    await page.locator(".el-table button:visible", has_text="编辑").first.click()
    await page.fill(".el-dialog textarea[name=content]", "  ")
    await submit(tab, "save", sends=False)
    assert await error_at(tab, "content").inner_text() == "文字回复需要填写内容"
    assert (await AutoReply.get(id=rule.id)).content == "欢迎关注{account}"

    await page.fill(".el-dialog textarea[name=content]", "欢迎来到{account}，回复 1 查看门店")
    await submit(tab, "save")
    stored = await AutoReply.get(id=rule.id)
    assert (stored.kind, stored.content) == ("follow", "欢迎来到{account}，回复 1 查看门店")
    await shows(tab, ".el-table", "回复 1 查看门店")
    tab.assert_clean()
    await tab.close()


async def test_tier_thresholds_in_yuan_when_tiers_go_by_spend(
    live_server: str, browser: Any
) -> None:
    await seed()
    tab = await console(browser, live_server)
    page = tab.page
    await tab.goto("/admin/loyalty/program")
    await page.click("[data-test=rules-form] label:has-text('按累计消费金额')")
    await submit(tab, "save-rules")
    assert (await Program.get(id=1)).tier_basis == "spend"

    await page.click(".el-tabs__item:has-text('会员等级')")
    await page.click("[data-test=create-tier]")
    await page.fill(".el-dialog input[name=name]", "金卡会员")
    await page.fill(".el-dialog input[name=code]", "gold")
    await page.locator(".el-dialog .money-input input").fill("12.345")
    await submit(tab, "save-tier", sends=False)
    error = page.locator(".el-dialog .el-form-item:has(.money-input) .el-form-item__error")
    assert await error.inner_text() == "请填写消费金额，最多两位小数"
    assert await Tier.all().count() == 0
    await page.locator(".el-dialog .money-input input").fill("1000.50")
    await submit(tab, "save-tier")
    tier = await Tier.get(code="gold")
    assert (tier.name, tier.threshold) == ("金卡会员", 100050)
    await shows(tab, "[data-test=tier-table]", "消费满 ¥1,000.50")
    tab.assert_clean()
    await tab.close()
