"""Mass campaigns in the Vue console, in the system Chromium: a draft saves exactly what was typed
or shows the API's refusal under its field and saves nothing; a preview reaches the test openid
in the WeChat sandbox; a start runs on a real Celery worker while the detail page follows it to
已完成; a scheduled campaign is cancelled (a past time is refused before any request)."""

import os
from datetime import timedelta
from typing import Any

import pytest
from playwright.async_api import expect

from campaigns.mass.models import Campaign, CampaignStatus, ChannelPlan, MassJob
from campaigns.segments.models import Segment
from campaigns.sends.models import Delivery
from crm_core import clock
from crm_core.org.models import Department
from tests.campaigns.support import make_fan, make_library_template, make_member
from tests.e2e.conftest import spawn, stop_all
from tests.e2e.spa import ConsoleTab, confirm, field_error, open_console, submit
from tests.factories import PASSWORD, make_staff
from tests.wechat.conftest import account, sandbox, sandbox_server
from wechat.models import OfficialAccount
from wechat.sandbox.state import SandboxState

pytestmark = pytest.mark.browser
__all__ = ["account", "sandbox", "sandbox_server"]
CONTENT = {
    "text": "双12 全场 8 折",
    "msgtype": "text",
    "media_id": "",
    "template_id": "",
    "template_data": {},
    "template_url": "",
    "sms": "",
}


async def seed(members: int = 2) -> Segment:
    root = await Department.create(name="总部")
    await make_staff("marketer", username="mkt", department=root)
    for _ in range(members):
        await make_member()
    now = clock.utc_now()
    return await Segment.create(
        name="全部会员",
        rule={"match": "all", "groups": []},
        member_count=members,
        created_at=now,
        updated_at=now,
    )


async def draft(segment: Segment, name: str = "双12 预热") -> Campaign:
    now = clock.utc_now()
    return await Campaign.create(
        name=name,
        segment_id=segment.id,
        segment_name=segment.name,
        plan=ChannelPlan.MASS,
        content=CONTENT,
        created_at=now,
        updated_at=now,
    )


async def console(browser: Any, base: str) -> ConsoleTab:
    tab = await open_console(browser, base, "mkt", login=False)
    signed = await tab.context.request.post(
        f"{base}/api/v1/auth/session", data={"username": "mkt", "password": PASSWORD}
    )
    assert signed.status == 200, await signed.text()
    return tab


async def pick(tab: ConsoleTab, select: str, option: str) -> None:
    await tab.page.locator(f"{select} .el-select__wrapper").click()
    item = tab.page.locator(".el-select-dropdown__item:visible", has_text=option).first
    await item.wait_for()
    await item.click()


async def test_a_draft_saves_what_was_typed_or_the_refusal_under_its_field(
    live_server: str, browser: Any
) -> None:
    segment = await seed()
    tab = await console(browser, live_server)
    await tab.goto("/admin/campaigns/mass")
    await tab.page.get_by_text("还没有群发活动").wait_for()
    await tab.page.click("[data-test=campaign-new]")
    await tab.page.wait_for_url("**/admin/campaigns/mass/new")
    await tab.page.fill("input[name=name]", "双12 预热")
    await pick(tab, "[data-test=segment]", "全部会员")
    await expect(tab.page.locator("[data-test=segment-count]")).to_contain_text("当前 2 位会员")
    await tab.page.locator("[data-test=plan] label", has_text="微信群发").click()
    await expect(tab.page.locator("[data-test=plan-explain]")).to_contain_text("每月最多收到 4 条")

    tab.expect_failure("POST", "/api/v1/campaigns/campaigns", 422)
    await tab.page.fill("textarea[name=text]", "{name}，双12 来了")
    await submit(tab, "save")
    assert await field_error(tab).inner_text() == "群发内容对所有人相同，不能使用 {…} 占位符"
    assert await Campaign.all().count() == 0

    await tab.page.fill("textarea[name=text]", "双12 全场 8 折")
    await expect(tab.page.locator("[data-test=text-counter]")).to_have_text("18 / 2048 字节")
    await tab.page.fill("textarea[name=sms]", "双12 全场 8 折")
    await expect(tab.page.locator("[data-test=sms-counter]")).to_contain_text("1 条短信")
    await submit(tab, "save")
    await tab.page.wait_for_url("**/admin/campaigns/mass/*")
    rows = await Campaign.all().values(
        "name", "segment_id", "segment_name", "plan", "content", "status", "created_by_name"
    )
    assert rows == [
        {
            "name": "双12 预热",
            "segment_id": segment.id,
            "segment_name": "全部会员",
            "plan": ChannelPlan.MASS,
            "content": {**CONTENT, "sms": "双12 全场 8 折"},
            "status": CampaignStatus.DRAFT,
            "created_by_name": "测试员工",
        }
    ]
    await expect(tab.page.locator("[data-test=campaign-status]")).to_have_text("草稿")
    await tab.screenshot("campaign-draft")
    tab.assert_clean()
    await tab.close()


