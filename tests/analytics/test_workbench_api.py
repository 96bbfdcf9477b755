"""The workbench: exact KPI, trend, ranking, marketing and guide figures from seeded data, in
the caller's data scope, each section only with the permission behind it."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from analytics.workbench import rules
from crm_core import clock
from crm_core.org.models import Department
from crm_core.sales.models import SalesOrder
from loyalty.coupons.models import CouponSource
from loyalty.coupons.service import issue_coupon
from loyalty.points.models import EntryKind
from loyalty.points.service.accounts import earn_points, redeem_points
from members.models import Member
from tests.factories import bearer, make_staff, make_store
from tests.loyalty.factories import make_template
from wechat.models import (
    Direction,
    Fan,
    FanMessage,
    MessageStatus,
    OfficialAccount,
    QrCode,
    QrDailyStat,
    QrKind,
)

NOW = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
TODAY = date(2026, 6, 15)


def ago(days: int, hours: int = 0) -> datetime:
    return NOW - timedelta(days=days, hours=hours)


def trend(**values: int) -> list[int]:
    """30 zeros with values at `d<days ago>`."""
    series = [0] * 30
    for key, value in values.items():
        series[29 - int(key[1:])] = value
    return series


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with clock.freeze(NOW):
        yield


async def seed() -> dict[str, Any]:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东", parent=root)
    south = await Department.create(name="华南", parent=root)
    sh = await make_store(east, code="SH001", name="上海店")
    sz = await make_store(south, code="SZ001", name="深圳店")
    guide_a = await make_staff("guide", department=east, store=sh, is_guide=True)
    guide_b = await make_staff("guide", department=east, store=sh, is_guide=True)
    await guide_a.__class__.filter(id=guide_a.id).update(name="导购甲")
    await guide_b.__class__.filter(id=guide_b.id).update(name="导购乙")
    account = await OfficialAccount.create(
        appid="wxworkbench00001", name="测试号", secret_sealed="x", token_sealed="t"
    )
    fans = {}
    # 12:00 today, 3 days ago, 40 days ago (previous window), today in Shenzhen, 70 days ago.
    for name, at, store, guide in (
        ("f1", ago(0, 1), sh, guide_a),
        ("f2", ago(3), sh, guide_a),
        ("f3", ago(40), sh, guide_b),
        ("f4", ago(0, 2), sz, None),
        ("f5", ago(70), sh, guide_a),
    ):
        fans[name] = await Fan.create(
            account=account,
            openid=f"o_{name}",
            subscribed=True,
            first_subscribed_at=at,
            subscribed_at=at,
            store_id=store.id,
            guide_id=guide.id if guide else None,
        )
    # The fan guide 甲 serves wrote last and got no answer from a person yet.
    await Fan.filter(id=fans["f1"].id).update(assigned_staff_id=guide_a.id, last_message_at=ago(0))
    await FanMessage.create(
        fan=fans["f1"],
        direction=Direction.IN,
        msg_type="text",
        content="在吗",
        status=MessageStatus.RECEIVED,
        created_at=ago(0),
    )
    m1 = await Member.create(
        name="张三", created_at=ago(0, 1), first_store_id=sh.id, first_guide_id=guide_a.id
    )
    m2 = await Member.create(name="李四", created_at=ago(35), first_store_id=sz.id)
    for store, member, total, refunded, at, no in (
        (sh, m1, 10000, 2000, ago(0, 3), "A1"),
        (sz, m2, 5000, 0, ago(2), "A2"),
        (sh, None, 3000, 0, ago(45), "A3"),
    ):
        await SalesOrder.create(
            store=store,
            order_no=no,
            member_id=member.id if member else None,
            total_fen=total,
            refunded_fen=refunded,
            paid_at=at,
            request_hash="x",
            created_at=at,
        )
    await earn_points(m1.id, 100, kind=EntryKind.ADJUST, key="wb-earn")
    await redeem_points(m1.id, 30, key="wb-redeem")
    await issue_coupon((await make_template()).id, m1.id, source=CouponSource.HAND, key="wb-c")
    qr = await QrCode.create(
        account=account, kind=QrKind.STORE, name="上海店门店码", scene="s1", store_id=sh.id
    )
    await QrDailyStat.create(qrcode=qr, day=TODAY, scans=5, new_follows=2)
    await QrDailyStat.create(qrcode=qr, day=TODAY - timedelta(days=1), scans=3, new_follows=1)
    await QrDailyStat.create(qrcode=qr, day=TODAY - timedelta(days=40), scans=9, new_follows=9)
    return {
        "sh": sh,
        "sz": sz,
        "guide_a": guide_a,
        "guide_b": guide_b,
        "admin": await make_staff("admin"),
        "sz_manager": await make_staff("store_manager", department=south, store=sz),
        "sales_rep": await make_staff("sales_rep", department=east),
    }


def test_window_days_are_shanghai_days() -> None:
    window = rules.Window(TODAY)
    assert (window.first, window.previous_first) == (date(2026, 5, 17), date(2026, 4, 17))
    assert window.since() == datetime(2026, 4, 16, 16, 0, tzinfo=UTC)
    assert rules.local_day(datetime(2026, 6, 14, 16, 0, tzinfo=UTC)) == TODAY


async def test_admin_sees_every_section_with_exact_figures(client: httpx.AsyncClient) -> None:
    world = await seed()
    response = await client.get("/api/v1/workbench", headers=await bearer(world["admin"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["today"] == "2026-06-15"
    assert body["kpis"] == {
        "new_fans": {"today": 2, "last_30_days": 3, "previous_30_days": 1},
        "new_members": {"today": 1, "last_30_days": 1, "previous_30_days": 1},
        "sales_fen": {"today": 8000, "last_30_days": 13000, "previous_30_days": 3000},
        "points_issued": {"today": 100, "last_30_days": 100, "previous_30_days": 0},
        "points_redeemed": {"today": 30, "last_30_days": 30, "previous_30_days": 0},
        "points_expired": {"today": 0, "last_30_days": 0, "previous_30_days": 0},
    }
    assert body["trend"]["dates"][0] == "2026-05-17"
    assert body["trend"]["dates"][-1] == "2026-06-15"
    assert len(body["trend"]["dates"]) == 30
    assert body["trend"]["series"] == {
        "new_fans": trend(d0=2, d3=1),
        "new_members": trend(d0=1),
        "sales_fen": trend(d0=8000, d2=5000),
        "points_issued": trend(d0=100),
        "points_redeemed": trend(d0=30),
        "points_expired": trend(),
    }
    a, sh, sz = world["guide_a"].id, world["sh"].id, world["sz"].id
    assert body["rankings"] == {
        "guides_by_new_fans": [{"id": a, "name": "导购甲", "value": 2}],
        "guides_by_sales_fen": [{"id": a, "name": "导购甲", "value": 8000}],
        "stores_by_new_fans": [
            {"id": sh, "name": "上海店", "value": 2},
            {"id": sz, "name": "深圳店", "value": 1},
        ],
        "stores_by_sales_fen": [
            {"id": sh, "name": "上海店", "value": 8000},
            {"id": sz, "name": "深圳店", "value": 5000},
        ],
    }
    qr = await QrCode.get()
    assert body["marketing"] == {
        "qrcodes": [{"id": qr.id, "name": "上海店门店码", "scans": 8, "new_follows": 3}],
        "lottery_draws": 0,
        "lottery_awards": 0,
        "coupons_issued": 1,
        "coupons_used": 0,
    }
    assert "guide" not in body


async def test_a_guide_sees_their_own_figures_and_to_dos(client: httpx.AsyncClient) -> None:
    world = await seed()
    body = (await client.get("/api/v1/workbench", headers=await bearer(world["guide_a"]))).json()
    assert body["guide"] == {
        "fans": 3,
        "new_fans_trend": trend(d0=1, d3=1),
        "unanswered_conversations": 1,
    }
    # The data scope of a guide: their store and themselves (crm_core/org/scope.py).
    assert body["kpis"]["new_fans"] == {"today": 1, "last_30_days": 2, "previous_30_days": 1}
    assert set(body["kpis"]) == {
        "new_fans",
        "new_members",
        "points_issued",
        "points_redeemed",
        "points_expired",
    }
    assert "sales_fen" not in body["trend"]["series"]
    # No org.staff:view: no guide ranking; the store ranking only within their scope.
    assert body["rankings"] == {
        "stores_by_new_fans": [{"id": world["sh"].id, "name": "上海店", "value": 2}]
    }
    assert body["marketing"]["qrcodes"][0]["scans"] == 8
    other = (await client.get("/api/v1/workbench", headers=await bearer(world["guide_b"]))).json()
    assert other["guide"] == {
        "fans": 1,
        "new_fans_trend": trend(),
        "unanswered_conversations": 0,
    }


async def test_a_store_manager_sees_only_their_store(client: httpx.AsyncClient) -> None:
    world = await seed()
    headers = await bearer(world["sz_manager"])
    body = (await client.get("/api/v1/workbench", headers=headers)).json()
    assert body["kpis"]["new_fans"] == {"today": 1, "last_30_days": 1, "previous_30_days": 0}
    assert body["kpis"]["new_members"] == {"today": 0, "last_30_days": 0, "previous_30_days": 1}
    assert body["kpis"]["sales_fen"] == {"today": 0, "last_30_days": 5000, "previous_30_days": 0}
    assert body["kpis"]["points_issued"] == {"today": 0, "last_30_days": 0, "previous_30_days": 0}
    sz = world["sz"].id
    assert body["rankings"] == {
        "guides_by_new_fans": [],
        "guides_by_sales_fen": [],
        "stores_by_new_fans": [{"id": sz, "name": "深圳店", "value": 1}],
        "stores_by_sales_fen": [{"id": sz, "name": "深圳店", "value": 5000}],
    }
    assert body["marketing"] == {
        "qrcodes": [],
        "lottery_draws": 0,
        "lottery_awards": 0,
        "coupons_issued": 0,
        "coupons_used": 0,
    }
    assert "guide" not in body


async def test_sections_need_their_permissions(client: httpx.AsyncClient) -> None:
    world = await seed()
    body = (await client.get("/api/v1/workbench", headers=await bearer(world["sales_rep"]))).json()
    assert body == {
        "today": "2026-06-15",
        "kpis": {},
        "trend": {"dates": [str(d) for d in rules.Window(TODAY).days()], "series": {}},
    }
    anonymous = await client.get("/api/v1/workbench")
    assert (anonymous.status_code, anonymous.json()["error"]) == (401, "not_authenticated")
