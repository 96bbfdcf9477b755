"""The 审批 screens in the system Chromium: 发起审批 on a customer, decisions in the 审批中心,
the 审批流程 settings; each form once valid (exact database values) and once invalid (the Chinese
error under its field, the database unchanged)."""

from typing import Any

import pytest

from crm_core.approvals.models import ApprovalFlow, ApprovalRequest, ApprovalStep
from crm_core.approvals.schemas import RequestCreate
from crm_core.approvals.service import requests
from crm_core.customers.models import Customer
from crm_core.org.models import Department, Staff
from crm_core.org.service.auth import principal_for
from tests.crm_core.customers.factories import make_customer
from tests.e2e.spa import ConsoleTab, choose, open_console, submit
from tests.factories import make_staff

pytestmark = pytest.mark.browser


async def people() -> dict[str, Staff]:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东销售部", parent=root)
    found = {}
    for username, role, name, department in (
        ("director", "sales_director", "孙总监", root),
        ("manager", "sales_manager", "赵经理", east),
        ("rep", "sales_rep", "王销售", east),
        ("mate", "sales_rep", "李销售", east),
        ("admin", "admin", "管理员", root),
    ):
        staff = await make_staff(role, department=department, username=username)
        staff.name = name
        await staff.save()
        found[username] = staff
    return found


def dialog(tab: ConsoleTab) -> Any:
    return tab.page.locator(".el-dialog:visible").last


async def error_under(scope: Any, label: str) -> str:
    label_of = scope.page.locator(f".el-form-item__label:text-is('{label}')")
    item = scope.locator(".el-form-item", has=label_of)
    error = item.locator(".el-form-item__error")
    await error.wait_for()
    return str(await error.inner_text())


async def chain(request_id: int) -> list[tuple[int | None, str]]:
    steps = await ApprovalStep.filter(request_id=request_id).order_by("seq")
    return [(s.approver_id, s.status.value) for s in steps]


async def raise_request(staff: Staff, customer: Customer, amount_fen: int) -> int:
    principal = await principal_for(staff.id)
    assert principal is not None
    body = RequestCreate(kind="customer", record_id=customer.id, amount_fen=amount_fen)
    return (await requests.submit_request(principal, body)).id


async def test_a_rep_asks_for_a_credit_limit_on_the_customer_page(
    live_server: str, browser: Any
) -> None:
    staff = await people()
    customer = await make_customer(staff["rep"], "张三", "13800138000")
    tab = await open_console(browser, live_server, "rep")
    await tab.goto(f"/admin/customers/{customer.id}")
    await tab.page.click("[data-test=approval-open]")
    box = dialog(tab)

    # No amount: refused under 申请额度, nothing written.
    tab.expect_failure("POST", "/api/v1/approvals/requests", 422)
    await submit(tab, "approval-submit")
    assert await error_under(box, "申请额度") == "请填写申请的信用额度（大于 0 元）"
    assert await ApprovalRequest.all().count() == 0

    await box.locator(".money-input input").fill("12000")
    await box.locator("textarea[name=approval-reason]").fill("年度采购")
    await submit(tab, "approval-submit")
    request = await ApprovalRequest.get()
    assert (request.kind, request.record_id, request.amount_fen, request.reason) == (
        "customer",
        customer.id,
        1_200_000,
        "年度采购",
    )
    assert (request.requester_id, request.status.value, request.locks_record) == (
        staff["rep"].id,
        "pending",
        True,
    )
    # From 10,000 元: the manager, then the director.
    assert await chain(request.id) == [
        (staff["manager"].id, "pending"),
        (staff["director"].id, "waiting"),
    ]
    await tab.page.locator("[data-test=approval-status]", has_text="审批中").wait_for()
    steps = tab.page.locator("[data-test=approval-steps]")
    assert "销售经理审批 · 审批中" in await steps.inner_text()
    assert await tab.page.locator("[data-test=edit]").is_disabled()
    tab.assert_clean()
    await tab.close()


