"""The console forms not driven elsewhere, in the system Chromium: each is submitted once valid
(saved with the exact values and shown on the page) and once invalid (the Chinese error at the
field, the database unchanged)."""

from typing import Any

import pytest

from loyalty.checkin.models import StreakReward
from loyalty.gifts.models import FollowGift
from loyalty.program.models import Program, Tier
from tests.e2e.test_spa_loyalty import console, seed, submit

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
    assert await error_at(tab, "churned_days").count() == 0

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
