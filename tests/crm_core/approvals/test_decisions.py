"""Decisions: reject with reason, return and resubmit, withdraw, delegate; bad input refused
with a stable code and nothing changed; two approvers at once → one decision."""

import asyncio

import httpx
import pytest

from crm_core.approvals.models import ApprovalAction, ApprovalRequest, ApprovalStep
from crm_core.audit import AuditLog
from crm_core.customers.models import Customer
from tests.crm_core.approvals.factories import decide, make_org, submit
from tests.factories import bearer


async def state(request_id: int) -> tuple[object, ...]:
    request = await ApprovalRequest.get(id=request_id)
    steps = (
        await ApprovalStep.filter(request_id=request_id)
        .order_by("seq")
        .values_list("approver_id", "status")
    )
    actions = await ApprovalAction.filter(request_id=request_id).count()
    audits = await AuditLog.all().count()
    return (request.status, request.version, request.current_step, tuple(steps), actions, audits)


async def test_two_decisions_at_once_make_exactly_one(client: httpx.AsyncClient) -> None:
    org = await make_org()
    request_id = (await submit(client, org.rep, org.customer.id, 500_000)).json()["id"]
    approve, reject = await asyncio.gather(
        decide(client, org.manager, request_id, "approve", step=1, version=0),
        decide(client, org.manager, request_id, "reject", step=1, version=0, comment="不同意"),
    )
    codes = sorted([approve.status_code, reject.status_code])
    assert codes == [200, 409], (approve.text, reject.text)
    loser = approve if approve.status_code == 409 else reject
    # Stale when it lost the compare-and-set; wrong state when the winner had already committed
    # before the loser read the request.
    assert loser.json()["error"] in {"approval_stale", "approval_wrong_state"}
    request = await ApprovalRequest.get(id=request_id)
    decided = await ApprovalAction.filter(request_id=request_id, action__in=["approve", "reject"])
    assert len(decided) == 1
    assert request.version == 1
    assert request.status.value == ("approved" if approve.status_code == 200 else "rejected")
    limit = 500_000 if approve.status_code == 200 else 0
    assert (await Customer.get(id=org.customer.id)).credit_limit_fen == limit


async def test_many_identical_approvals_at_once_make_one(client: httpx.AsyncClient) -> None:
    org = await make_org()
    request_id = (await submit(client, org.rep, org.customer.id, 1_000_000)).json()["id"]
    answers = await asyncio.gather(
        *(decide(client, org.manager, request_id, "approve", step=1, version=0) for _ in range(6))
    )
    assert sorted(r.status_code for r in answers) == [200, 409, 409, 409, 409, 409]
    assert await ApprovalAction.filter(request_id=request_id, action="approve").count() == 1
    request = await ApprovalRequest.get(id=request_id)
    assert (request.version, request.current_step) == (1, 2)


async def test_the_requester_cannot_approve_their_own_request(client: httpx.AsyncClient) -> None:
    org = await make_org()
    request_id = (await submit(client, org.rep, org.customer.id, 100_000)).json()["id"]
    before = await state(request_id)
    response = await decide(client, org.rep, request_id, "approve", step=1, version=0)
    assert (response.status_code, response.json()["error"]) == (409, "approval_own_request")
    assert await state(request_id) == before


async def test_someone_else_cannot_decide(client: httpx.AsyncClient) -> None:
    org = await make_org()
    request_id = (await submit(client, org.rep, org.customer.id, 100_000)).json()["id"]
    before = await state(request_id)
    response = await decide(client, org.director, request_id, "approve", step=1, version=0)
    assert (response.status_code, response.json()["error"]) == (409, "approval_not_approver")
    hidden = await decide(client, org.far, request_id, "approve", step=1, version=0)
    assert (hidden.status_code, hidden.json()["error"]) == (404, "approval_not_found")
    assert await state(request_id) == before


async def test_a_rejection_needs_a_reason(client: httpx.AsyncClient) -> None:
    org = await make_org()
    request_id = (await submit(client, org.rep, org.customer.id, 100_000)).json()["id"]
    before = await state(request_id)
    response = await decide(
        client, org.manager, request_id, "reject", step=1, version=0, comment=""
    )
    assert response.status_code == 422
    assert await state(request_id) == before
    done = await decide(
        client, org.manager, request_id, "reject", step=1, version=0, comment="额度过高"
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["locked"]) == ("rejected", False)
    assert (await Customer.get(id=org.customer.id)).credit_limit_fen == 0
    entry = await AuditLog.get(action="approval.reject")
    assert (entry.actor_id, entry.reason, entry.after["status"]) == (  # type: ignore[index]
        org.manager.id,
        "额度过高",
        "rejected",
    )


