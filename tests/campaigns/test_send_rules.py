from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaigns.sends import rules
from campaigns.sends.rules import Channel, Decision, Fan, Intent, Policy, Recipient, SkipReason

NOON = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)  # 12:00 Asia/Shanghai, a Monday
POLICY = Policy(
    caps={"customer_service": (3, 10), "template": (2, 6), "mass": (1, 4), "sms": (1, 3)}
)
ALL = Intent(has_text=True, has_template=True, has_sms=True)
OPEN = Fan(subscribed=True, blacklisted=False, window_open=True)
CLOSED = Fan(subscribed=True, blacklisted=False, window_open=False)
GONE = Fan(subscribed=False, blacklisted=False, window_open=False)


def member(**facts: object) -> Recipient:
    values: dict[str, object] = {
        "exists": True,
        "opted_out": False,
        "fan": CLOSED,
        "has_phone": True,
        "sms_consent": True,
    }
    return Recipient(**(values | facts))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("intent", "recipient", "expected"),
    [
        pytest.param(ALL, member(fan=OPEN), Decision(Channel.CUSTOMER_SERVICE), id="window-open"),
        pytest.param(ALL, member(), Decision(Channel.TEMPLATE), id="window-closed-template"),
        pytest.param(
            Intent(has_text=True, has_template=False, has_sms=True),
            member(),
            Decision(Channel.SMS),
            id="no-template-sms",
        ),
        pytest.param(
            Intent(has_text=True, has_template=False, has_sms=True),
            member(has_phone=False),
            Decision(skip=SkipReason.NO_PHONE),
            id="no-phone-skipped",
        ),
        pytest.param(
            ALL, member(fan=GONE), Decision(Channel.SMS), id="unfollowed-fan-falls-to-sms"
        ),
        pytest.param(
            ALL,
            member(fan=Fan(subscribed=True, blacklisted=True, window_open=True)),
            Decision(Channel.SMS),
            id="blacklisted-fan",
        ),
        pytest.param(ALL, member(opted_out=True), Decision(skip=SkipReason.OPTED_OUT), id="optout"),
        pytest.param(
            Intent(has_text=True, has_template=False, has_sms=True, marketing=False),
            member(opted_out=True, fan=OPEN),
            Decision(Channel.CUSTOMER_SERVICE),
            id="notice-ignores-marketing-optout",
        ),
        pytest.param(
            Intent(has_text=True, has_template=False, has_sms=True),
            member(sms_consent=False),
            Decision(skip=SkipReason.NO_SMS_CONSENT),
            id="marketing-sms-needs-consent",
        ),
        pytest.param(
            Intent(has_text=True, has_template=False, has_sms=False),
            member(),
            Decision(skip=SkipReason.NO_CONTENT),
            id="nothing-to-send-by-sms",
        ),
        pytest.param(ALL, member(exists=False), Decision(skip=SkipReason.MEMBER_GONE), id="gone"),
    ],
)
def test_channel_order(intent: Intent, recipient: Recipient, expected: Decision) -> None:
    assert rules.decide(intent, recipient, NOON, POLICY) == expected


def test_mass_quota_four_a_month_then_sms() -> None:
    mass = Intent(has_text=True, has_template=False, has_sms=True, mass=True)
    roomy = Policy(caps={})
    assert rules.decide(mass, member(mass_used=3), NOON, roomy) == Decision(Channel.MASS)
    assert rules.decide(mass, member(mass_used=4), NOON, roomy) == Decision(Channel.SMS)
    # Not a mass campaign: never the mass channel, whatever the quota.
    care = Intent(has_text=True, has_template=False, has_sms=True)
    assert rules.decide(care, member(mass_used=0), NOON, roomy) == Decision(Channel.SMS)


def test_caps_per_day_and_week_fall_through_then_skip() -> None:
    today = member(fan=OPEN, used={Channel.CUSTOMER_SERVICE: (3, 3)})
    assert rules.decide(ALL, today, NOON, POLICY) == Decision(Channel.TEMPLATE)
    week = member(used={Channel.TEMPLATE: (0, 6), Channel.SMS: (1, 1)})
    assert rules.decide(ALL, week, NOON, POLICY) == Decision(skip=SkipReason.CAPPED)


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        pytest.param(datetime(2026, 12, 7, 13, 59, tzinfo=UTC), None, id="21:59-sends"),
        pytest.param(
            datetime(2026, 12, 7, 14, 0, tzinfo=UTC),
            datetime(2026, 12, 8, 0, 0, tzinfo=UTC),
            id="22:00-waits-for-08:00",
        ),
        pytest.param(
            datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
            datetime(2027, 1, 1, 0, 0, tzinfo=UTC),
            id="07:30-new-year",
        ),
    ],
)
def test_quiet_hours_defer_marketing(utc: datetime, expected: datetime | None) -> None:
    decision = rules.decide(ALL, member(), utc, POLICY)
    assert decision == Decision(Channel.TEMPLATE, defer_until=expected)
    notice = Intent(has_text=True, has_template=True, has_sms=True, marketing=False)
    assert rules.decide(notice, member(), utc, POLICY) == Decision(Channel.TEMPLATE)


