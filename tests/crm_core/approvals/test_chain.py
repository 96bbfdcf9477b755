"""The approval chain by amount (the seed: < 10,000 元 manager; ≥ 10,000 元 manager then
director), on a real kind: a customer's credit limit."""

import httpx
import pytest

from crm_core.approvals.models import ApprovalAction, ApprovalRequest, ApprovalStep
from crm_core.audit import AuditLog
from crm_core.customers.models import Customer
from tests.crm_core.approvals.factories import decide, make_org, submit
from tests.factories import bearer


async def steps_of(request_id: int) -> list[tuple[int, str, int | None, str]]:
    return [
        (s.seq, s.name, s.approver_id, s.status.value)
        for s in await ApprovalStep.filter(request_id=request_id).order_by("seq")
    ]


@pytest.mark.parametrize(
    ("amount_fen", "director_step"),
    [(999_999, "skipped"), (1_000_000, "waiting"), (5_000_000, "waiting")],
    ids=["9999.99-yuan-manager-only", "10000-yuan-director-too", "50000-yuan-director-too"],
)
async def test_submission_resolves_the_chain_by_amount(
    client: httpx.AsyncClient, amount_fen: int, director_step: str
) -> None:
    org = await make_org()
    response = await submit(client, org.rep, org.customer.id, amount_fen)
    assert response.status_code == 201, response.text
    body = response.json()
    director = org.director.id if director_step == "waiting" else None
    assert await steps_of(body["id"]) == [
        (1, "销售经理审批", org.manager.id, "pending"),
        (2, "销售总监审批", director, director_step),
    ]
    assert (body["status"], body["current_step"], body["current_approver_id"], body["locked"]) == (
        "pending",
        1,
        org.manager.id,
        True,
    )
    request = await ApprovalRequest.get(id=body["id"])
    assert (request.amount_fen, request.requester_id, request.title) == (
        amount_fen,
        org.rep.id,
        f"张三 信用额度 {amount_fen // 100:,}.{amount_fen % 100:02d} 元",
    )
    assert (
        await AuditLog.filter(action="approval.submitted", target_id=str(body["id"])).count() == 1
    )


async def test_below_10000_yuan_the_manager_alone_approves(client: httpx.AsyncClient) -> None:
    org = await make_org()
    request_id = (await submit(client, org.rep, org.customer.id, 999_999)).json()["id"]
    response = await decide(client, org.manager, request_id, "approve", step=1, version=0)
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["locked"]) == ("approved", False)
    assert (await Customer.get(id=org.customer.id)).credit_limit_fen == 999_999
    assert await steps_of(request_id) == [
        (1, "销售经理审批", org.manager.id, "approved"),
        (2, "销售总监审批", None, "skipped"),
    ]
    entry = await AuditLog.get(action="customer.credit_limit_set")
    assert (entry.actor_id, entry.before, entry.after) == (
        org.manager.id,
        {"credit_limit_fen": 0},
        {"credit_limit_fen": 999_999},
    )


async def test_from_10000_yuan_the_manager_then_the_director(client: httpx.AsyncClient) -> None:
    org = await make_org()
    request_id = (await submit(client, org.rep, org.customer.id, 1_000_000)).json()["id"]
    first = await decide(
        client, org.manager, request_id, "approve", step=1, version=0, comment="同意"
    )
    assert first.status_code == 200, first.text
    assert (first.json()["status"], first.json()["current_step"], first.json()["version"]) == (
        "pending",
        2,
        1,
    )
    # Not yet: the director has not decided.
    assert (await Customer.get(id=org.customer.id)).credit_limit_fen == 0
    early = await decide(client, org.manager, request_id, "approve", step=2, version=1)
    assert (early.status_code, early.json()["error"]) == (409, "approval_not_approver")
    second = await decide(client, org.director, request_id, "approve", step=2, version=1)
    assert second.status_code == 200, second.text
    assert second.json()["status"] == "approved"
    assert (await Customer.get(id=org.customer.id)).credit_limit_fen == 1_000_000
    actions = await ApprovalAction.filter(request_id=request_id).order_by("id")
    assert [(a.action.value, a.actor_id, a.step_seq, a.comment) for a in actions] == [
        ("submit", org.rep.id, 0, "老客户"),
        ("approve", org.manager.id, 1, "同意"),
        ("approve", org.director.id, 2, ""),
    ]
    detail = (
        await client.get(f"/api/v1/approvals/requests/{request_id}", headers=await bearer(org.rep))
    ).json()
    assert [(s["name"], s["approver_name"], s["status"]) for s in detail["steps"]] == [
        ("销售经理审批", "测试员工", "approved"),
        ("销售总监审批", "测试员工", "approved"),
    ]


async def test_a_manager_request_goes_to_the_next_manager_up(client: httpx.AsyncClient) -> None:
    """The requester is never their own approver; with nobody above, submission is refused."""
    org = await make_org()
    from tests.crm_core.customers.factories import make_customer

    theirs = await make_customer(org.manager, "李四", "13900139000")
    response = await submit(client, org.manager, theirs.id, 100_000)
    assert (response.status_code, response.json()["error"]) == (409, "approver_not_found")
    assert "销售经理审批" in response.json()["detail"]
    assert await ApprovalRequest.all().count() == 0
