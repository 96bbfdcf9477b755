"""RFM: the nightly set-based rebuild equals a hand computation and the pure reference, is
idempotent, follows new orders and refunds, and flags churn and churn risk."""

from datetime import UTC, date, datetime, timedelta

from analytics.customers import rules, service
from analytics.customers.models import MemberRfm
from campaigns.segments import rules as segment_rules
from crm_core import clock
from crm_core.sales.models import OrderStatus, SalesOrder
from members.models import Member
from tests.factories import make_department, make_store

NOW = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)
# member -> orders as (days ago, total, refunded)
ORDERS = {
    "A": [(1, 10000, 0), (11, 20000, 0)],
    "B": [(95, 5000, 0)],
    "C": [(200, 50000, 0), (400, 9000, 0)],
    "D": [(100, 3000, 0), (130, 3000, 0), (160, 3000, 0)],
    "E": [(5, 8000, 8000), (60, 4000, 1000)],
    "F": [],
}
# By hand: recency, frequency, monetary; scores ceil(5k/n) over 5 buyers; sums R 15, F 18, M 15.
EXPECTED = {
    "A": (1, 2, 30000, 5, 4, 4, "important_value", 10, False, False),
    "B": (95, 1, 5000, 3, 3, 2, "general_retain", None, False, True),
    "C": (200, 1, 50000, 1, 3, 5, "important_retain", 200, True, False),
    "D": (100, 3, 9000, 2, 5, 3, "general_keep", 30, False, False),
    "E": (60, 1, 3000, 4, 3, 1, "general_develop", None, False, False),
}


async def build() -> dict[str, int]:
    store = await make_store(await make_department())
    ids = {}
    for name, orders in ORDERS.items():
        member = await Member.create(name=name, first_store_id=store.id, created_at=NOW)
        ids[name] = member.id
        for k, (days, total, refunded) in enumerate(orders):
            status = OrderStatus.PAID if not refunded else OrderStatus.PARTLY_REFUNDED
            await SalesOrder.create(
                store=store,
                order_no=f"{name}{k}",
                member_id=member.id,
                total_fen=total,
                refunded_fen=refunded,
                status=OrderStatus.REFUNDED if refunded == total else status,
                paid_at=NOW - timedelta(days=days),
                request_hash="x",
                created_at=NOW,
            )
    merged = await Member.create(name="merged", merged_into_id=ids["A"], created_at=NOW)
    await SalesOrder.create(
        store=store,
        order_no="M0",
        member_id=merged.id,
        total_fen=999,
        status=OrderStatus.PAID,
        paid_at=NOW,
        request_hash="x",
        created_at=NOW,
    )
    return ids


async def table() -> dict[int, tuple[object, ...]]:
    return {
        r.member_id: (
            r.recency_days,
            r.frequency,
            r.monetary_fen,
            r.r_score,
            r.f_score,
            r.m_score,
            r.rfm_class,
            r.interval_days,
            r.churned,
            r.churn_risk,
        )
        for r in await MemberRfm.all()
    }


async def test_rebuild_equals_hand_computation_and_is_idempotent() -> None:
    ids = await build()
    with clock.freeze(NOW):
        assert await service.rebuild_rfm() == 5
        first = await table()
        assert await service.rebuild_rfm() == 5
    assert first == {ids[k]: v for k, v in EXPECTED.items()}
    assert await table() == first
    assert {r.computed_on for r in await MemberRfm.all()} == {date(2026, 6, 15)}


async def test_rebuild_follows_a_full_refund() -> None:
    ids = await build()
    await SalesOrder.filter(order_no="B0").update(status=OrderStatus.REFUNDED, refunded_fen=5000)
    with clock.freeze(NOW):
        assert await service.rebuild_rfm() == 4
    assert ids["B"] not in await table()


def test_pure_reference_equals_hand_computation() -> None:
    rows = [rules.Purchases(i, *EXPECTED[k][:3]) for i, k in enumerate(EXPECTED)]
    assert rules.score(rows) == {i: EXPECTED[k][3:7] for i, k in enumerate(EXPECTED)}


def test_churn_risk() -> None:
    assert rules.churn_risk(95, None, 180) is True
    assert rules.churn_risk(89, None, 180) is False
    assert rules.churn_risk(150, 30, 180) is True
    assert rules.churn_risk(149, 30, 180) is False
    assert rules.churn_risk(100, 100, 180) is True
    assert rules.churn_risk(180, 100, 180) is False


def test_segment_classes_are_analytics_classes() -> None:
    assert tuple(rules.CLASSES.values()) == segment_rules.RFM_CLASSES
    assert set(rules.LABELS) == set(rules.CLASSES.values())
