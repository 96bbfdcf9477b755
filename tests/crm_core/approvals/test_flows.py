"""Flow settings: the seed's default until saved; bad flows refused with nothing changed; a saved
flow drives the next submission."""

import httpx

from crm_core.approvals.models import ApprovalFlow, ApprovalStep
from crm_core.audit import AuditLog
from tests.crm_core.approvals.factories import make_org, submit
from tests.factories import bearer, make_staff

PATH = "/api/v1/approvals/flows"


async def test_the_default_flow_is_the_seed(client: httpx.AsyncClient) -> None:
    admin = await make_staff("admin")
    response = await client.get(PATH, headers=await bearer(admin))
    assert response.status_code == 200, response.text
    [flow] = [f for f in response.json() if f["kind"] == "customer"]
    assert (flow["label"], flow["saved"], flow["remind_after_hours"]) == ("客户信用额度", False, 24)
    assert [
        (s["name"], s["role"], s["min_amount_fen"], s["max_amount_fen"]) for s in flow["steps"]
    ] == [
        ("销售经理审批", "sales_manager", None, None),
        ("销售总监审批", "sales_director", 1_000_000, None),
    ]


async def test_a_saved_flow_drives_the_next_submission(client: httpx.AsyncClient) -> None:
    org = await make_org()
    admin = await make_staff("admin")
    body = {
        "steps": [
            {"name": "总监审批", "approver_type": "role", "role": "sales_director"},
            {
                "name": "指定复核",
                "approver_type": "staff",
                "staff_id": org.mate.id,
                "min_amount_fen": 50_000,
            },
        ],
        "remind_after_hours": 4,
    }
    response = await client.put(f"{PATH}/customer", json=body, headers=await bearer(admin))
    assert response.status_code == 200, response.text
    flow = await ApprovalFlow.get(kind="customer")
    assert flow.remind_after_hours == 4
    assert [(s["name"], s["role"], s["staff_id"], s["min_amount_fen"]) for s in flow.steps] == [
        ("总监审批", "sales_director", None, None),
        ("指定复核", None, org.mate.id, 50_000),
    ]
    assert await AuditLog.filter(action="approval_flow.saved", target_id="customer").count() == 1
    request_id = (await submit(client, org.rep, org.customer.id, 60_000)).json()["id"]
    steps = await ApprovalStep.filter(request_id=request_id).order_by("seq")
    assert [(s.name, s.approver_id, s.status.value) for s in steps] == [
        ("总监审批", org.director.id, "pending"),
        ("指定复核", org.mate.id, "waiting"),
    ]


async def test_bad_flows_are_refused_and_nothing_changes(client: httpx.AsyncClient) -> None:
    admin = await make_staff("admin")
    headers = await bearer(admin)
    bad_range = {
        "steps": [
            {
                "name": "经理",
                "approver_type": "role",
                "role": "sales_manager",
                "min_amount_fen": 100,
                "max_amount_fen": 100,
            }
        ]
    }
    response = await client.put(f"{PATH}/customer", json=bad_range, headers=headers)
    assert response.status_code == 422
    assert response.json()["fields"][0]["loc"][-1] == "max_amount_fen"
    no_role = {"steps": [{"name": "经理", "approver_type": "role", "role": "nobody"}]}
    response = await client.put(f"{PATH}/customer", json=no_role, headers=headers)
    assert (response.status_code, response.json()["error"]) == (422, "approval_flow_invalid")
    assert response.json()["fields"][0]["loc"] == ["body", "steps", "0", "role"]
    no_steps = await client.put(f"{PATH}/customer", json={"steps": []}, headers=headers)
    assert no_steps.status_code == 422
    unknown = await client.put(f"{PATH}/rocket", json=no_role, headers=headers)
    assert (unknown.status_code, unknown.json()["error"]) == (404, "approval_kind_not_found")
    assert await ApprovalFlow.all().count() == 0
    assert await AuditLog.filter(action="approval_flow.saved").count() == 0


async def test_reps_may_not_change_flows(client: httpx.AsyncClient) -> None:
    org = await make_org()
    body = {"steps": [{"name": "经理", "approver_type": "role", "role": "sales_manager"}]}
    response = await client.put(f"{PATH}/customer", json=body, headers=await bearer(org.rep))
    assert (response.status_code, response.json()["error"]) == (403, "permission_denied")
    assert await ApprovalFlow.all().count() == 0