@pytest.mark.parametrize(
    ("channel", "errcode", "excluded"),
    [
        (Channel.CUSTOMER_SERVICE, 45015, {Channel.CUSTOMER_SERVICE}),
        (Channel.CUSTOMER_SERVICE, 45047, {Channel.CUSTOMER_SERVICE}),
        (Channel.TEMPLATE, 43004, {Channel.CUSTOMER_SERVICE, Channel.TEMPLATE, Channel.MASS}),
        (Channel.TEMPLATE, 40003, {Channel.CUSTOMER_SERVICE, Channel.TEMPLATE, Channel.MASS}),
        (Channel.TEMPLATE, 40037, {Channel.TEMPLATE}),
    ],
)
def test_permanent_refusals_close_channels(
    channel: Channel, errcode: int, excluded: set[Channel]
) -> None:
    assert rules.permanent_exclusion(channel, errcode) == excluded


def test_month_and_week_boundaries_are_shanghai_days() -> None:
    # 2027-01-31 16:30 UTC is already 1 February in Shanghai.
    moment = datetime(2027, 1, 31, 16, 30, tzinfo=UTC)
    assert rules.month_start(moment) == datetime(2027, 1, 31, 16, 0, tzinfo=UTC)
    assert rules.day_start(moment) == datetime(2027, 1, 31, 16, 0, tzinfo=UTC)
    assert rules.week_start(moment) == datetime(2027, 1, 31, 16, 0, tzinfo=UTC)  # a Monday


fans = st.one_of(st.none(), st.builds(Fan, st.booleans(), st.booleans(), st.booleans()))
counts = st.tuples(st.integers(0, 12), st.integers(0, 12))
recipients = st.builds(
    Recipient,
    exists=st.booleans(),
    opted_out=st.booleans(),
    fan=fans,
    has_phone=st.booleans(),
    sms_consent=st.booleans(),
    mass_used=st.integers(0, 6),
    used=st.dictionaries(st.sampled_from(list(Channel)), counts),
)
intents = st.builds(
    Intent, st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans()
)
# Hypothesis takes naive bounds and attaches the zone itself.
NAIVE_FROM, NAIVE_TO = datetime(2020, 1, 1), datetime(2035, 1, 1)  # noqa: DTZ001
moments = st.datetimes(min_value=NAIVE_FROM, max_value=NAIVE_TO, timezones=st.just(UTC))


@given(intents, recipients, moments, st.frozensets(st.sampled_from(list(Channel))))
def test_decision_invariants(
    intent: Intent, recipient: Recipient, now: datetime, excluded: frozenset[Channel]
) -> None:
    decision = rules.decide(intent, recipient, now, POLICY, excluded=excluded)
    assert (decision.channel is None) != (decision.skip is None)
    if decision.channel is None:
        return
    assert decision.channel not in excluded
    assert not rules.capped(decision.channel, recipient, POLICY)
    assert not (recipient.opted_out and intent.marketing)
    assert recipient.exists
    if decision.channel is Channel.SMS:
        assert recipient.has_phone
        assert intent.has_sms
    else:
        assert recipient.fan is not None
        assert recipient.fan.subscribed
        assert not recipient.fan.blacklisted
    if decision.channel is Channel.MASS:
        assert intent.mass
        assert recipient.mass_used < POLICY.mass_per_month
    # Only marketing waits, and only until a moment inside the sending hours.
    if decision.defer_until is not None:
        assert intent.marketing
        assert decision.defer_until > now
        local = decision.defer_until.astimezone(rules.SHANGHAI)
        assert (local.hour, local.minute) == (8, 0)
    # The first channel in the order that is open, allowed and offered wins.
    earlier = rules.ORDER[: rules.ORDER.index(decision.channel)]
    window = recipient.fan is not None and recipient.fan.window_open
    if Channel.CUSTOMER_SERVICE in earlier and window and intent.has_text:
        assert (
            Channel.CUSTOMER_SERVICE in excluded
            or rules.capped(Channel.CUSTOMER_SERVICE, recipient, POLICY)
            or recipient.fan is None
            or not recipient.fan.subscribed
            or recipient.fan.blacklisted
        )
