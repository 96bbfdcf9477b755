"""The caller ID card: the member and their purchases, or a stranger with a search link."""

from datetime import UTC, datetime

import httpx

from crm_core import clock
from crm_core.org.models import Department, Store
from crm_core.org.service import auth
from crm_core.permissions import Principal
from crm_core.sales.models import OrderStatus, SalesOrder, SalesRefund
from members.caller import caller_card
from members.models import Member
from sms_gateway.models import SmsCall
from sms_gateway.schemas import CallerCard, CardField, CardLink, CardSection
from sms_gateway.service import inbound
from tests.factories import bearer, make_staff
from tests.wechat.callback_support import make_account
from wechat.models import Fan


async def viewer(role: str) -> Principal:
    staff = await make_staff(role)
    return await auth.principal_for(staff.id, ip="203.0.113.7", user_agent="test")


async def order(
    store: Store,
    member_id: int | None,
    number: str,
    total_fen: int,
    paid_at: datetime,
    refunds: tuple[int, ...] = (),
) -> SalesOrder:
    refunded = sum(refunds)
    status = (
        OrderStatus.PAID
        if not refunded
        else OrderStatus.REFUNDED
        if refunded == total_fen
        else OrderStatus.PARTLY_REFUNDED
    )
    row = await SalesOrder.create(
        store=store,
        order_no=number,
        member_id=member_id,
        total_fen=total_fen,
        refunded_fen=refunded,
        status=status,
        paid_at=paid_at,
        request_hash="x",
        created_at=paid_at,
    )
    for index, amount in enumerate(refunds):
        await SalesRefund.create(
            order=row,
            refund_no=f"{number}-R{index}",
            amount_fen=amount,
            refunded_at=paid_at,
            request_hash="x",
            created_at=paid_at,
        )
    return row


async def member_with_orders() -> tuple[Member, Store]:
    department = await Department.create(name="华东区")
    home = await Store.create(code="S1", name="上海南京西路店", department=department)
    other = await Store.create(code="S2", name="杭州湖滨店", department=department)
    member = await Member.create(
        name="王女士",
        phone="+8613800138000",
        card_no="880000000042",
        first_store_id=home.id,
        created_at=clock.utc_now(),
    )
    await order(
        home, member.id, "A001", 39_900, datetime(2026, 11, 1, 2, 0, tzinfo=UTC), refunds=(10_000,)
    )
    await order(other, member.id, "B002", 12_850, datetime(2026, 11, 20, 6, 30, tzinfo=UTC))
    await order(
        home,
        member.id,
        "A003",
        5_000,
        datetime(2026, 10, 5, 2, 0, tzinfo=UTC),
        refunds=(2_000, 3_000),
    )
    await order(home, None, "A004", 99_999, datetime(2026, 11, 21, 2, 0, tzinfo=UTC))
    return member, home


async def test_member_card_with_purchases_and_links():
    member, _ = await member_with_orders()
    fan = await Fan.create(account=await make_account(), openid="o-wang", member_id=member.id)
    card = await caller_card("138 0013 8000", await viewer("admin"))
    assert card == CallerCard(
        known=True,
        title="王女士",
        sections=[
            CardSection(
                title="会员",
                fields=[
                    CardField(label="会员", value="王女士"),
                    CardField(label="会员卡号", value="880000000042"),
                    CardField(label="归属门店", value="上海南京西路店"),
                    CardField(label="会员编号", value=str(member.id)),
                ],
            ),
            CardSection(
                title="客户",
                fields=[
                    CardField(label="订单数", value="3 笔"),
                    CardField(label="累计消费", value="¥427.50"),
                    CardField(label="退款", value="3 笔，¥150.00"),
                    CardField(
                        label="最近订单", value="2026-11-20 14:30 · 杭州湖滨店 · ¥128.50 · B002"
                    ),
                ],
            ),
        ],
        links=[
            CardLink(label="会员资料", href="/admin/members?phone=%2B8613800138000"),
            CardLink(label="微信粉丝", href=f"/admin/wechat/fans/{fan.id}"),
        ],
    )


