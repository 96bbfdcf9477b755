"""B2B orders from contracts (seed 2.1.7) and delivery notes: the rules and their codes with
nothing written, review through the approvals engine, and the concurrency guarantees."""

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import httpx

from crm_core import clock
from crm_core.approvals.models import ApprovalRequest
from crm_core.org.models import Staff
from crm_core.sales.orders.models import ContractOrder, ContractOrderLine, DeliveryNote
from tests.crm_core.approvals.factories import Org
from tests.crm_core.contracts.factories import (
    PDF,
    approve_fully,
    contract_body,
    make_world,
    stored_files,
)
from tests.factories import bearer

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


async def approved_contract(client: httpx.AsyncClient) -> tuple[Org, dict[str, object]]:
    org, tea, cup = await make_world()
    with clock.freeze(NOW):
        created = await client.post(
            "/api/v1/contracts",
            json=contract_body(org.customer.id, tea.id, cup.id),
            headers=await bearer(org.rep),
        )
        await approve_fully(client, org, "contract", created.json()["id"])
    return org, created.json()


async def place(
    client: httpx.AsyncClient,
    org: Org,
    contract: dict[str, object],
    quantities: list[int],
    *,
    proof: tuple[str, bytes] | None = ("凭证.pdf", PDF),
    **extra: object,
) -> httpx.Response:
    lines = contract["lines"]
    assert isinstance(lines, list)
    order = {
        "contract_id": contract["id"],
        "note": "首批",
        "lines": [
            {"contract_line_id": line["id"], "quantity": q}
            for line, q in zip(lines, quantities, strict=False)
            if q
        ],
        **extra,
    }
    files = {"proof": (proof[0], proof[1], "application/pdf")} if proof else None
    with clock.freeze(NOW):
        return await client.post(
            "/api/v1/orders",
            data={"order": json.dumps(order)},
            files=files,
            headers=await bearer(org.rep),
        )


async def order_rows() -> list[tuple[object, ...]]:
    orders = await ContractOrder.all().order_by("id").values_list("number", "status", "amount_fen")
    lines = (
        await ContractOrderLine.all()
        .order_by("id")
        .values_list("product_name", "quantity", "delivered_quantity")
    )
    return [*orders, *lines]


async def test_an_order_from_an_approved_contract_goes_to_review_then_ships_in_parts(
    client: httpx.AsyncClient, disk_storage: Path
) -> None:
    org, contract = await approved_contract(client)
    placed = await place(client, org, contract, [6, 20])
    assert placed.status_code == 201, placed.text
    order = placed.json()
    # 6 × 129.00 + 20 × 4.50 less 10 % (the contract's line prices).
    assert (order["number"], order["status"], order["amount_fen"]) == (
        "DD-2026-0001",
        "reviewing",
        77_400 + 8_100,
    )
    assert (order["proof_name"], order["proof_size"], order["contract_number"]) == (
        "凭证.pdf",
        len(PDF),
        "HT-2026-0001",
    )
    request = await ApprovalRequest.get(kind="order", record_id=order["id"])
    assert (request.status, request.amount_fen) == ("pending", 85_500)
    proof = await client.get(f"/api/v1/orders/{order['id']}/proof", headers=await bearer(org.rep))
    assert (proof.status_code, proof.content) == (200, PDF)
    far = await client.get(f"/api/v1/orders/{order['id']}/proof", headers=await bearer(org.far))
    assert (far.status_code, far.json()["error"]) == (404, "order_not_found")
    remaining = await client.get(
        f"/api/v1/orders/contract-lines/{contract['id']}", headers=await bearer(org.rep)
    )
    assert [(li["ordered"], li["remaining"]) for li in remaining.json()] == [(6, 4), (20, 0)]

    await approve_fully(client, org, "order", order["id"])
    manager = await bearer(org.manager)
    lines = [li["id"] for li in order["lines"]]
    ship = {"shipped_on": "2026-06-02", "carrier": "顺丰", "tracking_number": "SF1"}
    with clock.freeze(NOW):
        first = await client.post(
            f"/api/v1/orders/{order['id']}/deliveries",
            json={**ship, "lines": [{"order_line_id": lines[0], "quantity": 4}]},
            headers=manager,
        )
        assert first.status_code == 201, first.text
        assert (first.json()["status"], first.json()["status_label"]) == ("partial", "部分发货")
        over = await client.post(
            f"/api/v1/orders/{order['id']}/deliveries",
            json={**ship, "lines": [{"order_line_id": lines[0], "quantity": 3}]},
            headers=manager,
        )
        assert (over.status_code, over.json()["error"]) == (409, "delivery_exceeds_order")
        assert over.json()["fields"][0]["loc"] == ["body", "lines.0.quantity"]
        rest = await client.post(
            f"/api/v1/orders/{order['id']}/deliveries",
            json={
                **ship,
                "lines": [
                    {"order_line_id": lines[0], "quantity": 2},
                    {"order_line_id": lines[1], "quantity": 20},
                ],
            },
            headers=manager,
        )
    assert rest.status_code == 201, rest.text
    got = rest.json()
    assert got["status"] == "delivered"
    assert [d["number"] for d in got["deliveries"]] == ["FH-2026-0001", "FH-2026-0002"]
    assert [(li["quantity"], li["delivered_quantity"]) for li in got["lines"]] == [
        (6, 6),
        (20, 20),
    ]
    # A rep may look but not ship.
    rep_ship = await client.post(
        f"/api/v1/orders/{order['id']}/deliveries",
        json={**ship, "lines": [{"order_line_id": lines[0], "quantity": 1}]},
        headers=await bearer(org.rep),
    )
    assert rep_ship.status_code == 403


