"""The care-message screens of the Vue console in the system Chromium: the settings form saves
what was typed or shows the API's refusal at the field and saves nothing; the ledger opens."""

from typing import Any

import pytest

from campaigns.care.models import CareSetting
from campaigns.sends import service as sends
from crm_core.org.models import Department
from tests.campaigns.support import CONTENT
from tests.e2e.spa import ConsoleTab, choose, field_error, signed_in, submit
from tests.factories import make_staff
from tests.loyalty.factories import make_member

pytestmark = pytest.mark.browser


async def console(browser: Any, base: str) -> ConsoleTab:
    return await signed_in(browser, base, "marketer1")


async def test_care_setting_saves_or_shows_the_field_error(live_server: str, browser: Any) -> None:
    root = await Department.create(name="总部")
    await make_staff("marketer", username="marketer1", department=root)
    member = await make_member(name="王女士")
    tab = await console(browser, live_server)
    await tab.goto("/admin/care/settings")
    await tab.page.click("[data-test=edit-birthday]")
    await tab.page.click("[data-test=enabled]")
    await tab.page.fill("textarea[name=text]", "{name}，生日快乐")
    await tab.page.fill("textarea[name=sms]", "{name}，生日快乐，送您 100 积分")
    await submit(tab, "save")
    saved = await CareSetting.get(care_type="birthday")
    assert (saved.enabled, saved.text, saved.sms) == (
        True,
        "{name}，生日快乐",
        "{name}，生日快乐，送您 100 积分",
    )
    # The list reloads after the save and shows the saved text.
    await tab.page.locator(
        "[data-test=care-settings] td", has_text="{name}，生日快乐"
    ).first.wait_for()

    await tab.page.click("[data-test=edit-birthday]")
    await choose(tab, "[data-test=preview-member]", "王", member.name)
    await tab.page.click("[data-test=preview]")
    preview = tab.page.locator("[data-test=preview-result]")
    await preview.wait_for()
    assert "王女士，生日快乐" in await preview.inner_text()

    tab.expect_failure("PUT", r"/api/v1/campaigns/care-settings/birthday", 422)
    await tab.page.fill("textarea[name=text]", "改不了")
    await tab.page.fill("input[name=template_url]", "javascript:alert(1)")
    await submit(tab, "save")
    assert await field_error(tab).inner_text() == "格式不正确"
    assert (await CareSetting.get(care_type="birthday")).text == "{name}，生日快乐"
    tab.assert_clean()
    await tab.close()


async def test_the_delivery_ledger_opens_clean(live_server: str, browser: Any) -> None:
    root = await Department.create(name="总部")
    await make_staff("marketer", username="marketer1", department=root)
    member = await make_member(name="李先生")
    await sends.enqueue("care:birthday:1", "birthday", member.id, CONTENT)
    tab = await console(browser, live_server)
    await tab.goto("/admin/care/deliveries")
    await tab.page.locator(".page").first.wait_for()
    await tab.page.wait_for_load_state("networkidle")
    assert "生日祝福" in await tab.page.inner_text(".page")
    assert "排队中" in await tab.page.inner_text(".page")
    tab.assert_clean()
    await tab.close()
