"""The customer 360 over HTTP, and staff linking, unlinking and listing conflicts: the customer's
data scope and phone masking hold for the member's sections too."""

import asyncio
from datetime import UTC, datetime

import httpx
import pytest

from crm_core import clock
from crm_core.audit import AuditLog
from crm_core.customer360 import service as customer360
from crm_core.customer360.schemas import SectionBody, SectionField
from crm_core.customer360.service import CustomerContext, SectionSpec
from crm_core.customers.models import Customer
from crm_core.member_links import service
from crm_core.member_links.models import LinkBlock, MemberLink
from crm_core.sales.models import SalesOrder
from loyalty.coupons.models import CouponSource
from loyalty.coupons.service import issue_coupon
from members.models import Member
from tests.crm_core.customers.factories import make_customer, make_team
from tests.factories import bearer
from tests.loyalty.factories import make_any_store, make_member, make_template
from tests.wechat.callback_support import make_account
from wechat.models import Fan

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


async def linked_member() -> Member:
    member = await make_member(points=120, name="王女士")
    member.phone, member.card_no = "+8613800138000", "88000000000001"
    await member.save()
    store = await make_any_store()
    for no, fen, paid in (("A1", 12_800, datetime(2026, 11, 3, 4, tzinfo=UTC)), ("A2", 5_000, NOW)):
        await SalesOrder.create(
            store=store,
            order_no=no,
            member_id=member.id,
            total_fen=fen,
            paid_at=paid,
            request_hash="x",
            created_at=paid,
        )
    template = await make_template(name="满100减10券")
    await issue_coupon(template.id, member.id, source=CouponSource.HAND, key=f"k:{member.id}")
    await Fan.create(
        account=await make_account(),
        openid="o-w",
        nickname="小王",
        member_id=member.id,
        subscribed=True,
    )
    return member


def section(body: dict, key: str) -> dict:  # type: ignore[type-arg]
    return next(s for s in body["sections"] if s["key"] == key)


def fields(body: dict, key: str) -> dict[str, str]:  # type: ignore[type-arg]
    return {f["label"]: f["value"] for f in section(body, key)["fields"]}


