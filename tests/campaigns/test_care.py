"""Care messages from loyalty, sales and member events, and the daily birthdays and festivals."""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from campaigns import tasks
from campaigns.care import service
from campaigns.care.models import CareType, Festival
from campaigns.care.schemas import CareSettingUpdate
from campaigns.sends.models import Delivery
from crm_core import clock, jobs
from crm_core.audit import SYSTEM
from loyalty.points.models import EntryKind
from loyalty.points.service.accounts import earn_points
from members.models import Member
from tests.campaigns.support import MONDAY_11, make_fan, make_library_template, make_member
from tests.loyalty.factories import make_tiers
from wechat.models import OfficialAccount
from wechat.sandbox.state import SandboxState


@pytest.fixture(autouse=True)
def monday() -> Iterator[None]:
    with clock.freeze(MONDAY_11):
        yield


async def turn_on(care_type: CareType, *, enabled: bool = True) -> None:
    await make_library_template("TPL_ORDER", "{{thing1.DATA}}\n金额：{{amount2.DATA}}")
    await service.update_setting(
        SYSTEM,
        care_type,
        CareSettingUpdate(
            enabled=enabled,
            text="{name}：{tier} {points}",
            template_id="TPL_ORDER",
            template_fields={"thing1": "{name}", "amount2": "{points}"},
            sms="{name}您好",
        ),
    )


async def rows() -> list[tuple[str, str, int]]:
    return [(r.kind, r.intent_key, r.member_id) for r in await Delivery.all().order_by("id")]


async def test_care_off_queues_nothing_and_on_queues_one(
    published_jobs: list[jobs.Job],
) -> None:
    member = await make_member(phone="+8613800138001")
    await tasks.on_card_bound(member_id=member.id)
    assert await rows() == []
    await turn_on(CareType.CARD_BOUND)
    await tasks.on_card_bound(member_id=member.id)  # a redelivery of the first event: handled
    assert await rows() == []
    other = await make_member()
    await tasks.on_card_bound(member_id=other.id)
    delivery = await Delivery.get()
    assert (delivery.kind, delivery.member_id, delivery.content["marketing"]) == (
        "card_bound",
        other.id,
        False,
    )
    assert [j.name for j in published_jobs] == ["campaigns.deliver_message"]
    await turn_on(CareType.CARD_BOUND, enabled=False)
    await tasks.on_card_bound(member_id=member.id, again=True)
    assert await Delivery.all().count() == 1


async def test_points_and_tier_changes_render_the_member_values(
    published_jobs: list[jobs.Job],
) -> None:
    await turn_on(CareType.POINTS_CHANGED)
    await turn_on(CareType.TIER_UP)
    await turn_on(CareType.TIER_DOWN)
    basic, silver, _gold = await make_tiers()
    member = await make_member()
    await Member.filter(id=member.id).update(name="王小明")
    entry = await earn_points(member.id, 120, kind=EntryKind.ADJUST, key="k1")
    points_job = next(j for j in published_jobs if j.name == "campaigns.on_points_changed")
    await tasks.on_points_changed(**points_job.kwargs)
    await tasks.on_tier_changed(member_id=member.id, from_tier_id=basic.id, to_tier_id=silver.id)
    await tasks.on_tier_changed(member_id=member.id, from_tier_id=silver.id, to_tier_id=basic.id)
    deliveries = await Delivery.all().order_by("id")
    assert [(d.kind, d.content["text"], d.content["template_data"]) for d in deliveries] == [
        ("points_changed", "王小明：普卡 120", {"thing1": "王小明", "amount2": "120"}),
        ("tier_up", "王小明：银卡 120", {"thing1": "王小明", "amount2": "120"}),
        ("tier_down", "王小明：普卡 120", {"thing1": "王小明", "amount2": "120"}),
    ]
    assert deliveries[0].intent_key.startswith("care:points_changed:")
    assert entry.entry.delta == 120