async def test_member_without_orders():
    store = await Store.create(
        code="S1", name="上海南京西路店", department=await Department.create(name="华东区")
    )
    await Member.create(phone="+8613800138000", first_store_id=store.id, created_at=clock.utc_now())
    card = await caller_card("+8613800138000", await viewer("service_agent"))
    assert card is not None
    assert card.title == "未填写姓名"
    assert card.sections[1].fields == [
        CardField(label="订单数", value="0 笔"),
        CardField(label="累计消费", value="¥0.00"),
        CardField(label="退款", value="无"),
        CardField(label="最近订单", value="—"),
    ]


async def test_stranger_gets_a_prefilled_member_search():
    await member_with_orders()
    card = await caller_card("13999999999", await viewer("service_agent"))
    assert card == CallerCard(
        known=False,
        title="陌生来电",
        links=[CardLink(label="新建会员检索", href="/admin/members?phone=%2B8613999999999")],
    )


async def test_links_follow_the_viewers_permissions():
    await member_with_orders()
    finance = await viewer("finance")  # no members.member:view
    known = await caller_card("13800138000", finance)
    stranger = await caller_card("13999999999", finance)
    assert known is not None
    assert stranger is not None
    assert (known.links, stranger.links) == ([], [])
    assert known.sections[1].fields[0] == CardField(label="订单数", value="3 笔")


async def test_withheld_or_landline_numbers_have_no_card():
    principal = await viewer("admin")
    assert await caller_card("未知号码", principal) is None
    assert await caller_card("021-12345678", principal) is None


async def test_recent_calls_use_the_registered_lookup():
    member, _ = await member_with_orders()
    now = clock.utc_now()
    await SmsCall.create(number="+8613800138000", started_at=now, last_ring_at=now)
    await SmsCall.create(number="未知号码", started_at=now, last_ring_at=now)
    cards = {call.number: card for call, card in await inbound.recent_calls(await viewer("admin"))}
    assert cards["未知号码"] is None
    assert cards["+8613800138000"] is not None
    # The registered lookup is loyalty's, which adds the tier and points to this card.
    fields = {f.label: f.value for f in cards["+8613800138000"].sections[0].fields}
    assert (fields["会员编号"], fields["会员等级"], fields["可用积分"]) == (
        str(member.id),
        "未定级",
        "0",
    )


async def test_member_search_matches_the_number_the_card_links_to(client: httpx.AsyncClient):
    """The card links to /admin/members?phone=…; the SPA's list searches /api/v1/members/search
    with that number (its prefill is checked in tests/e2e/test_spa_loyalty.py)."""
    member, _ = await member_with_orders()
    await Member.create(name="李先生", phone="+8613900139000", created_at=clock.utc_now())
    headers = await bearer(await make_staff("admin"))

    async def names(q: str) -> list[str]:
        found = await client.get("/api/v1/members/search", params={"q": q}, headers=headers)
        assert found.status_code == 200, found.text
        return [m["name"] for m in found.json()["items"]]

    assert await names("+8613800138000") == ["王女士"]
    assert await names("38000") == ["王女士"]
    assert await names("abc") == []
    assert await names("13999999999") == []
    assert await names("李先") == ["李先生"]
    await Member.filter(name="李先生").update(card_no="88123456789012")
    assert await names("88123456789012") == ["李先生"]
    assert member.name == "王女士"


async def test_links_only_lead_to_what_the_viewer_may_see():
    member, home = await member_with_orders()
    account = await make_account()
    assigned = await Fan.create(
        account=account, openid="o-1", member_id=member.id, store_id=home.id
    )
    await Fan.create(account=account, openid="o-2", member_id=member.id, store_id=home.id)
    desk = await Department.create(name="客服部")
    agent = await make_staff("service_agent", department=desk)
    await Fan.filter(id=assigned.id).update(assigned_staff_id=agent.id)
    principal = await auth.principal_for(agent.id, ip="203.0.113.7", user_agent="test")
    card = await caller_card("13800138000", principal)
    assert card is not None
    # The agent serves this member through the assigned fan, so the member page is theirs too.
    assert card.links == [
        CardLink(label="会员资料", href="/admin/members?phone=%2B8613800138000"),
        CardLink(label="微信粉丝", href=f"/admin/wechat/fans/{assigned.id}"),
    ]
    manager = await make_staff("store_manager", department=await home.department)
    principal = await auth.principal_for(manager.id, ip="203.0.113.7", user_agent="test")
    card = await caller_card("13800138000", principal)
    assert card is not None
    assert [link.label for link in card.links] == ["会员资料", "微信粉丝", "微信粉丝"]