async def test_a_locked_customer_cannot_be_edited(client: httpx.AsyncClient) -> None:
    org = await make_org()
    request_id = (await submit(client, org.rep, org.customer.id, 100_000)).json()["id"]
    path, headers = f"/api/v1/customers/{org.customer.id}", await bearer(org.rep)
    response = await client.patch(path, json={"industry": "零售"}, headers=headers)
    assert (response.status_code, response.json()["error"]) == (409, "record_locked")
    assert (await Customer.get(id=org.customer.id)).industry == ""
    again = await submit(client, org.rep, org.customer.id, 200_000)
    assert (again.status_code, again.json()["error"]) == (409, "approval_already_open")
    assert await ApprovalRequest.all().count() == 1
    # Returned for changes: the rep edits, then resubmits with a new amount.
    back = await decide(
        client, org.manager, request_id, "return", step=1, version=0, comment="补充资料"
    )
    assert (back.status_code, back.json()["status"]) == (200, "returned")
    edited = await client.patch(path, json={"industry": "零售"}, headers=headers)
    assert edited.status_code == 200, edited.text
    resubmitted = await client.post(
        f"/api/v1/approvals/requests/{request_id}/resubmit",
        json={"version": 1, "amount_fen": 2_000_000, "reason": "已补充"},
        headers=headers,
    )
    assert resubmitted.status_code == 200, resubmitted.text
    body = resubmitted.json()
    assert (body["status"], body["amount_fen"], body["current_step"], body["version"]) == (
        "pending",
        2_000_000,
        3,
        2,
    )
    assert [(s["seq"], s["status"]) for s in body["steps"]] == [
        (1, "returned"),
        (2, "skipped"),
        (3, "pending"),
        (4, "waiting"),
    ]
    locked = await client.patch(path, json={"industry": "制造"}, headers=headers)
    assert (locked.status_code, locked.json()["error"]) == (409, "record_locked")
    assert (await Customer.get(id=org.customer.id)).industry == "零售"


async def test_withdraw_unlocks_and_only_the_requester_may(client: httpx.AsyncClient) -> None:
    org = await make_org()
    request_id = (await submit(client, org.rep, org.customer.id, 100_000)).json()["id"]
    before = await state(request_id)
    refused = await client.post(
        f"/api/v1/approvals/requests/{request_id}/withdraw",
        json={"version": 0},
        headers=await bearer(org.manager),
    )
    assert (refused.status_code, refused.json()["error"]) == (409, "approval_not_requester")
    assert await state(request_id) == before
    done = await client.post(
        f"/api/v1/approvals/requests/{request_id}/withdraw",
        json={"version": 0},
        headers=await bearer(org.rep),
    )
    assert (done.status_code, done.json()["status"], done.json()["locked"]) == (
        200,
        "withdrawn",
        False,
    )
    late = await decide(client, org.manager, request_id, "approve", step=1, version=1)
    assert (late.status_code, late.json()["error"]) == (409, "approval_wrong_state")


async def test_delegation_hands_the_step_over(client: httpx.AsyncClient) -> None:
    org = await make_org()
    request_id = (await submit(client, org.rep, org.customer.id, 100_000)).json()["id"]
    before = await state(request_id)
    to_requester = await decide(
        client, org.manager, request_id, "delegate", step=1, version=0, to_staff_id=org.rep.id
    )
    assert (to_requester.status_code, to_requester.json()["error"]) == (409, "delegate_invalid")
    outside = await decide(
        client, org.manager, request_id, "delegate", step=1, version=0, to_staff_id=org.far.id
    )
    assert (outside.status_code, outside.json()["error"]) == (404, "staff_not_found")
    assert await state(request_id) == before
    handed = await decide(
        client, org.manager, request_id, "delegate", step=1, version=0, to_staff_id=org.mate.id
    )
    assert handed.status_code == 200, handed.text
    step = await ApprovalStep.get(request_id=request_id, seq=1)
    assert (step.approver_id, step.assigned_id) == (org.mate.id, org.manager.id)
    assert handed.json()["current_approver_id"] == org.mate.id
    old = await decide(client, org.manager, request_id, "approve", step=1, version=1)
    assert (old.status_code, old.json()["error"]) == (409, "approval_not_approver")
    ok = await decide(client, org.mate, request_id, "approve", step=1, version=1)
    assert (ok.status_code, ok.json()["status"]) == (200, "approved")
    entry = await AuditLog.get(action="approval.delegate")
    assert (entry.actor_id, entry.after["to_staff_id"]) == (org.manager.id, org.mate.id)  # type: ignore[index]


