"""The caller ID card as the phone desk sees it: tier and points beside the member's name."""

from crm_core import clock
from crm_core.org.models import Department, Store
from crm_core.org.service import auth
from loyalty.caller import caller_card
from loyalty.points.models import Account
from members.models import Member
from sms_gateway.schemas import CardField
from tests.factories import make_staff
from tests.loyalty.factories import make_tiers


async def test_tier_and_points_follow_the_name_and_card_number():
    tiers = await make_tiers()
    store = await Store.create(
        code="S1", name="上海南京西路店", department=await Department.create(name="华东区")
    )
    member = await Member.create(
        name="王女士",
        phone="+8613800138000",
        card_no="880000000042",
        first_store_id=store.id,
        created_at=clock.utc_now(),
    )
    await Account.create(
        member_id=member.id, tier_id=tiers[2].id, balance=12_580, created_at=clock.utc_now()
    )
    staff = await make_staff("service_agent")
    viewer = await auth.principal_for(staff.id, ip="203.0.113.7", user_agent="test")
    card = await caller_card("13800138000", viewer)
    assert card is not None
    assert card.sections[0].fields == [
        CardField(label="会员", value="王女士"),
        CardField(label="会员卡号", value="880000000042"),
        CardField(label="会员等级", value="金卡"),
        CardField(label="可用积分", value="12,580"),
        CardField(label="归属门店", value="上海南京西路店"),
        CardField(label="会员编号", value=str(member.id)),
    ]
    assert [s.title for s in card.sections] == ["会员", "客户"]


async def test_member_without_an_account_and_strangers():
    await Member.create(name="李先生", phone="+8613900139000", created_at=clock.utc_now())
    staff = await make_staff("service_agent")
    viewer = await auth.principal_for(staff.id, ip="203.0.113.7", user_agent="test")
    card = await caller_card("13900139000", viewer)
    assert card is not None
    assert card.sections[0].fields[2:4] == [
        CardField(label="会员等级", value="未定级"),
        CardField(label="可用积分", value="0"),
    ]
    stranger = await caller_card("13999999999", viewer)
    assert stranger is not None
    assert (stranger.known, stranger.sections) == (False, [])
    assert await caller_card("未知号码", viewer) is None
    assert await Account.all().count() == 0
