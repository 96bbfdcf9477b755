"""Follow gift (关注有礼): the gift of the scanned code, else of its channel, else the default;
once per member ever, however often they unfollow and follow again."""

from crm_core import audit, clock
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.permissions import Principal
from loyalty.coupons.models import CouponSource
from loyalty.coupons.service import get_template, issue_locked
from loyalty.gifts.models import FollowGift, FollowGiftGrant
from loyalty.gifts.schemas import FollowGiftCreate, FollowGiftRead, GrantRead
from loyalty.points import repository as points_repository
from loyalty.points.models import EntryKind
from loyalty.points.service.ledger import Source, credit
from wechat.service import inbox


async def _gift_for(qrcode_id: int | None, channel: str) -> FollowGift | None:
    if qrcode_id is not None:
        found = await FollowGift.filter(is_active=True, qrcode_id=qrcode_id).order_by("-id").first()
        if found is not None:
            return found
    query = FollowGift.filter(is_active=True, qrcode_id=None)
    if channel:
        found = await query.filter(channel=channel).order_by("-id").first()
        if found is not None:
            return found
    return await query.filter(channel="").order_by("-id").first()


def gift_message(points: int, coupon_name: str) -> str:
    given = "和".join(
        ([f"{points} 积分"] if points else [])
        + ([f"一张「{coupon_name}」优惠券"] if coupon_name else [])
    )
    return f"感谢关注，已赠送 {given}" if given else ""


async def grant_follow_gift(
    member_id: int,
    *,
    qrcode_id: int | None = None,
    channel: str = "",
    scene: str = "",
    fan_id: int | None = None,
) -> GrantRead | None:
    """Idempotent: a second follow (or a redelivered job) finds the grant and does nothing.
    The fan who followed is told what they got, in the same transaction as the grant."""
    async with unit_of_work():
        account = await points_repository.lock_account(member_id)
        if await FollowGiftGrant.exists(member_id=member_id):
            return None
        gift = await _gift_for(qrcode_id, channel)
        if gift is None:
            return None
        entry_id = coupon_id = None
        coupon_name = ""
        if gift.points > 0:
            posted = await credit(
                account,
                gift.points,
                kind=EntryKind.FOLLOW,
                key=f"follow-gift:{member_id}",
                source=Source("follow_gift", str(gift.id)),
                reason=scene[:255],
            )
            entry_id = posted.entry.id
        if gift.coupon_template_id is not None:
            coupon, _ = await issue_locked(
                account,
                gift.coupon_template_id,
                source=CouponSource.FOLLOW,
                key=f"follow-gift:{member_id}:coupon",
                enforce_limits=False,
            )
            coupon_id = coupon.id
            coupon_name = (await get_template(gift.coupon_template_id)).name
        grant = await FollowGiftGrant.create(
            member_id=member_id,
            gift_id=gift.id,
            qrcode_id=qrcode_id,
            channel=channel,
            points_entry_id=entry_id,
            coupon_id=coupon_id,
            created_at=clock.utc_now(),
        )
        text = gift_message(gift.points, coupon_name)
        if fan_id is not None and text:
            await inbox.notify(fan_id, text)
    return GrantRead.model_validate(grant)


async def create_follow_gift(principal: Principal, data: FollowGiftCreate) -> FollowGiftRead:
    if data.coupon_template_id is not None:
        await get_template(data.coupon_template_id)
    async with unit_of_work():
        gift = await FollowGift.create(**data.model_dump())
        await audit.record(
            actor_of(principal),
            "loyalty.follow_gift_create",
            target_type="follow_gift",
            target_id=gift.id,
            after=data.model_dump(),
        )
    return FollowGiftRead.model_validate(gift)


async def list_follow_gifts() -> list[FollowGiftRead]:
    return [FollowGiftRead.model_validate(g) for g in await FollowGift.all().order_by("-id")]
