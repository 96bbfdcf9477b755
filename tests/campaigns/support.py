"""Members with fans on the sandbox account, and message content, for routing tests."""

import itertools
from datetime import UTC, datetime, timedelta

from campaigns.sends.schemas import MessageContent
from crm_core import clock
from members.models import Member
from sms_gateway.service import suppression
from wechat.models import Fan, MessageTemplate, OfficialAccount

# Monday 2026-12-07, 11:00 in Shanghai: inside marketing hours.
MONDAY_11 = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
_counter = itertools.count(1)
CONTENT = MessageContent(
    text="{name}你好", template_id="TPL_ORDER", template_data={"thing1": "生日快乐"}, sms="生日快乐"
)


async def make_member(*, phone: str | None = None, consent: bool = True) -> Member:
    member = await Member.create(
        name=f"会员{next(_counter)}", phone=phone, created_at=clock.utc_now()
    )
    if phone and consent:
        await suppression.grant_consent(phone, source="test")
    return member


async def make_fan(
    account: OfficialAccount, member: Member, openid: str, *, window: bool = False
) -> Fan:
    now = clock.utc_now()
    return await Fan.create(
        account=account,
        openid=openid,
        member_id=member.id,
        subscribed=True,
        subscribed_at=now - timedelta(days=30),
        last_interaction_at=now - timedelta(hours=1) if window else now - timedelta(days=5),
    )


async def make_library_template(template_id: str, content: str) -> MessageTemplate:
    """A template in the synced library (care settings refuse ids it does not hold)."""
    account, _ = await OfficialAccount.get_or_create(
        appid="wxlibrary0000001",
        defaults={"name": "模板库", "secret_sealed": "", "token_sealed": ""},
    )
    row, _ = await MessageTemplate.get_or_create(
        account=account,
        template_id=template_id,
        defaults={"title": template_id, "content": content, "synced_at": clock.utc_now()},
    )
    return row
