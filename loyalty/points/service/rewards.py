"""Earn rules for member actions: profile fields, reviews, invitations. Each is keyed by its
cause, so a field completed twice, or a redelivered job, earns once."""

import logging
from dataclasses import dataclass
from enum import StrEnum

from crm_core.db import unit_of_work
from loyalty.coupons.errors import TemplateNotFoundError
from loyalty.coupons.models import CouponSource
from loyalty.coupons.service import issue_locked
from loyalty.errors import NotAvailableError, SoldOutError
from loyalty.points import repository
from loyalty.points.models import EntryKind
from loyalty.points.schemas import EntryRead
from loyalty.points.service.accounts import earn_points
from loyalty.points.service.ledger import Source, credit
from loyalty.program.service import program
from members import profile as members_profile

log = logging.getLogger("scrm.loyalty")


class Action(StrEnum):
    PROFILE = "profile"
    REVIEW = "review"
    INVITE = "invite"


async def reward_action(member_id: int, action: Action, ref: str) -> EntryRead | None:
    """ref: the profile field name, the review id, or the invited member's id."""
    config = await program()
    points = {
        Action.PROFILE: config.profile_points,
        Action.REVIEW: config.review_points,
        Action.INVITE: config.invite_points,
    }[action]
    if points <= 0:
        return None
    posted = await earn_points(
        member_id,
        points,
        kind=EntryKind(action.value),
        key=f"{action.value}:{member_id}:{ref}",
        source=Source(action.value, ref),
    )
    return None if posted.replayed else posted.entry


@dataclass(frozen=True)
class ProfileRewardGranted:
    points_entry_id: int | None
    coupon_id: int | None


async def reward_profile_field(member_id: int, field: str) -> ProfileRewardGranted:
    """The reward for a profile field completed for the first time, once ever.

    Configured per field in members (ProfileReward); without a row, the programme's
    profile_points. Keys `profile:{member_id}:{field}` (and `:coupon`) make replays silent.
    """
    config = await members_profile.profile_reward_for(field)
    points = config.points if config else (await program()).profile_points
    template_id = config.coupon_template_id if config else None
    key = f"profile:{member_id}:{field}"
    entry_id = coupon_id = None
    async with unit_of_work():
        account = await repository.lock_account(member_id)
        if points > 0:
            posted = await credit(
                account, points, kind=EntryKind.PROFILE, key=key, source=Source("profile", field)
            )
            entry_id = posted.entry.id
        if template_id is not None:
            try:
                coupon, _ = await issue_locked(
                    account,
                    template_id,
                    source=CouponSource.RULE,
                    key=f"{key}:coupon",
                    enforce_limits=False,
                )
                coupon_id = coupon.id
            except (TemplateNotFoundError, NotAvailableError, SoldOutError) as error:
                # The points still count; a coupon that cannot be issued is logged, not retried.
                log.warning(
                    "profile reward coupon %s not issued for member %s: %s",
                    template_id,
                    member_id,
                    error.code,
                )
    return ProfileRewardGranted(entry_id, coupon_id)
