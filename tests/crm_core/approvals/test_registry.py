"""A kind registered the way contracts and orders are (here a made-up 租赁合同, so the real
`contract` kind stays registered): the engine needs no change, and an approved record of a
kind that keeps approved records locked stays locked."""

from collections.abc import Iterator

import httpx
import pytest

from crm_core.approvals.errors import RecordLockedError
from crm_core.approvals.registry import KINDS, ApprovableKind, Subject, register_kind
from crm_core.approvals.service import locks
from crm_core.audit import Actor
from crm_core.errors import NotFoundError
from crm_core.permissions import Principal
from tests.crm_core.approvals.factories import decide, make_org, submit
from tests.factories import bearer

CONTRACTS = {7: ("年度框架合同", 1_200_000)}
APPROVED: list[tuple[int, int, str]] = []


async def describe(principal: Principal, record_id: int, amount_fen: int | None) -> Subject:
    if record_id not in CONTRACTS:
        raise NotFoundError()
    title, amount = CONTRACTS[record_id]
    return Subject(title=title, amount_fen=amount)


async def on_approved(record_id: int, amount_fen: int, actor: Actor) -> None:
    APPROVED.append((record_id, amount_fen, actor.name))


@pytest.fixture(autouse=True)
def contract_kind() -> Iterator[None]:
    register_kind(ApprovableKind("lease", "租赁合同", describe, on_approved, detail_url="/c/{id}"))
    APPROVED.clear()
    yield
    KINDS.pop("lease")


async def test_an_approved_contract_stays_locked(client: httpx.AsyncClient) -> None:
    org = await make_org()
    response = await client.post(
        "/api/v1/approvals/requests",
        json={"kind": "lease", "record_id": 7, "amount_fen": 1},
        headers=await bearer(org.rep),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    # The amount is the record's, not the one sent; from 10,000 元 the director decides too.
    assert (body["amount_fen"], body["title"], body["detail_url"]) == (
        1_200_000,
        "年度框架合同",
        "/c/7",
    )
    request_id = body["id"]
    await decide(client, org.manager, request_id, "approve", step=1, version=0)
    assert APPROVED == []
    done = await decide(client, org.director, request_id, "approve", step=2, version=1)
    assert (done.status_code, done.json()["status"], done.json()["locked"]) == (
        200,
        "approved",
        True,
    )
    assert APPROVED == [(7, 1_200_000, "director")]
    with pytest.raises(RecordLockedError):
        await locks.assert_unlocked("lease", 7)
    again = await submit(client, org.rep, org.customer.id, 100)
    assert again.status_code == 201  # another kind's record is not affected
    await locks.assert_unlocked("lease", 8)
