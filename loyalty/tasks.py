"""Loyalty tasks: each one service call, idempotent, carrying ids only."""

from crm_core.celery import task
from loyalty.coupons import service as coupons
from loyalty.coupons.models import CouponSource
from loyalty.gifts import service as gifts
from loyalty.points.service import accounts, purchases, rewards
from loyalty.program import birthdays
from loyalty.program import service as program
from loyalty.redpackets import service as red_packets


@task("loyalty.award_purchase_points")
async def award_purchase_points(order_id: int) -> int | None:
    entry = await purchases.award_purchase_points(order_id)
    return entry.id if entry else None


@task("loyalty.reverse_purchase_points")
async def reverse_purchase_points(refund_id: int) -> int | None:
    entry = await purchases.reverse_purchase_points(refund_id)
    return entry.id if entry else None


@task("loyalty.grant_follow_gift")
async def grant_follow_gift(
    member_id: int,
    qrcode_id: int | None = None,
    channel: str = "",
    scene: str = "",
    fan_id: int | None = None,
) -> int | None:
    grant = await gifts.grant_follow_gift(
        member_id, qrcode_id=qrcode_id, channel=channel, scene=scene, fan_id=fan_id
    )
    return grant.id if grant else None


@task("loyalty.reward_action")
async def reward_action(member_id: int, action: str, ref: str) -> int | None:
    """For members (profile field completed), reviews and invitations."""
    entry = await rewards.reward_action(member_id, rewards.Action(action), ref)
    return entry.id if entry else None


@task("loyalty.reward_profile_field")
async def reward_profile_field(member_id: int, field: str) -> int | None:
    """Published by members when a profile field is completed for the first time."""
    granted = await rewards.reward_profile_field(member_id, field)
    return granted.points_entry_id


@task("loyalty.issue_coupon")
async def issue_coupon(template_id: int, member_id: int, key: str, source: str = "campaign") -> int:
    """For campaigns and rules: key derived from the cause, e.g. campaign:{id}:member:{id}."""
    coupon, _ = await coupons.issue_coupon(
        template_id, member_id, source=CouponSource(source), key=key
    )
    return coupon.id


@task("loyalty.expire_points")
async def expire_points() -> int:
    return await accounts.expire_points()


@task("loyalty.expire_coupons")
async def expire_coupons() -> int:
    return await coupons.expire_coupons()


@task("loyalty.notify_expiring_coupons")
async def notify_expiring_coupons() -> int:
    return await coupons.notify_expiring()


@task("loyalty.reevaluate_tiers")
async def reevaluate_tiers() -> int:
    return await program.reevaluate_tiers()


@task("loyalty.refresh_lifecycles")
async def refresh_lifecycles() -> int:
    return await program.refresh_lifecycles()


@task("loyalty.grant_birthday_gifts")
async def grant_birthday_gifts() -> int:
    return await birthdays.grant_birthday_gifts()


@task("loyalty.check_ledger")
async def check_ledger() -> int:
    """Nightly LG-5 check: logs and returns the number of violations (0 when healthy)."""
    return await accounts.report_violations()


@task("loyalty.send_red_packet")
async def send_red_packet(red_packet_id: int, retry_failed: bool = False) -> str:
    """Safe to run twice or concurrently: a lease, a fixed mch_billno and query-before-resend."""
    packet = await red_packets.send_red_packet(red_packet_id, retry_failed=retry_failed)
    return packet.status.value


@task("loyalty.resume_red_packets")
async def resume_red_packets() -> int:
    return await red_packets.resume_red_packets()
