"""The caller ID card with the member's standing: tier and points beside who they are.

Registered with the SMS gateway from scrm in place of the members card it extends; the phone
desk sees the same card whatever it may see of loyalty, like the purchases on it.
"""

from crm_core.permissions import Principal
from loyalty.points.models import Account
from loyalty.program.models import Tier
from members import caller as member_caller
from sms_gateway.schemas import CallerCard, CardField


async def caller_card(number: str, viewer: Principal) -> CallerCard | None:
    card = await member_caller.caller_card(number, viewer)
    member = await member_caller.member_calling(number) if card and card.known else None
    if card is None or member is None:
        return card
    account = await Account.get_or_none(member_id=member.id)
    tier = await Tier.get_or_none(id=account.tier_id) if account and account.tier_id else None
    standing = [
        CardField(label="会员等级", value=tier.name if tier else "未定级"),
        CardField(label="可用积分", value=f"{account.balance if account else 0:,}"),
    ]
    # After the name and card number, before the store: the order the phone desk reads in.
    fields = card.sections[0].fields
    card.sections[0].fields = [*fields[:2], *standing, *fields[2:]]
    return card