async def test_bad_orders_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient, disk_storage: Path
) -> None:
    org, contract = await approved_contract(client)
    lines = contract["lines"]
    assert isinstance(lines, list)
    cases = [
        (await place(client, org, contract, [11, 0]), 409, "order_exceeds_contract"),
        (await place(client, org, contract, [1], proof=None), 422, "validation_error"),
        (
            await place(client, org, contract, [1], proof=("凭证.exe", b"MZ\x90\x00")),
            422,
            "file_type_invalid",
        ),
        (
            await place(client, org, contract, [1], proof=("凭证.png", PDF)),
            422,
            "file_type_invalid",
        ),
        (await place(client, org, contract, [1], proof=("a.pdf", b"")), 422, "file_empty"),
        (
            await place(client, org, contract, [1], proof=("a.pdf", PDF + b"0" * 20 * 1024 * 1024)),
            413,
            "file_too_large",
        ),
        (
            await place(
                client,
                org,
                contract,
                [],
                lines=[{"contract_line_id": lines[0]["id"], "quantity": 1}] * 2,  # type: ignore[index]
            ),
            422,
            "order_line_invalid",
        ),
        (await place(client, org, contract, [0, 0]), 422, "validation_error"),
    ]
    for response, status, code in cases:
        assert (response.status_code, response.json()["error"]) == (status, code), response.text
    assert cases[0][0].json()["fields"][0]["loc"] == ["body", "lines.0.quantity"]
    assert await order_rows() == []
    assert await ApprovalRequest.filter(kind="order").count() == 0
    # No proof bytes were left behind either.
    assert stored_files(disk_storage) == []
    # A draft contract cannot take orders.
    with clock.freeze(NOW):
        draft = await client.post(
            "/api/v1/contracts",
            json=contract_body(org.customer.id, lines[0]["sku_id"], lines[1]["sku_id"]),  # type: ignore[index]
            headers=await bearer(org.rep),
        )
    refused = await place(client, org, draft.json(), [1])
    assert (refused.status_code, refused.json()["error"]) == (409, "order_contract_not_orderable")
    assert await order_rows() == []


async def test_concurrent_orders_never_exceed_the_contract(client: httpx.AsyncClient) -> None:
    org, contract = await approved_contract(client)
    responses = await asyncio.gather(*(place(client, org, contract, [4, 0]) for _ in range(5)))
    codes = sorted(r.status_code for r in responses)
    # 10 on the contract: two orders of 4 fit, the third would make 12.
    assert codes == [201, 201, 409, 409, 409]
    assert sum(await ContractOrderLine.all().values_list("quantity", flat=True)) == 8  # type: ignore[arg-type]
    numbers = sorted(r.json()["number"] for r in responses if r.status_code == 201)
    assert numbers == ["DD-2026-0001", "DD-2026-0002"]


async def test_concurrent_deliveries_exactly_one_wins(client: httpx.AsyncClient) -> None:
    org, contract = await approved_contract(client)
    order = (await place(client, org, contract, [10, 0])).json()
    await approve_fully(client, org, "order", order["id"])
    line = order["lines"][0]["id"]
    manager = await bearer(org.manager)
    body = {"shipped_on": "2026-06-02", "lines": [{"order_line_id": line, "quantity": 6}]}
    with clock.freeze(NOW):
        responses = await asyncio.gather(
            *(
                client.post(f"/api/v1/orders/{order['id']}/deliveries", json=body, headers=manager)
                for _ in range(4)
            )
        )
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert {r.json()["error"] for r in responses if r.status_code == 409} == {
        "delivery_exceeds_order"
    }
    assert await ContractOrderLine.get(id=line).values_list("delivered_quantity", flat=True) == 6
    assert await DeliveryNote.all().count() == 1


async def test_a_rejected_order_frees_the_contract_quantities(client: httpx.AsyncClient) -> None:
    org, contract = await approved_contract(client)
    order = (await place(client, org, contract, [10, 0])).json()
    request = await ApprovalRequest.get(kind="order", record_id=order["id"])
    rejected = await client.post(
        f"/api/v1/approvals/requests/{request.id}/reject",
        json={"step": request.current_step, "version": request.version, "comment": "凭证不清"},
        headers=await bearer(org.manager),
    )
    assert rejected.status_code == 200, rejected.text
    got = await client.get(f"/api/v1/orders/{order['id']}", headers=await bearer(org.rep))
    assert (got.json()["status"], got.json()["status_label"]) == ("rejected", "已驳回")
    again = await place(client, org, contract, [10, 0])
    assert again.status_code == 201, again.text


async def test_no_approver_rolls_the_whole_order_back(
    client: httpx.AsyncClient, disk_storage: Path
) -> None:
    org, contract = await approved_contract(client)
    await Staff.filter(id=org.manager.id).update(is_active=False)
    refused = await place(client, org, contract, [1, 1])
    assert (refused.status_code, refused.json()["error"]) == (409, "approver_not_found")
    assert await order_rows() == []
    assert await ApprovalRequest.filter(kind="order").count() == 0
    assert stored_files(disk_storage) == []


async def test_a_decided_order_is_not_submitted_again(client: httpx.AsyncClient) -> None:
    org, contract = await approved_contract(client)
    order = (await place(client, org, contract, [1, 0])).json()
    await approve_fully(client, org, "order", order["id"])
    again = await client.post(
        "/api/v1/approvals/requests",
        json={"kind": "order", "record_id": order["id"]},
        headers=await bearer(org.rep),
    )
    assert (again.status_code, again.json()["error"]) == (409, "order_not_reviewable")
    assert await ApprovalRequest.filter(kind="order").count() == 1
