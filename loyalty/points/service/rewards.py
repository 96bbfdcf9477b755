"""Earn rules for member actions: profile fields, reviews, invitations. Each is keyed by its
cause, so a field completed twice, or a redelivered job, earns once."""

from enum import StrEnum

from loyalty.points.models import EntryKind
from loyalty.points.schemas import EntryRead
from loyalty.points.service.accounts import earn_points
from loyalty.points.service.ledger import Source
from loyalty.program.service import program


class Action(StrEnum):
    PROFILE = "profile"
    REVIEW = "review"
    INVITE = "invite"


async def reward_action(member_id: int, action: Action, ref: str) -> EntryRead | None:
    """ref: the profile field name, the review id, or the invited member's id."""
    config = await program()
    points = {Action.PROFILE: config.profile_points, Action.REVIEW: config.review_points,
              Action.INVITE: config.invite_points}[action]
    if points <= 0:
        return None
    posted = await earn_points(member_id, points, kind=EntryKind(action.value),
                               key=f"{action.value}:{member_id}:{ref}",
                               source=Source(action.value, ref))
    return None if posted.replayed else posted.entry