async def test_a_manager_decides_in_the_approval_center(live_server: str, browser: Any) -> None:
    staff = await people()
    first = await make_customer(staff["rep"], "张三", "13800138000")
    second = await make_customer(staff["rep"], "李四", "13900139000")
    approved_id = await raise_request(staff["rep"], first, 500_000)
    delegated_id = await raise_request(staff["rep"], second, 300_000)
    tab = await open_console(browser, live_server, "manager")
    page = tab.page
    await tab.goto("/admin/approvals")
    rows = page.locator("[data-test=requests] .el-table__row")
    await rows.first.wait_for()
    assert await rows.count() == 2

    await page.locator("[data-test=requests] .el-table__row", has_text="张三").click()
    await page.wait_for_url(f"**/admin/approvals/{approved_id}")
    await page.wait_for_load_state("networkidle")
    # Reject without a reason: refused under 原因, nothing changed.
    await page.click("[data-test=reject]")
    box = dialog(tab)
    tab.expect_failure("POST", f"/api/v1/approvals/requests/{approved_id}/reject", 422)
    await submit(tab, "decision-save")
    assert await error_under(box, "原因") == "内容太短"
    request = await ApprovalRequest.get(id=approved_id)
    assert (request.status.value, request.version) == ("pending", 0)
    await box.locator("button", has_text="取消").click()

    await page.click("[data-test=approve]")
    box = dialog(tab)
    await box.locator("textarea[name=decision-comment]").fill("同意")
    await submit(tab, "decision-save")
    request = await ApprovalRequest.get(id=approved_id)
    assert (request.status.value, request.version, request.locks_record) == ("approved", 1, False)
    assert await chain(approved_id) == [(staff["manager"].id, "approved"), (None, "skipped")]
    assert (await Customer.get(id=first.id)).credit_limit_fen == 500_000
    await page.locator("[data-test=status]", has_text="已通过").wait_for()

    # Delegate: to the requester is refused under 转交给; to a colleague hands the step over.
    await tab.goto(f"/admin/approvals/{delegated_id}")
    await page.click("[data-test=delegate]")
    box = dialog(tab)
    await submit(tab, "decision-save", sends=False)
    assert await error_under(box, "转交给") == "请选择转交给谁"
    await choose(tab, ".el-dialog [data-test=delegate-to]", "王", "王销售")
    tab.expect_failure("POST", f"/api/v1/approvals/requests/{delegated_id}/delegate", 409)
    await submit(tab, "decision-save")
    assert await error_under(box, "转交给") == "不能转交给自己或发起人"
    assert await chain(delegated_id) == [(staff["manager"].id, "pending"), (None, "skipped")]
    await choose(tab, ".el-dialog [data-test=delegate-to]", "李", "李销售")
    await submit(tab, "decision-save")
    step = await ApprovalStep.get(request_id=delegated_id, seq=1)
    assert (step.approver_id, step.assigned_id, step.status.value) == (
        staff["mate"].id,
        staff["manager"].id,
        "pending",
    )
    assert (await ApprovalRequest.get(id=delegated_id)).version == 1
    history = page.locator("[data-test=approval-history]")
    await history.locator("text=李销售").wait_for()
    tab.assert_clean()
    await tab.close()


async def test_a_returned_request_is_resubmitted(live_server: str, browser: Any) -> None:
    staff = await people()
    customer = await make_customer(staff["rep"], "张三", "13800138000")
    request_id = await raise_request(staff["rep"], customer, 500_000)
    manager = await open_console(browser, live_server, "manager")
    await manager.goto(f"/admin/approvals/{request_id}")
    await manager.page.click("[data-test=return]")
    await dialog(manager).locator("textarea[name=decision-comment]").fill("请补充合同")
    await submit(manager, "decision-save")
    request = await ApprovalRequest.get(id=request_id)
    assert (request.status.value, request.locks_record) == ("returned", False)
    manager.assert_clean()
    await manager.close()

    tab = await open_console(browser, live_server, "rep")
    await tab.goto(f"/admin/approvals/{request_id}")
    await tab.page.click("[data-test=resubmit]")
    box = dialog(tab)
    await box.locator(".money-input input").fill("")
    tab.expect_failure("POST", f"/api/v1/approvals/requests/{request_id}/resubmit", 422)
    await submit(tab, "resubmit-save")
    assert await error_under(box, "申请金额") == "请填写申请的信用额度（大于 0 元）"
    assert (await ApprovalRequest.get(id=request_id)).status.value == "returned"
    await box.locator(".money-input input").fill("20000")
    await submit(tab, "resubmit-save")
    request = await ApprovalRequest.get(id=request_id)
    assert (request.status.value, request.amount_fen, request.current_step) == (
        "pending",
        2_000_000,
        3,
    )
    assert (await chain(request_id))[2:] == [
        (staff["manager"].id, "pending"),
        (staff["director"].id, "waiting"),
    ]
    tab.assert_clean()
    await tab.close()


async def test_an_admin_edits_the_flow(live_server: str, browser: Any) -> None:
    await people()
    tab = await open_console(browser, live_server, "admin")
    page = tab.page
    await tab.goto("/admin/approvals/flows")
    await page.locator("[data-test=step-1]").wait_for()
    # The director's step from 10,000 元 below 5,000 元: refused under 金额低于 of that step.
    step = page.locator("[data-test=step-1]")
    await step.locator(".money-input input").nth(1).fill("5000")
    tab.expect_failure("PUT", "/api/v1/approvals/flows/customer", 422)
    await submit(tab, "flow-save")
    assert await error_under(step, "金额低于") == "金额上限必须大于下限"
    assert await ApprovalFlow.all().count() == 0

    await step.locator(".money-input input").nth(1).fill("")
    await step.locator(".money-input input").first.fill("20000")
    await page.locator("[data-test=remind-hours] input").fill("8")
    await submit(tab, "flow-save")
    flow = await ApprovalFlow.get(kind="customer")
    assert flow.remind_after_hours == 8
    assert [
        (s["name"], s["role"], s["min_amount_fen"], s["max_amount_fen"]) for s in flow.steps
    ] == [
        ("销售经理审批", "sales_manager", None, None),
        ("销售总监审批", "sales_director", 2_000_000, None),
    ]
    tab.assert_clean()
    await tab.close()
