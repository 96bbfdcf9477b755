"""Programme rules: tiers, lifecycle stages, action rewards, birthdays, and the beat tasks."""

from datetime import UTC, date, datetime, timedelta

import pytest

from crm_core import clock
from crm_core.jobs import Job
from loyalty.events import MEMBER_BIRTHDAY
from loyalty.points.models import Account, EntryKind, Lifecycle, PointsEntry
from loyalty.points.service.accounts import get_account
from loyalty.program.rules import (
    LifecycleThresholds,
    TierRule,
    is_upgrade,
    lifecycle_stage,
    tier_for,
)
from loyalty.tasks import grant_birthday_gifts, refresh_lifecycles, reward_action
from scrm.schedule import BEAT_SCHEDULE
from scrm.tasks import register_all
from tests.loyalty.factories import make_member, make_program, make_tiers

TIERS = [TierRule(1, 0, 0), TierRule(2, 1, 1000), TierRule(3, 2, 5000)]
NOW = datetime(2026, 6, 1, tzinfo=UTC)
THRESHOLDS = LifecycleThresholds(new_days=30, dormant_days=90, churned_days=180)


@pytest.mark.parametrize(
    ("metric", "expected"), [(0, 1), (999, 1), (1000, 2), (4999, 2), (5000, 3), (10**9, 3)]
)
def test_tier_for_metric(metric: int, expected: int) -> None:
    tier = tier_for(TIERS, metric)
    assert tier is not None
    assert tier.id == expected


def test_upgrades_only_go_up() -> None:
    assert is_upgrade(TIERS[0], TIERS[1])
    assert not is_upgrade(TIERS[2], TIERS[1])
    assert is_upgrade(None, TIERS[0])
    assert not is_upgrade(TIERS[0], None)


@pytest.mark.parametrize(
    ("joined_days", "purchase_days", "expected"),
    [
        (10, None, Lifecycle.NEW),
        (40, None, Lifecycle.ACTIVE),
        (100, None, Lifecycle.DORMANT),
        (400, 5, Lifecycle.ACTIVE),
        (400, 90, Lifecycle.DORMANT),
        (400, 179, Lifecycle.DORMANT),
        (400, 180, Lifecycle.CHURNED),
    ],
    ids=["new", "idle-joiner", "dormant-joiner", "active", "dormant", "almost-churned", "churned"],
)
def test_lifecycle_stage(joined_days: int, purchase_days: int | None, expected: Lifecycle) -> None:
    last = NOW - timedelta(days=purchase_days) if purchase_days is not None else None
    assert (
        lifecycle_stage(
            joined_at=NOW - timedelta(days=joined_days),
            last_purchase_at=last,
            now=NOW,
            thresholds=THRESHOLDS,
        )
        == expected
    )


async def test_refresh_lifecycles_moves_idle_members() -> None:
    await make_program(new_days=30, dormant_days=90, churned_days=180)
    buyer, idle = await make_member(), await make_member()
    await get_account(buyer.id)
    await get_account(idle.id)
    await Account.filter(member_id=buyer.id).update(last_purchase_at=clock.utc_now())
    clock.advance(timedelta(days=100))
    assert await refresh_lifecycles() == 2
    stages = dict(await Account.all().values_list("member_id", "lifecycle"))
    assert stages == {buyer.id: Lifecycle.DORMANT, idle.id: Lifecycle.DORMANT}
    assert await refresh_lifecycles() == 0


async def test_profile_review_and_invite_rewards_are_earned_once() -> None:
    await make_program(profile_points=20, review_points=10, invite_points=50)
    member = await make_member()
    assert await reward_action(member.id, "profile", "birthday") is not None
    assert await reward_action(member.id, "profile", "birthday") is None
    await reward_action(member.id, "profile", "city")
    await reward_action(member.id, "review", "981")
    await reward_action(member.id, "invite", "77")
    kinds = [(e.kind, e.delta) for e in await PointsEntry.all().order_by("id")]
    assert kinds == [
        (EntryKind.PROFILE, 20),
        (EntryKind.PROFILE, 20),
        (EntryKind.REVIEW, 10),
        (EntryKind.INVITE, 50),
    ]


async def test_birthday_gift_once_a_year(published_jobs: list[Job]) -> None:
    tiers = await make_tiers()
    member, other = await make_member(), await make_member()
    await Account.create(
        member_id=member.id,
        tier_id=tiers[2].id,
        birthday=date(1990, 6, 1),
        created_at=clock.utc_now(),
    )
    await Account.create(
        member_id=other.id,
        tier_id=tiers[2].id,
        birthday=date(1990, 6, 2),
        created_at=clock.utc_now(),
    )
    with clock.freeze(datetime(2026, 6, 1, 1, 0, tzinfo=UTC)):
        assert await grant_birthday_gifts() == 1
        assert await grant_birthday_gifts() == 1
    entries = await PointsEntry.filter(kind=EntryKind.BIRTHDAY)
    assert [(e.delta, e.idempotency_key) for e in entries] == [(200, f"birthday:{member.id}:2026")]
    assert [j.kwargs for j in published_jobs if j.name == MEMBER_BIRTHDAY] == [
        {"member_id": member.id}
    ]


def test_every_scheduled_and_enqueued_loyalty_task_is_registered() -> None:
    from crm_core.celery import app

    register_all()
    names = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    names |= {
        "loyalty.award_purchase_points",
        "loyalty.reverse_purchase_points",
        "loyalty.grant_follow_gift",
        "loyalty.reward_action",
        "loyalty.issue_coupon",
    }
    assert names <= set(app.tasks)
