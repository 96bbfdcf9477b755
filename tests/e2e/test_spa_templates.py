"""Template messages in the Vue console, in the system Chromium, against the WeChat sandbox: the
marketer syncs the library on 模板消息, then maps a template's fields in a care setting; a field
left empty is refused under that field and nothing is saved."""

from collections.abc import Iterator
from typing import Any

import pytest

from campaigns.care.models import CareSetting
from crm_core.config import get_settings
from crm_core.org.models import Department
from tests.e2e.spa import field_error, shows, signed_in, submit
from tests.factories import make_staff
from tests.wechat.callback_support import APPID, TOKEN, make_account
from tests.wechat.support import SECRET, serve
from wechat.models import MessageTemplate
from wechat.sandbox import create_sandbox_app

pytestmark = pytest.mark.browser
LIBRARY = [
    {"template_id_short": "OPENTM207509450", "template_id": "tpl-points"},
    {"template_id_short": "OPENTM400341556", "template_id": "tpl-tier"},
]


@pytest.fixture
def sandbox_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The sandbox on a real socket; the live server (started after this) calls it."""
    app = {"appid": APPID, "secret": SECRET, "token": TOKEN, "templates": LIBRARY}
    served = serve(create_sandbox_app(apps=[app]))
    monkeypatch.setenv("WECHAT_API_BASE", served.url)
    get_settings.cache_clear()
    yield served.url
    served.stop()
    get_settings.cache_clear()


async def test_sync_then_map_the_fields_in_a_care_setting(
    sandbox_url: str, live_server: str, browser: Any
) -> None:
    await make_staff(
        "marketer", username="marketer1", department=await Department.create(name="总部")
    )
    await make_account()
    tab = await signed_in(browser, live_server, "marketer1")
    await tab.goto("/admin/wechat/templates")
    await tab.page.locator("[data-test=account]", has_text="测试服务号").wait_for()
    await submit(tab, "sync")
    await shows(tab, "[data-test=templates] td", "积分变动提醒")
    assert (
        await tab.page.locator("[data-test=templates]").get_by_text("会员姓名（keyword1）").count()
    )
    assert await MessageTemplate.all().order_by("template_id").values_list(
        "template_id", "title"
    ) == [("tpl-points", "积分变动提醒"), ("tpl-tier", "会员升级通知")]

    await tab.goto("/admin/care/settings")
    await tab.page.click("[data-test=edit-points_changed]")
    await tab.page.click("[data-test=enabled]")
    await tab.page.click("[data-test=template-picker] .el-select__wrapper")
    await tab.page.locator(".el-select-dropdown__item:visible", has_text="积分变动提醒").click()
    values = {
        "first": "您的积分有变动",
        "keyword1": "{name}",
        "keyword2": "{delta}",
        "keyword3": "{points}",
        "remark": "感谢支持",
    }
    for key, value in values.items():
        await tab.page.fill(f"input[name=template-field-{key}]", value)
    await tab.page.fill("input[name=template_url]", "https://example.com/points")
    preview = await tab.page.inner_text("[data-test=template-preview]")
    assert "会员姓名：张三\n变动积分：100\n积分余额：1280" in preview
    await submit(tab, "save")
    saved = await CareSetting.get(care_type="points_changed")
    assert (saved.enabled, saved.template_id, saved.template_fields, saved.template_url) == (
        True,
        "tpl-points",
        values,
        "https://example.com/points",
    )

    tab.expect_failure("PUT", r"/api/v1/campaigns/care-settings/points_changed", 422)
    await tab.page.click("[data-test=edit-points_changed]")
    await tab.page.fill("input[name=template-field-keyword2]", "")
    await submit(tab, "save")
    assert await field_error(tab).inner_text() == "请填写模板字段 keyword2"
    unchanged = await CareSetting.get(care_type="points_changed")
    assert (unchanged.template_fields, unchanged.updated_at) == (values, saved.updated_at)
    tab.assert_clean()
    await tab.close()