async def test_a_template_campaign_maps_the_library_templates_fields(
    live_server: str, browser: Any
) -> None:
    await seed()
    await make_library_template(
        "tpl-sale", "{{first.DATA}}\n活动：{{keyword1.DATA}}\n时间：{{keyword2.DATA}}"
    )
    tab = await console(browser, live_server)
    await tab.goto("/admin/campaigns/mass/new")
    await tab.page.fill("input[name=name]", "双12 模板通知")
    await pick(tab, "[data-test=segment]", "全部会员")
    await tab.page.locator("[data-test=plan] label", has_text="模板消息").click()
    await pick(tab, "[data-test=template-picker]", "tpl-sale")
    await tab.page.fill("input[name=template-field-first]", "{name}，双12 来了")
    await tab.page.fill("input[name=template-field-keyword1]", "全场 8 折")

    tab.expect_failure("POST", "/api/v1/campaigns/campaigns", 422)
    await submit(tab, "save")
    assert await field_error(tab).inner_text() == "请填写模板字段 keyword2"
    assert await Campaign.all().count() == 0

    await tab.page.fill("input[name=template-field-keyword2]", "12 月 12 日")
    await tab.page.fill("input[name=template_url]", "https://shop.example.com/1212")
    await submit(tab, "save")
    await tab.page.wait_for_url("**/admin/campaigns/mass/*")
    (content,) = await Campaign.all().values_list("content", flat=True)
    assert content == {
        **CONTENT,
        "text": "",
        "template_id": "tpl-sale",
        "template_data": {
            "first": "{name}，双12 来了",
            "keyword1": "全场 8 折",
            "keyword2": "12 月 12 日",
        },
        "template_url": "https://shop.example.com/1212",
    }
    tab.assert_clean()
    await tab.close()


async def test_preview_then_start_and_follow_the_progress_to_done(
    account: OfficialAccount, sandbox: SandboxState, live_server: str, browser: Any
) -> None:
    segment = await seed(members=0)
    for openid in ("o_alice", "o_bob"):
        await make_fan(account, await make_member(), openid)
    campaign = await draft(segment)
    # Marketing hours all day: the worker sends whatever the hour of the test run.
    env = {
        **os.environ,
        "SCRM_SENDS__MARKETING_START": "00:00",
        "SCRM_SENDS__MARKETING_END": "23:59",
    }
    worker = spawn(
        "campaign-worker", ["scrm.cli", "worker", "--pool", "solo", "--concurrency", "1"], env
    )
    try:
        tab = await console(browser, live_server)
        await tab.goto(f"/admin/campaigns/mass/{campaign.id}")
        await tab.page.click("[data-test=open-preview]")
        await tab.page.fill("input[name=openid]", "o_alice")
        await submit(tab, "preview-send")
        await expect(tab.page.locator("[data-test=preview-sent]")).to_have_text(
            "已通过群发预览发给 o_alice"
        )
        assert [(e["kind"], e["touser"]) for e in sandbox.outbox] == [("preview", "o_alice")]
        await tab.page.keyboard.press("Escape")

        await tab.page.click("[data-test=open-send]")
        summary = tab.page.locator("[data-test=send-summary]")
        await expect(summary).to_contain_text("的 2 位会员发送「双12 预热」")
        await submit(tab, "send-confirm")
        status = tab.page.locator("[data-test=campaign-status]")
        await expect(status).to_have_text("已完成", timeout=120_000)
        await expect(tab.page.locator("[data-test=progress]")).to_contain_text("100%")
        await expect(tab.page.locator("[data-test=mass-jobs] tbody tr")).to_have_count(1)
        await expect(tab.page.locator("[data-test=by-status]")).to_have_text("已发送 2")
        sent = await Delivery.filter(campaign_id=campaign.id).values_list("status", "channel")
        assert sorted(sent) == [("sent", "mass"), ("sent", "mass")]
        assert await MassJob.filter(campaign_id=campaign.id).values_list("size", flat=True) == [2]
        masses = [sorted(e["payload"]["touser"]) for e in sandbox.outbox if e["kind"] == "mass"]
        assert masses == [["o_alice", "o_bob"]]
        await tab.screenshot("campaign-done")
        tab.assert_clean()
        await tab.close()
    finally:
        stop_all([worker])


async def test_a_past_time_is_refused_and_a_scheduled_campaign_is_cancelled(
    live_server: str, browser: Any
) -> None:
    campaign = await draft(await seed())
    tab = await console(browser, live_server)
    await tab.goto(f"/admin/campaigns/mass/{campaign.id}")
    await tab.page.click("[data-test=open-send]")
    await tab.page.locator("[data-test=send-when] label", has_text="定时发送").click()
    picker = tab.page.locator("input[name=scheduled_at]")

    soon = clock.local_now() + timedelta(seconds=20)
    await picker.fill(soon.strftime("%Y-%m-%d %H:%M:%S"))
    await picker.press("Enter")
    await submit(tab, "send-confirm", sends=False)
    assert await field_error(tab).inner_text() == "定时发送的时间必须晚于现在"
    assert (await Campaign.get(id=campaign.id)).status is CampaignStatus.DRAFT

    later = (clock.local_now() + timedelta(days=2)).replace(microsecond=0)
    await picker.fill(later.strftime("%Y-%m-%d %H:%M:%S"))
    await picker.press("Enter")
    await submit(tab, "send-confirm")
    status = tab.page.locator("[data-test=campaign-status]")
    await expect(status).to_have_text("已定时")
    saved = await Campaign.get(id=campaign.id)
    assert (saved.status, saved.scheduled_at) == (CampaignStatus.SCHEDULED, later)

    await tab.page.click("[data-test=cancel]")
    await confirm(tab)
    await expect(status).to_have_text("已取消")
    saved = await Campaign.get(id=campaign.id)
    assert saved.status is CampaignStatus.CANCELLED
    assert await Delivery.filter(campaign_id=campaign.id).count() == 0
    tab.assert_clean()
    await tab.close()
