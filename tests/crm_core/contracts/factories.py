"""Contracts for tests: a sales org (approvals factories), two SKUs, a contract body, files."""

from pathlib import Path

import httpx

from crm_core.catalog.models import Sku
from crm_core.org.models import Staff
from tests.crm_core.approvals.factories import Org, decide, make_org
from tests.crm_core.catalog.factories import make_sku
from tests.factories import bearer

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


async def make_world() -> tuple[Org, Sku, Sku]:
    org = await make_org()
    tea = await make_sku("普洱茶饼", "PE-357", 12_900, spec="357g", unit="饼")
    cup = await make_sku("茶杯", "CUP-1", 500)
    return org, tea, cup


def contract_body(customer_id: int, tea_id: int, cup_id: int, **extra: object) -> dict[str, object]:
    return {
        "title": "年度供货合同",
        "customer_id": customer_id,
        "start_date": "2026-06-01",
        "end_date": "2027-05-31",
        "discount_fen": 900,
        "lines": [
            {"sku_id": tea_id, "quantity": 10},
            {"sku_id": cup_id, "quantity": 20, "unit_price_fen": 450, "discount_bp": 1000},
        ],
        **extra,
    }


async def approve_fully(
    client: httpx.AsyncClient, org: Org, kind: str, record_id: int, *, submit: bool = True
) -> None:
    """Submit (contracts; orders submit themselves) and approve every step of the request."""
    if submit and kind == "contract":
        submitted = await client.post(
            "/api/v1/approvals/requests",
            json={"kind": kind, "record_id": record_id},
            headers=await bearer(org.rep),
        )
        assert submitted.status_code == 201, submitted.text
    listed = await client.get(
        f"/api/v1/approvals/requests?box=all&kind={kind}&record_id={record_id}",
        headers=await bearer(org.director),
    )
    request = listed.json()["items"][0]
    approvers: dict[int, Staff] = {org.manager.id: org.manager, org.director.id: org.director}
    while request["status"] == "pending":
        decided = await decide(
            client,
            approvers[request["current_approver_id"]],
            request["id"],
            "approve",
            step=request["current_step"],
            version=request["version"],
        )
        assert decided.status_code == 200, decided.text
        request = decided.json()


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]
