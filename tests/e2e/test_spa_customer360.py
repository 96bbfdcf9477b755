"""The customer 360 screens in the system Chromium: link and unlink dialogs and the 关联冲突
list, each once valid (exact database values) and once refused (the Chinese error shown, the
database unchanged)."""

from typing import Any

import pytest

from crm_core.audit import AuditLog
from crm_core.customers.models import Customer
from crm_core.member_links import service
from crm_core.member_links.models import LinkBlock, LinkConflict, MemberLink
from crm_core.org.models import Department, Staff
from members.models import Member
from tests.crm_core.customers.factories import make_customer
from tests.e2e.spa import ConsoleTab, open_console, submit
from tests.factories import make_staff
from tests.loyalty.factories import make_member

pytestmark = pytest.mark.browser


async def people() -> dict[str, Staff]:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东销售部", parent=root)
    return {
        "admin": await make_staff("admin", department=root, username="boss"),
        "rep": await make_staff("sales_rep", department=east, username="rep"),
    }


def dialog(tab: ConsoleTab) -> Any:
    return tab.page.locator(".el-dialog:visible").last


async def error_under(scope: Any, label: str) -> str:
    label_of = scope.page.locator(f".el-form-item__label:text-is('{label}')")
    error = scope.locator(".el-form-item", has=label_of).locator(".el-form-item__error")
    await error.wait_for()
    return str(await error.inner_text())


async def links() -> list[tuple[int, int, str, int | None]]:
    return [
        (x.customer_id, x.member_id, x.how.value, x.linked_by_id) for x in await MemberLink.all()
    ]


async def test_staff_link_and_unlink_a_member_on_the_360(live_server: str, browser: Any) -> None:
    staff = await people()
    customer = await make_customer(staff["rep"], "王女士", "13800138000")
    member = await make_member(points=260, name="王女士")
    tab = await open_console(browser, live_server, "boss")
    page = tab.page
    await tab.goto(f"/admin/customers/{customer.id}")
    await page.locator("[data-test=member-block]", has_text="未关联会员").wait_for()

    await page.click("[data-test=link]")
    box = dialog(tab)
    tab.expect_failure("PUT", r"/api/v1/customers/\d+/member-link", 404)
    await box.locator("input[name=member-id]").fill("999999")
    await submit(tab, "link-save")
    assert await error_under(box, "会员编号") == "会员不存在"
    assert await links() == []
    assert (await Customer.get(id=customer.id)).member_id is None

    await box.locator("input[name=member-id]").fill(str(member.id))
    await submit(tab, "link-save")
    block = page.locator("[data-test=member-block]")
    await block.locator("[data-test=member-points]", has_text="260").wait_for()
    assert "手动关联" in await block.inner_text()
    await page.locator("[data-test=section-member_card]", has_text="王女士").wait_for()
    assert await links() == [(customer.id, member.id, "manual", staff["admin"].id)]
    assert (await Customer.get(id=customer.id)).member_id == member.id

    # Refused: someone unlinked it meanwhile; the dialog says so and nothing more changes.
    await page.click("[data-test=unlink]")
    box = dialog(tab)
    await service.unlink_member(await principal(staff["admin"]), customer.id, "后台")
    tab.expect_failure("DELETE", r"/api/v1/customers/\d+/member-link", 409)
    async with page.expect_response(lambda r: r.request.method == "DELETE"):
        await page.click("[data-test=unlink-save]")
    await box.locator(".el-alert", has_text="该客户没有关联会员").wait_for()
    assert await AuditLog.filter(action="customer.member_unlinked").count() == 1

    await service.link_member(await principal(staff["admin"]), customer.id, member.id)
    await tab.goto(f"/admin/customers/{customer.id}")
    await page.click("[data-test=unlink]")
    box = dialog(tab)
    await box.locator("input[name=unlink-reason]").fill("同号不同人")
    async with page.expect_response(lambda r: r.request.method == "DELETE"):
        await page.click("[data-test=unlink-save]")
    await page.locator("[data-test=member-block]", has_text="未关联会员").wait_for()
    assert await links() == []
    assert (await Customer.get(id=customer.id)).member_id is None
    assert [(b.customer_id, b.member_id) for b in await LinkBlock.all()] == [
        (customer.id, member.id)
    ]
    last = await AuditLog.filter(action="customer.member_unlinked").order_by("-id").first()
    assert last is not None
    assert (last.reason, last.actor_id) == ("同号不同人", staff["admin"].id)
    await tab.screenshot("customer-360-unlinked")
    tab.assert_clean()
    await tab.close()


async def test_the_conflicts_list_links_the_chosen_customer(live_server: str, browser: Any) -> None:
    staff = await people()
    a = await make_customer(staff["rep"], "张三", "13800138000")
    b = await make_customer(staff["rep"], "张三（公司）", "13800138000")
    member = await make_member(name="张先生")
    other = await make_member(name="另一位")
    assert await service.auto_link(member.id, "+8613800138000") is service.Outcome.CONFLICT
    # b got another member meanwhile: choosing b is refused.
    await service.link_member(await principal(staff["admin"]), b.id, other.id)
    tab = await open_console(browser, live_server, "boss")
    page = tab.page
    await tab.goto("/admin/customers/member-conflicts")
    table = page.locator("[data-test=conflicts]")
    await table.locator(".el-table__row", has_text="张先生").wait_for()
    assert "13800138000" in await table.inner_text()

    tab.expect_failure("PUT", r"/api/v1/customers/\d+/member-link", 409)
    await submit(tab, f"link-{b.id}")
    await page.locator(".el-message--error", has_text="该客户已关联会员").wait_for()
    assert await links() == [(b.id, other.id, "manual", staff["admin"].id)]
    assert (await LinkConflict.get()).resolved_at is None

    await submit(tab, f"link-{a.id}")
    await table.locator(".el-table__empty-text", has_text="没有待处理的关联冲突").wait_for()
    assert sorted(await links()) == [
        (a.id, member.id, "manual", staff["admin"].id),
        (b.id, other.id, "manual", staff["admin"].id),
    ]
    assert (await LinkConflict.get()).resolved_at is not None
    tab.assert_clean()
    await tab.close()


async def principal(staff: Staff) -> Any:
    from crm_core.org.service import auth

    return await auth.principal_for(staff.id, ip="", user_agent="")


async def test_a_rep_sees_their_customers_member_with_the_numbers(
    live_server: str, browser: Any
) -> None:
    staff = await people()
    customer = await make_customer(staff["rep"], "王女士", "13800138000")
    member = await make_member(points=88, name="王女士")
    await Member.filter(id=member.id).update(phone="+8613800138000", card_no="88000000000042")
    assert await service.auto_link(member.id, "+8613800138000") is service.Outcome.LINKED
    tab = await open_console(browser, live_server, "rep")
    page = tab.page
    await tab.goto(f"/admin/customers/{customer.id}")
    card = page.locator("[data-test=section-member_card]")
    await card.wait_for()
    text = await card.inner_text()
    assert "88000000000042" in text
    assert "13800138000" in text
    assert "手机号自动关联" in await page.locator("[data-test=member-block]").inner_text()
    # A rep may not link or unlink.
    assert await page.locator("[data-test=unlink]").count() == 0
    await page.locator("[data-test=section-member_standing] canvas").first.wait_for()
    await tab.screenshot("customer-360")
    tab.assert_clean()
    await tab.close()
