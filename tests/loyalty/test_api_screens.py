"""What the loyalty console screens do, over /api/v1 (the screens are the SPA's; their browser
tests are tests/e2e/test_spa_loyalty.py): each list answers by role, and the forms' writes save
exactly what was asked and nothing on refusal."""

from datetime import UTC, datetime

import httpx
import pytest

from crm_core.audit import AuditLog
from crm_core.org.models import Department
from crm_core.org.rules import BUILTIN_ROLES
from loyalty.coupons.models import Coupon, CouponSource, CouponStatus, CouponTemplate
from loyalty.coupons.service import issue_coupon
from loyalty.lottery.models import Activity, Award, AwardStatus, Prize, PrizeKind
from loyalty.lottery.service import draw
from loyalty.mall.models import ItemKind, MallItem
from loyalty.points.models import Account
from members.models import Member
from tests.factories import bearer, make_staff, make_store
from tests.loyalty.factories import (
    make_activity,
    make_member,
    make_prize,
    make_template,
    make_tiers,
)

LISTS = {
    "/api/v1/loyalty/accounts": "loyalty.points:view",
    "/api/v1/loyalty/program": "loyalty.program:view",
    "/api/v1/loyalty/tiers": "loyalty.program:view",
    "/api/v1/loyalty/coupon-templates": "loyalty.coupon:view",
    "/api/v1/loyalty/lotteries": "loyalty.lottery:view",
    "/api/v1/loyalty/lottery-awards": "loyalty.lottery:view",
    "/api/v1/loyalty/mall/items": "loyalty.mall:view",
    "/api/v1/loyalty/mall/orders": "loyalty.mall:view",
    "/api/v1/loyalty/red-packets": "loyalty.redpacket:view",
}


@pytest.mark.parametrize("role", list(BUILTIN_ROLES))
async def test_lists_answer_by_permission(client: httpx.AsyncClient, role: str) -> None:
    user = await make_staff(role, department=await Department.create(name="总部"))
    headers = await bearer(user)
    granted = BUILTIN_ROLES[role][2]
    for path, permission in LISTS.items():
        response = await client.get(path, headers=headers)
        allowed = "*" in granted or permission in granted
        assert response.status_code == (200 if allowed else 403), (role, path, response.text)
        if not allowed:
            assert response.json()["error"] == "permission_denied"