async def test_inbox_boxes(client: httpx.AsyncClient) -> None:
    org = await make_org()
    request_id = (await submit(client, org.rep, org.customer.id, 100_000)).json()["id"]

    async def ids(who: object, box: str) -> list[int]:
        response = await client.get(
            "/api/v1/approvals/requests",
            params={"box": box},
            headers=await bearer(who),  # type: ignore[arg-type]
        )
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["items"]]

    assert await ids(org.manager, "todo") == [request_id]
    assert await ids(org.rep, "todo") == []
    assert await ids(org.rep, "mine") == [request_id]
    assert await ids(org.far, "all") == []
    await decide(client, org.manager, request_id, "approve", step=1, version=0)
    assert await ids(org.manager, "todo") == []
    assert await ids(org.manager, "done") == [request_id]


async def test_bad_submissions_change_nothing(client: httpx.AsyncClient) -> None:
    org = await make_org()
    missing_amount = await submit(client, org.rep, org.customer.id, None)
    assert (missing_amount.status_code, missing_amount.json()["error"]) == (
        422,
        "credit_limit_required",
    )
    outside = await submit(client, org.far, org.customer.id, 100_000)
    assert (outside.status_code, outside.json()["error"]) == (404, "customer_not_found")
    unknown = await client.post(
        "/api/v1/approvals/requests",
        json={"kind": "rocket", "record_id": 1, "amount_fen": 1},
        headers=await bearer(org.rep),
    )
    assert (unknown.status_code, unknown.json()["error"]) == (404, "approval_kind_not_found")
    assert await ApprovalRequest.all().count() == 0
    assert await AuditLog.filter(action__startswith="approval").count() == 0


async def test_two_submissions_at_once_open_one_request(client: httpx.AsyncClient) -> None:
    org = await make_org()
    answers = await asyncio.gather(
        submit(client, org.rep, org.customer.id, 100_000),
        submit(client, org.rep, org.customer.id, 100_000),
    )
    assert sorted(r.status_code for r in answers) == [201, 409]
    assert await ApprovalRequest.all().count() == 1


async def test_an_approval_and_a_withdrawal_at_once_make_one_outcome(
    client: httpx.AsyncClient,
) -> None:
    org = await make_org()
    request_id = (await submit(client, org.rep, org.customer.id, 100_000)).json()["id"]
    approve, withdraw = await asyncio.gather(
        decide(client, org.manager, request_id, "approve", step=1, version=0),
        client.post(
            f"/api/v1/approvals/requests/{request_id}/withdraw",
            json={"version": 0},
            headers=await bearer(org.rep),
        ),
    )
    assert sorted([approve.status_code, withdraw.status_code]) == [200, 409]
    request = await ApprovalRequest.get(id=request_id)
    winner = "approved" if approve.status_code == 200 else "withdrawn"
    assert (request.status.value, request.version) == (winner, 1)
    limit = 100_000 if winner == "approved" else 0
    assert (await Customer.get(id=org.customer.id)).credit_limit_fen == limit
    outcomes = await ApprovalAction.filter(
        request_id=request_id, action__in=["approve", "withdraw"]
    )
    assert len(outcomes) == 1


async def test_a_decision_that_lost_the_race_writes_nothing(client: httpx.AsyncClient) -> None:
    """The compare-and-set itself: the request read, then someone else's decision commits
    (version moves on) before ours writes; ours is refused and changes nothing."""
    from crm_core.approvals.errors import StaleDecisionError
    from crm_core.approvals.schemas import Decision
    from crm_core.approvals.service import decisions

    org = await make_org()
    request_id = (await submit(client, org.rep, org.customer.id, 100_000)).json()["id"]
    request = await ApprovalRequest.get(id=request_id)
    await ApprovalRequest.filter(id=request_id).update(version=1)
    before = await state(request_id)
    with pytest.raises(StaleDecisionError):
        await decisions._claim(request, Decision(step=1, version=0), status="approved")
    assert await state(request_id) == before
