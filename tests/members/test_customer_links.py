"""A member's verified phone links the CRM customer with it: the card binding enqueues the run,
the task links, the customer's 360 then shows the member; the backfill covers existing members."""

import httpx

from crm_core import jobs
from crm_core.audit import AuditLog
from crm_core.customers.models import Customer
from crm_core.member_links.models import LinkConflict, MemberLink
from members import tasks
from members.merge import merge, undo
from members.models import Member
from sms_gateway.service.messages import normalize_recipient
from tests.crm_core.customers.factories import make_customer, make_team
from tests.factories import bearer, sms_code_sent_to
from tests.members.test_card import PHONE, csrf_of, sign_in, wired  # noqa: F401 - fixture
from tests.wechat.conftest import sandbox, sandbox_server  # noqa: F401 - shared fixtures
from tests.wechat.support import Served


async def test_binding_a_card_links_the_customer_with_that_phone(
    client: httpx.AsyncClient, wired: Served, published_jobs: list[jobs.Job]
) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "王女士", PHONE)
    await sign_in(client)
    token = csrf_of((await client.get("/h5/member")).text)
    await client.post("/h5/member/code", data={"phone": PHONE, "csrf_token": token})
    code = await sms_code_sent_to(normalize_recipient(PHONE))
    await client.post("/h5/member/bind", data={"phone": PHONE, "code": code, "csrf_token": token})
    member = await Member.get()
    assert jobs.Job("members.link_customer", {"member_id": member.id}) in published_jobs
    assert (await Customer.get(id=customer.id)).member_id is None  # not before the task runs
    assert await tasks.link_customer(member.id) == "linked"
    assert (await Customer.get(id=customer.id)).member_id == member.id
    view = await client.get(
        f"/api/v1/customers/{customer.id}/overview", headers=await bearer(team.rep)
    )
    card = next(s for s in view.json()["sections"] if s["key"] == "member_card")
    assert {f["label"]: f["value"] for f in card["fields"]}["会员卡号"] == member.card_no


async def test_a_member_without_a_phone_links_nothing() -> None:
    team = await make_team()
    await make_customer(team.rep, "王女士", PHONE)
    member = await Member.create(name="王女士", created_at=(await Customer.get()).created_at)
    assert await tasks.link_customer(member.id) == "no_phone"
    assert await tasks.link_customer(999_999) == "no_phone"
    assert await MemberLink.all().count() == 0


async def test_the_backfill_links_existing_members_and_records_conflicts() -> None:
    team = await make_team()
    now = (await make_customer(team.rep, "甲", "13800138001")).created_at
    await make_customer(team.rep, "乙", "13800138002")
    await make_customer(team.far, "乙二", "13800138002")
    members = [
        await Member.create(name=n, phone=p, created_at=now)
        for n, p in (("甲", "+8613800138001"), ("乙", "+8613800138002"), ("丙", "+8613800138003"))
    ]
    await Member.create(name="无号", created_at=now)
    counts = await tasks.backfill_customer_links()
    assert counts == {"conflict": 1, "linked": 1, "no_customer": 1}
    assert [(link.member_id, link.how.value) for link in await MemberLink.all()] == [
        (members[0].id, "auto")
    ]
    assert [c.member_id for c in await LinkConflict.all()] == [members[1].id]
    assert await tasks.backfill_customer_links() == {
        "conflict": 1,
        "member_taken": 1,
        "no_customer": 1,
    }


async def test_a_merge_moves_the_customer_link_and_its_undo_moves_it_back() -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "王女士", PHONE)
    now = customer.created_at
    source = await Member.create(name="王女士", phone="+8613800138000", created_at=now)
    target = await Member.create(name="王女士", created_at=now)
    assert await tasks.link_customer(source.id) == "linked"
    record = await merge(target.id, source.id)
    assert [(x.customer_id, x.member_id) for x in await MemberLink.all()] == [
        (customer.id, target.id)
    ]
    assert (await Customer.get(id=customer.id)).member_id == target.id
    assert record.moved["customer_link"] == {"customer_id": customer.id}
    entry = await AuditLog.get(action="customer.member_relinked")
    assert (entry.before, entry.after) == ({"member_id": source.id}, {"member_id": target.id})
    await undo(record.id)
    assert [(x.customer_id, x.member_id) for x in await MemberLink.all()] == [
        (customer.id, source.id)
    ]
    assert (await Customer.get(id=customer.id)).member_id == source.id


async def test_a_merge_into_a_linked_member_leaves_both_links() -> None:
    team = await make_team()
    a = await make_customer(team.rep, "甲", "13800138001")
    b = await make_customer(team.rep, "乙", "13800138002")
    now = a.created_at
    source = await Member.create(name="甲", phone="+8613800138001", created_at=now)
    target = await Member.create(name="乙", phone="+8613800138002", created_at=now)
    await tasks.link_customer(source.id)
    await tasks.link_customer(target.id)
    record = await merge(target.id, source.id)
    assert record.moved["customer_link"] == {"customer_id": None}
    assert sorted((x.customer_id, x.member_id) for x in await MemberLink.all()) == [
        (a.id, source.id),
        (b.id, target.id),
    ]
    assert await AuditLog.filter(action="customer.member_relinked").count() == 0
