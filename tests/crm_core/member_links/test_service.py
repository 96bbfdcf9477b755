"""The automatic link by verified phone: one customer with that phone and both sides free links;
several customers make a conflict; an undone pair stays apart unless a run is told otherwise."""

import asyncio

from crm_core.audit import AuditLog
from crm_core.customers.models import Customer
from crm_core.member_links import service
from crm_core.member_links.models import LinkBlock, LinkConflict, LinkHow, MemberLink
from crm_core.member_links.service import Outcome
from tests.crm_core.customers.factories import make_customer, make_team


async def links() -> list[tuple[int, int, str, int | None]]:
    return [
        (link.customer_id, link.member_id, link.how.value, link.linked_by_id)
        for link in await MemberLink.all().order_by("id")
    ]


async def pointers() -> list[tuple[int, int | None]]:
    return [(c.id, c.member_id) for c in await Customer.all().order_by("id")]


async def test_the_one_customer_with_the_verified_phone_is_linked() -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    other = await make_customer(team.rep, "李四", "13800138001")
    assert await service.auto_link(7, "+8613800138000") is Outcome.LINKED
    assert await links() == [(customer.id, 7, "auto", None)]
    assert await pointers() == [(customer.id, 7), (other.id, None)]
    entry = await AuditLog.get(action="customer.member_linked")
    assert (entry.actor_id, entry.target_id, entry.after) == (
        None,
        str(customer.id),
        {"member_id": 7, "how": "auto"},
    )
    # Idempotent: a second run changes nothing.
    assert await service.auto_link(7, "+8613800138000") is Outcome.MEMBER_TAKEN
    assert await links() == [(customer.id, 7, "auto", None)]
    assert await AuditLog.filter(action="customer.member_linked").count() == 1


async def test_no_customer_or_a_bad_phone_links_nothing() -> None:
    team = await make_team()
    await make_customer(team.rep, "张三", "13800138000")
    assert await service.auto_link(7, "+8613900139000") is Outcome.NO_CUSTOMER
    assert await service.auto_link(7, "not a phone") is Outcome.INVALID_PHONE
    assert await service.auto_link(7, None) is Outcome.INVALID_PHONE
    assert await links() == []
    assert await AuditLog.filter(action="customer.member_linked").count() == 0


async def test_a_customer_with_a_member_is_not_relinked() -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    assert await service.auto_link(7, "+8613800138000") is Outcome.LINKED
    assert await service.auto_link(8, "+8613800138000") is Outcome.CUSTOMER_TAKEN
    assert await links() == [(customer.id, 7, "auto", None)]
    assert await pointers() == [(customer.id, 7)]


async def test_several_customers_with_the_phone_make_a_conflict_not_a_link() -> None:
    team = await make_team()
    a = await make_customer(team.rep, "张三", "13800138000")
    b = await make_customer(team.far, "张三丰", "13800138000")
    assert await service.auto_link(7, "+8613800138000") is Outcome.CONFLICT
    assert await links() == []
    assert await pointers() == [(a.id, None), (b.id, None)]
    conflict = await LinkConflict.get()
    assert (conflict.member_id, conflict.phone, conflict.customer_ids, conflict.resolved_at) == (
        7,
        "+8613800138000",
        [a.id, b.id],
        None,
    )
    # Running again keeps one conflict row.
    assert await service.auto_link(7, "+8613800138000") is Outcome.CONFLICT
    assert await LinkConflict.all().count() == 1


async def test_an_undone_pair_is_not_relinked_unless_asked() -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    await service.auto_link(7, "+8613800138000")
    await service.unlink_member(await principal_of(team.admin), customer.id, "认错人")
    assert await pointers() == [(customer.id, None)]
    assert [(b.customer_id, b.member_id, b.blocked_by_id) for b in await LinkBlock.all()] == [
        (customer.id, 7, team.admin.id)
    ]
    assert await service.auto_link(7, "+8613800138000") is Outcome.UNDONE_BEFORE
    assert await links() == []
    assert await service.auto_link(7, "+8613800138000", override_undo=True) is Outcome.LINKED
    assert await links() == [(customer.id, 7, LinkHow.AUTO.value, None)]
    assert await LinkBlock.all().count() == 0


async def test_concurrent_runs_for_one_member_link_once() -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    outcomes = await asyncio.gather(*(service.auto_link(7, "+8613800138000") for _ in range(4)))
    assert sorted(o.value for o in outcomes) == [
        "linked",
        "member_taken",
        "member_taken",
        "member_taken",
    ]
    assert await links() == [(customer.id, 7, "auto", None)]
    assert await AuditLog.filter(action="customer.member_linked").count() == 1


async def principal_of(staff):  # type: ignore[no-untyped-def]
    from crm_core.org.service import auth

    return await auth.principal_for(staff.id, ip="", user_agent="")
