"""Birthday gifts: the tier's birthday points and coupon, once per member per year."""

from datetime import date

from crm_core import clock, jobs
from crm_core.db import unit_of_work
from crm_core.redis import get_redis
from loyalty import events
from loyalty.coupons.models import CouponSource
from loyalty.coupons.service import issue_locked
from loyalty.points import repository as points_repository
from loyalty.points.models import Account, EntryKind
from loyalty.points.service.ledger import Source, credit
from loyalty.program.models import Tier
from members import profile as members_profile


async def grant_birthday_gifts(today: date | None = None) -> int:
    today = today or clock.local_now().date()
    members = await Account.filter(birthday__not_isnull=True).values_list("member_id", "birthday")
    due = {int(m) for m, born in members if (born.month, born.day) == (today.month, today.day)}
    # The member's own profile birthday (solar, or lunar moved onto this year's solar date).
    due |= set(await members_profile.members_with_birthday_on(today))
    for member_id in sorted(due):
        await _grant(member_id, today)
    return len(due)


async def _grant(member_id: int, today: date) -> None:
    key = f"birthday:{member_id}:{today.year}"
    async with unit_of_work():
        account = await points_repository.lock_account(member_id)
        tier = await Tier.get_or_none(id=account.tier_id) if account.tier_id else None
        if tier and tier.birthday_points > 0:
            await credit(
                account,
                tier.birthday_points,
                kind=EntryKind.BIRTHDAY,
                key=key,
                source=Source("birthday", str(today.year)),
            )
        if tier and tier.birthday_coupon_template_id:
            await issue_locked(
                account,
                tier.birthday_coupon_template_id,
                source=CouponSource.BIRTHDAY,
                key=f"{key}:coupon",
                enforce_limits=False,
            )
    # One care message per birthday even if the beat task runs twice that day.
    if await get_redis().set(f"loyalty:{key}", "1", nx=True, ex=3 * 86400):
        jobs.enqueue(events.MEMBER_BIRTHDAY, member_id=member_id)