async def test_a_reps_360_shows_their_customers_member_with_the_phone(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "王女士", "13800138000")
    member = await linked_member()
    with clock.freeze(NOW):
        assert await service.auto_link(member.id, member.phone) is service.Outcome.LINKED
        response = await client.get(
            f"/api/v1/customers/{customer.id}/overview", headers=await bearer(team.rep)
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [s["key"] for s in body["sections"]] == [
        "basic",
        "contacts",
        "follow_ups",
        "opportunities",
        "quotes",
        "contracts",
        "orders",
        "receipts",
        "transfers",
        "member_card",
        "member_standing",
        "member_coupons",
        "member_guide",
        "member_fan",
        "member_purchases",
    ]
    assert (body["link"]["member_id"], body["link"]["how"], body["link"]["linked_by_name"]) == (
        member.id,
        "auto",
        "系统",
    )
    assert fields(body, "member_card")["手机"] == "13800138000"
    assert fields(body, "member_card")["会员卡号"] == "88000000000001"
    assert fields(body, "member_standing") == {
        "会员等级": "未定级",
        "可用积分": "120",
        "累计获得积分": "120",
    }
    assert section(body, "member_standing")["chart"]["series"][0]["values"] == [120.0]
    assert [r["name"] for r in section(body, "member_coupons")["table"]["rows"]] == ["满100减10券"]
    assert section(body, "member_fan")["subtitle"] == "小王"
    purchases = section(body, "member_purchases")
    assert fields(body, "member_purchases")["累计消费"] == "¥178.00"
    assert [r["order_no"] for r in purchases["table"]["rows"]] == ["A2", "A1"]
    assert purchases["chart"]["labels"] == [
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
        "2026-11",
        "2026-12",
    ]
    assert purchases["chart"]["series"][0]["values"] == [0, 0, 0, 0, 128.0, 50.0]


async def test_a_manager_sees_the_members_phone_masked_and_others_get_404(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "王女士", "13800138000")
    member = await linked_member()
    await service.auto_link(member.id, member.phone)
    managed = await client.get(
        f"/api/v1/customers/{customer.id}/overview", headers=await bearer(team.manager)
    )
    assert fields(managed.json(), "member_card")["手机"] == "138****8000"
    assert fields(managed.json(), "basic")["手机"] == "138****8000"
    for outsider in (team.mate, team.far):
        hidden = await client.get(
            f"/api/v1/customers/{customer.id}/overview", headers=await bearer(outsider)
        )
        assert (hidden.status_code, hidden.json()["error"]) == (404, "customer_not_found")


async def test_an_unlinked_customer_shows_no_member_sections(client: httpx.AsyncClient) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    response = await client.get(
        f"/api/v1/customers/{customer.id}/overview", headers=await bearer(team.rep)
    )
    body = response.json()
    assert body["link"] is None
    assert [s["key"] for s in body["sections"]] == [
        "basic",
        "contacts",
        "follow_ups",
        "opportunities",
        "quotes",
        "contracts",
        "orders",
        "receipts",
        "transfers",
    ]


async def test_a_manager_links_and_unlinks_by_hand(client: httpx.AsyncClient) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "王女士", "13800138000")
    member = await make_member(name="王女士")
    headers = await bearer(team.admin)
    url = f"/api/v1/customers/{customer.id}/member-link"
    linked = await client.put(url, json={"member_id": member.id}, headers=headers)
    assert linked.status_code == 200, linked.text
    assert (linked.json()["how"], linked.json()["linked_by_id"]) == ("manual", team.admin.id)
    assert (await Customer.get(id=customer.id)).member_id == member.id
    entry = await AuditLog.get(action="customer.member_linked")
    assert (entry.actor_id, entry.after) == (
        team.admin.id,
        {"member_id": member.id, "how": "manual"},
    )
    unlinked = await client.delete(url + "?reason=认错人", headers=headers)
    assert unlinked.status_code == 204
    assert (await Customer.get(id=customer.id)).member_id is None
    assert await MemberLink.all().count() == 0
    assert [(b.customer_id, b.member_id) for b in await LinkBlock.all()] == [
        (customer.id, member.id)
    ]
    entry = await AuditLog.get(action="customer.member_unlinked")
    assert (entry.before, entry.reason) == ({"member_id": member.id, "how": "manual"}, "认错人")
    # A manual link lifts the earlier undo.
    again = await client.put(url, json={"member_id": member.id}, headers=headers)
    assert again.status_code == 200
    assert await LinkBlock.all().count() == 0


async def test_refused_links_change_nothing(client: httpx.AsyncClient) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "王女士", "13800138000")
    other = await make_customer(team.rep, "李四", "13800138001")
    member = await make_member(name="王女士")
    second = await make_member(name="李四")
    headers = await bearer(team.admin)
    await client.put(
        f"/api/v1/customers/{customer.id}/member-link",
        json={"member_id": member.id},
        headers=headers,
    )
    cases = [
        (customer.id, {"member_id": second.id}, 409, "customer_has_member"),
        (other.id, {"member_id": member.id}, 409, "member_linked_elsewhere"),
        (other.id, {"member_id": 999_999}, 404, "member_not_found"),
        (other.id, {"member_id": 0}, 422, "validation_error"),
        (999_999, {"member_id": second.id}, 404, "customer_not_found"),
    ]
    for customer_id, body, status, code in cases:
        response = await client.put(
            f"/api/v1/customers/{customer_id}/member-link", json=body, headers=headers
        )
        assert (response.status_code, response.json()["error"]) == (status, code), body
    assert [(c.id, c.member_id) for c in await Customer.all().order_by("id")] == [
        (customer.id, member.id),
        (other.id, None),
    ]
    assert await MemberLink.all().count() == 1
    assert await AuditLog.filter(action="customer.member_linked").count() == 1
    nothing = await client.delete(f"/api/v1/customers/{other.id}/member-link", headers=headers)
    assert (nothing.status_code, nothing.json()["error"]) == (409, "member_not_linked")
    assert await LinkBlock.all().count() == 0
    rep = await client.put(
        f"/api/v1/customers/{other.id}/member-link",
        json={"member_id": second.id},
        headers=await bearer(team.rep),
    )
    assert (rep.status_code, rep.json()["error"]) == (403, "permission_denied")
    assert (await Customer.get(id=other.id)).member_id is None


