from crm_core import clock
from crm_core.org.models import Department
from members.models import Member
from sms_gateway.models import SmsCall
from sms_gateway.service import inbound
from tests.factories import make_store


async def test_an_incoming_call_shows_the_members_card() -> None:
    store = await make_store(await Department.create(name="总部"), name="上海南京西路店")
    member = await Member.create(name="王女士", phone="+8613800138000", card_no="880000000042",
                                 first_store_id=store.id, created_at=clock.utc_now())
    now = clock.utc_now()
    await SmsCall.create(number="13800138000", started_at=now, last_ring_at=now)
    await SmsCall.create(number="13999999999", started_at=now, last_ring_at=now)
    cards = {call.number: card for call, card in await inbound.recent_calls()}
    assert cards == {
        "13800138000": {"会员": "王女士", "会员卡号": "880000000042", "归属门店": "上海南京西路店",
                        "会员编号": str(member.id)},
        "13999999999": None,
    }