async def test_welcome_on_follow_is_routed_by_customer_service(
    account: OfficialAccount, sandbox: SandboxState, published_jobs: list[jobs.Job]
) -> None:
    from wechat.sandbox.state import CS_USER_MESSAGE_GRANT

    await turn_on(CareType.WELCOME)
    member = await make_member()
    await make_fan(account, member, "o_alice", window=True)
    sandbox.grant_cs(sandbox.users["o_alice"], CS_USER_MESSAGE_GRANT)
    await tasks.on_member_followed(member_id=member.id, event_id=9, qrcode_id=None)
    (job,) = [j for j in published_jobs if j.name == "campaigns.deliver_message"]
    assert await tasks.deliver_message(**job.kwargs) == "sent"
    assert [e["payload"]["text"]["content"] for e in sandbox.outbox] == [f"{member.name}： 0"]


def lunar_member(month: int, day: int) -> dict[str, object]:
    return {
        "birthday": date(1990, 1, 27),
        "birthday_calendar": "lunar",
        "lunar_birth_month": month,
        "lunar_birth_day": day,
    }


async def test_a_lunar_birthday_fires_on_exactly_the_right_day_across_the_year_boundary() -> None:
    await turn_on(CareType.BIRTHDAY)
    member = await make_member()
    await Member.filter(id=member.id).update(**lunar_member(12, 1))
    days = ["2027-01-07", "2027-01-08", "2027-01-09", "2027-01-08"]
    queued = [await tasks.send_daily_care(day) for day in days]
    assert queued == [0, 1, 0, 0]  # the beat running twice that day queues nothing more
    assert await tasks.send_daily_care("2027-12-28") == 1
    assert await rows() == [
        ("birthday", f"care:birthday:{member.id}:2027-01-08", member.id),
        ("birthday", f"care:birthday:{member.id}:2027-12-28", member.id),
    ]


async def test_the_loyalty_birthday_event_and_the_daily_run_send_once() -> None:
    await turn_on(CareType.BIRTHDAY)
    member = await make_member()
    await Member.filter(id=member.id).update(birthday=date(1990, 12, 7))
    # 08:30 Shanghai: loyalty's gift job publishes the event; 09:30 the daily care run.
    with clock.freeze(datetime(2026, 12, 7, 0, 30, tzinfo=UTC)):
        await tasks.on_member_birthday(member_id=member.id)
    with clock.freeze(datetime(2026, 12, 7, 1, 30, tzinfo=UTC)):
        assert await tasks.send_daily_care() == 0
    assert await rows() == [("birthday", f"care:birthday:{member.id}:2026-12-07", member.id)]


async def test_a_solar_birthday_uses_the_shanghai_day_not_utc() -> None:
    await turn_on(CareType.BIRTHDAY)
    member = await make_member()
    await Member.filter(id=member.id).update(birthday=date(1990, 12, 8))
    # 16:30 UTC on 7 December is 00:30 on 8 December in Shanghai.
    with clock.freeze(datetime(2026, 12, 7, 16, 30, tzinfo=UTC)):
        assert await tasks.send_daily_care() == 1
    with clock.freeze(datetime(2026, 12, 7, 15, 30, tzinfo=UTC)):
        assert await tasks.send_daily_care() == 0


async def test_festivals_are_seeded_and_switchable() -> None:
    await turn_on(CareType.FESTIVAL)
    first, second = await make_member(), await make_member()
    merged = await make_member()
    await Member.filter(id=merged.id).update(merged_into_id=first.id)
    assert await tasks.send_daily_care("2026-09-25") == 2  # 中秋节, lunar 8-15
    assert [f.name for f in await service.list_festivals()] == ["春节", "中秋节", "618", "双11"]
    await Festival.filter(name="双11").update(enabled=False)
    assert await tasks.send_daily_care("2026-11-11") == 0
    assert await tasks.send_daily_care("2026-09-25") == 0  # already queued
    deliveries = await Delivery.all().order_by("id")
    assert [(d.member_id, d.content["sms"]) for d in deliveries] == [
        (first.id, f"{first.name}您好"),
        (second.id, f"{second.name}您好"),
    ]


async def test_preview_renders_for_the_member_and_says_the_channel(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    await turn_on(CareType.COUPON_ISSUED)
    member = await make_member(phone="+8613800138001")
    preview = await service.preview(CareType.COUPON_ISSUED, member.id)
    assert preview.content.text == f"{member.name}： 0"
    assert (preview.channel, preview.skip_reason, preview.defer_until) == ("sms", None, None)
    assert await Delivery.all().count() == 0