async def test_conflicts_list_only_the_customers_in_scope(client: httpx.AsyncClient) -> None:
    team = await make_team()
    mine = await make_customer(team.rep, "张三", "13800138000")
    far = await make_customer(team.far, "张三丰", "13800138000")
    member = await make_member(name="张先生")
    assert await service.auto_link(member.id, "+8613800138000") is service.Outcome.CONFLICT
    managed = await client.get("/api/v1/member-links/conflicts", headers=await bearer(team.manager))
    assert managed.status_code == 200, managed.text
    [row] = managed.json()
    assert (row["member_id"], row["member_name"], row["phone"]) == (
        member.id,
        "张先生",
        "138****8000",
    )
    assert [(c["id"], c["name"], c["phone"]) for c in row["customers"]] == [
        (mine.id, "张三", "138****8000")
    ]
    everyone = await client.get("/api/v1/member-links/conflicts", headers=await bearer(team.admin))
    assert [c["id"] for c in everyone.json()[0]["customers"]] == [mine.id, far.id]
    assert everyone.json()[0]["phone"] == "13800138000"
    # Linking one of them by hand settles the conflict.
    await client.put(
        f"/api/v1/customers/{mine.id}/member-link",
        json={"member_id": member.id},
        headers=await bearer(team.admin),
    )
    after = await client.get("/api/v1/member-links/conflicts", headers=await bearer(team.admin))
    assert after.json() == []


async def test_two_concurrent_manual_links_of_one_member_make_one_link(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    a = await make_customer(team.rep, "王女士", "13800138000")
    b = await make_customer(team.rep, "王女士（公司）", "13800138001")
    member = await make_member(name="王女士")
    headers = await bearer(team.admin)
    answers = await asyncio.gather(
        *(
            client.put(
                f"/api/v1/customers/{c.id}/member-link",
                json={"member_id": member.id},
                headers=headers,
            )
            for c in (a, b)
        )
    )
    assert sorted(r.status_code for r in answers) == [200, 409]
    refused = next(r for r in answers if r.status_code == 409)
    assert refused.json()["error"] == "member_linked_elsewhere"
    [link] = await MemberLink.all()
    winner = next(r for r in answers if r.status_code == 200).json()["customer_id"]
    assert (link.customer_id, link.member_id) == (winner, member.id)
    assert [c.member_id for c in await Customer.all().order_by("id")] == [
        member.id if c.id == winner else None for c in (a, b)
    ]
    assert await AuditLog.filter(action="customer.member_linked").count() == 1


async def test_a_package_plugs_a_section_in_with_a_spec(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def opportunities(context: CustomerContext) -> SectionBody:
        return SectionBody(fields=[SectionField(label="客户", value=str(context.customer_id))])

    for spec in (
        SectionSpec("opportunities", "商机", 40, opportunities),
        SectionSpec("approvals", "审批", 50, opportunities, permission="approvals.flow:view"),
    ):
        monkeypatch.setitem(customer360._sections, spec.key, spec)
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    # The sales package's real quotes section (order 50) stays beside the plugged-in ones.
    for who, keys in (
        (team.rep, ["opportunities", "quotes", "contracts", "orders", "receipts"]),
        (team.admin, ["opportunities", "approvals", "quotes", "contracts", "orders", "receipts"]),
    ):
        body = (
            await client.get(f"/api/v1/customers/{customer.id}/overview", headers=await bearer(who))
        ).json()
        assert [s["key"] for s in body["sections"]] == [
            "basic",
            "contacts",
            "follow_ups",
            *keys,
            "transfers",
        ]
        assert fields(body, "opportunities") == {"客户": str(customer.id)}