async def test_coupons_verification_and_points_adjustment(client: httpx.AsyncClient) -> None:
    root = await Department.create(name="总部")
    store = await make_store(root, code="SH001")
    admin = await bearer(await make_staff("admin", department=root))
    member = await make_member(points=100)

    created = await client.post(
        "/api/v1/loyalty/coupon-templates",
        json={
            "name": "满100减20",
            "kind": "amount_off",
            "amount_off_fen": 2000,
            "threshold_fen": 10000,
            "valid_days": 7,
            "stock": 5,
            "per_member_limit": 1,
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    template = await CouponTemplate.get(name="满100减20")
    assert (template.amount_off_fen, template.threshold_fen) == (2000, 10000)
    assert (template.stock, template.stock_total, template.valid_days) == (5, 5, 7)

    bad = await client.post(
        "/api/v1/loyalty/coupon-templates",
        json={"name": "无效期券", "kind": "amount_off", "amount_off_fen": 100},
        headers=admin,
    )
    assert bad.status_code == 422
    assert "有效期须二选一" in bad.text
    assert await CouponTemplate.all().count() == 1

    coupon, _ = await issue_coupon(template.id, member.id, source=CouponSource.HAND, key="api-1")
    used = await client.post(
        "/api/v1/loyalty/coupons/verify",
        json={"code": coupon.code, "store_id": store.id, "order_amount_fen": 15000},
        headers=admin,
    )
    assert used.status_code == 200, used.text
    assert used.json()["discount_fen"] == 2000
    assert (await Coupon.get(id=coupon.id)).status == CouponStatus.USED
    again = await client.post(
        "/api/v1/loyalty/coupons/verify",
        json={"code": coupon.code, "store_id": store.id},
        headers=admin,
    )
    assert again.status_code == 409
    assert "不能重复使用" in again.json()["detail"]

    adjusted = await client.post(
        f"/api/v1/loyalty/members/{member.id}/adjustments",
        json={"delta": -30, "reason": "补扣积分", "idempotency_key": "api-adj-1"},
        headers=admin,
    )
    assert adjusted.status_code == 201, adjusted.text
    assert (await Account.get(member_id=member.id)).balance == 70
    short = await client.post(
        f"/api/v1/loyalty/members/{member.id}/adjustments",
        json={"delta": 5, "reason": "x", "idempotency_key": "api-adj-2"},
        headers=admin,
    )
    assert short.status_code == 422
    assert (await Account.get(member_id=member.id)).balance == 70
    ledger = await client.get(f"/api/v1/loyalty/members/{member.id}/entries", headers=admin)
    assert [(e["delta"], e["reason"]) for e in ledger.json()["items"]][:1] == [(-30, "补扣积分")]


async def test_wheel_mall_and_fulfilment(client: httpx.AsyncClient) -> None:
    admin = await bearer(await make_staff("admin"))
    made = await client.post(
        "/api/v1/loyalty/lotteries",
        json={
            "name": "春节转盘",
            "skin": "festival",
            "starts_at": "2026-01-01T00:00:00+08:00",
            "ends_at": "2099-01-01T00:00:00+08:00",
            "free_draws_per_day": 1,
            "points_per_draw": 0,
        },
        headers=admin,
    )
    assert made.status_code == 201, made.text
    activity = await Activity.get(name="春节转盘")
    prize = await client.post(
        f"/api/v1/loyalty/lotteries/{activity.id}/prizes",
        json={"name": "红围巾", "kind": "physical", "weight": 1, "stock": 3},
        headers=admin,
    )
    assert prize.status_code == 201, prize.text
    row = await Prize.get(activity_id=activity.id)
    assert (row.kind, row.stock, row.stock_total) == (PrizeKind.PHYSICAL, 3, 3)

    wheel = await make_activity()
    await make_prize(wheel, name="杯子", weight=1, stock=1)
    member = await make_member()
    won = await draw(wheel.id, member.id, key="fulfil-01")
    await Award.filter(id=won.award_id).update(
        status=AwardStatus.AWAITING_SHIPMENT, address="上海市黄浦区1号"
    )
    shipped = await client.patch(
        f"/api/v1/loyalty/lottery-awards/{won.award_id}",
        json={"status": "shipped", "tracking_no": "SF1001"},
        headers=admin,
    )
    assert shipped.status_code == 200, shipped.text
    award = await Award.get(id=won.award_id)
    assert (award.status, award.tracking_no) == (AwardStatus.SHIPPED, "SF1001")
    listed = await client.get(
        "/api/v1/loyalty/lottery-awards", params={"status": "shipped"}, headers=admin
    )
    assert [(a["id"], a["tracking_no"]) for a in listed.json()] == [(won.award_id, "SF1001")]


async def test_mall_items_are_created_and_edited(client: httpx.AsyncClient) -> None:
    admin = await bearer(await make_staff("admin"))
    created = await client.post(
        "/api/v1/loyalty/mall/items",
        json={"name": "香薰", "kind": "physical", "points_price": 800, "stock": 9},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    item = await MallItem.get(name="香薰")
    body = {
        "name": "香薰蜡烛",
        "description": "檀木香",
        "image_url": "/static/candle.png",
        "points_price": 650,
        "stock": 4,
        "per_member_limit": 2,
        "is_active": False,
    }
    edited = await client.patch(f"/api/v1/loyalty/mall/items/{item.id}", json=body, headers=admin)
    assert edited.status_code == 200, edited.text
    assert edited.json() == {
        **body,
        "id": item.id,
        "kind": "physical",
        "coupon_template_id": None,
        "red_packet_fen": 0,
    }
    entry = await AuditLog.filter(action="mall.item_update").get()
    assert (entry.before or {})["points_price"] == 800
    assert (entry.after or {})["points_price"] == 650

    refused = await client.patch(
        f"/api/v1/loyalty/mall/items/{item.id}", json={**body, "points_price": 0}, headers=admin
    )
    missing = await client.patch("/api/v1/loyalty/mall/items/999999", json=body, headers=admin)
    assert (refused.status_code, missing.status_code) == (422, 404)
    assert missing.json()["error"] == "mall_item_not_found"
    template = await make_template()
    coupon_item = await MallItem.create(
        name="券", kind=ItemKind.COUPON, points_price=10, stock=1, coupon_template_id=template.id
    )
    no_coupon = await client.patch(
        f"/api/v1/loyalty/mall/items/{coupon_item.id}",
        json={"name": "券", "points_price": 10, "stock": 1},
        headers=admin,
    )
    assert no_coupon.status_code == 422
    assert no_coupon.json()["error"] == "mall_item_invalid"
    assert (await MallItem.get(id=item.id)).points_price == 650
    assert (await MallItem.get(id=coupon_item.id)).coupon_template_id == template.id
    guide = await bearer(await make_staff("guide"))
    denied = await client.patch(f"/api/v1/loyalty/mall/items/{item.id}", json=body, headers=guide)
    assert denied.status_code == 403


async def test_member_list_filters_by_tier_and_joining_time(client: httpx.AsyncClient) -> None:
    basic, silver, _ = await make_tiers()
    old = await make_member(name="老会员", points=10)
    new = await make_member(name="新会员", points=10)
    plain = await make_member(name="无等级", points=10)
    await Member.filter(id=old.id).update(created_at=datetime(2025, 1, 5, 2, tzinfo=UTC))
    await Member.filter(id=new.id).update(created_at=datetime(2026, 6, 1, 2, tzinfo=UTC))
    await Account.filter(member_id=old.id).update(tier_id=silver.id)
    await Account.filter(member_id=new.id).update(tier_id=silver.id)
    await Account.filter(member_id=plain.id).update(tier_id=basic.id)
    admin = await bearer(await make_staff("admin"))

    async def names(**params: str | int) -> list[str]:
        found = await client.get("/api/v1/members/search", params=params, headers=admin)
        assert found.status_code == 200, found.text
        return [m["name"] for m in found.json()["items"]]

    assert await names(tier_id=silver.id) == ["新会员", "老会员"]
    assert await names(tier_id=basic.id) == ["无等级"]
    assert await names(
        tier_id=silver.id,
        joined_from="2026-01-01T00:00:00+08:00",
        joined_to="2026-12-31T23:59:59+08:00",
    ) == ["新会员"]
    assert await names(joined_to="2025-12-31T23:59:59+08:00") == ["老会员"]
    naive = await client.get(
        "/api/v1/members/search", params={"joined_from": "2026-01-01T00:00:00"}, headers=admin
    )
    assert naive.status_code == 422
