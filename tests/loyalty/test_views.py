"""Loyalty console pages: each renders in Chinese for the roles that may see it, and the forms
drive the same services as the API."""

import httpx
import pytest

from crm_core.org.models import Department
from crm_core.org.rules import BUILTIN_ROLES
from loyalty.coupons.models import Coupon, CouponSource, CouponStatus, CouponTemplate
from loyalty.coupons.service import issue_coupon
from loyalty.lottery.models import Activity, Award, AwardStatus, Prize, PrizeKind
from loyalty.lottery.service import draw
from loyalty.mall.models import MallItem
from loyalty.points.models import Account
from tests.factories import console_login, make_staff, make_store
from tests.loyalty.factories import make_activity, make_member, make_prize

PAGES = {
    "/admin/loyalty/points": "loyalty.points:view",
    "/admin/loyalty/program": "loyalty.program:view",
    "/admin/loyalty/coupons": "loyalty.coupon:view",
    "/admin/loyalty/lotteries": "loyalty.lottery:view",
    "/admin/loyalty/mall": "loyalty.mall:view",
    "/admin/loyalty/fulfilment": "loyalty.mall:view",
    "/admin/loyalty/red-packets": "loyalty.redpacket:view",
}


@pytest.mark.parametrize("role", list(BUILTIN_ROLES))
async def test_pages_answer_by_permission(client: httpx.AsyncClient, role: str) -> None:
    user = await make_staff(
        role, username=f"{role}_user", department=await Department.create(name="总部")
    )
    await console_login(client, user.username)
    granted = BUILTIN_ROLES[role][2]
    for path, permission in PAGES.items():
        response = await client.get(path)
        allowed = "*" in granted or permission in granted
        assert response.status_code == (200 if allowed else 403), (role, path)
        if allowed:
            assert "退出" in response.text


async def test_admin_works_the_programme_through_the_forms(client: httpx.AsyncClient) -> None:
    root = await Department.create(name="总部")
    store = await make_store(root, code="SH001")
    admin = await make_staff("admin", username="boss", department=root)
    csrf = await console_login(client, admin.username)
    member = await make_member(points=100)

    created = await client.post(
        "/admin/loyalty/coupon-templates",
        data={
            "csrf_token": csrf,
            "name": "满100减20",
            "kind": "amount_off",
            "amount_off_fen": "2000",
            "threshold_fen": "10000",
            "valid_days": "7",
            "stock": "5",
            "per_member_limit": "1",
        },
    )
    assert created.status_code == 303
    template = await CouponTemplate.get(name="满100减20")
    assert (template.stock, template.stock_total, template.valid_days) == (5, 5, 7)

    bad = await client.post(
        "/admin/loyalty/coupon-templates",
        data={
            "csrf_token": csrf,
            "name": "无效期券",
            "kind": "amount_off",
            "amount_off_fen": "100",
        },
    )
    assert bad.status_code == 303
    page = await client.get("/admin/loyalty/coupons")
    assert "有效期须二选一" in page.text
    assert await CouponTemplate.all().count() == 1

    coupon, _ = await issue_coupon(
        template.id, member.id, source=CouponSource.HAND, key="view-issue-1"
    )
    await client.post(
        "/admin/loyalty/coupon-verifications",
        data={
            "csrf_token": csrf,
            "code": coupon.code,
            "store_id": str(store.id),
            "order_amount_fen": "15000",
        },
    )
    assert (await Coupon.get(id=coupon.id)).status == CouponStatus.USED
    again = await client.post(
        "/admin/loyalty/coupon-verifications",
        data={"csrf_token": csrf, "code": coupon.code, "store_id": str(store.id)},
        follow_redirects=True,
    )
    assert "不能重复使用" in again.text

    await client.post(
        f"/admin/loyalty/points/{member.id}/adjustments",
        data={
            "csrf_token": csrf,
            "delta": "-30",
            "reason": "补扣积分",
            "idempotency_key": "view-adj-1",
        },
    )
    assert (await Account.get(member_id=member.id)).balance == 70
    ledger = await client.get(f"/admin/loyalty/points?member_id={member.id}")
    assert "补扣积分" in ledger.text
    assert 'data-testid="balance">70<' in ledger.text


async def test_wheel_mall_and_fulfilment_forms(client: httpx.AsyncClient) -> None:
    admin = await make_staff("admin", username="boss")
    csrf = await console_login(client, admin.username)
    made = await client.post(
        "/admin/loyalty/lotteries",
        data={
            "csrf_token": csrf,
            "name": "春节转盘",
            "skin": "festival",
            "starts_at": "2026-01-01T00:00",
            "ends_at": "2099-01-01T00:00",
            "free_draws_per_day": "1",
            "points_per_draw": "0",
        },
    )
    assert made.status_code == 303
    activity = await Activity.get(name="春节转盘")
    await client.post(
        f"/admin/loyalty/lotteries/{activity.id}/prizes",
        data={
            "csrf_token": csrf,
            "name": "红围巾",
            "kind": "physical",
            "weight": "1",
            "stock": "3",
            "points": "0",
            "red_packet_fen": "0",
            "position": "0",
        },
    )
    prize = await Prize.get(activity_id=activity.id)
    assert (prize.kind, prize.stock, prize.stock_total) == (PrizeKind.PHYSICAL, 3, 3)
    detail = await client.get(f"/admin/loyalty/lotteries/{activity.id}")
    assert "红围巾" in detail.text
    assert "100.000%" in detail.text

    await client.post(
        "/admin/loyalty/mall/items",
        data={
            "csrf_token": csrf,
            "name": "香薰",
            "kind": "physical",
            "points_price": "800",
            "stock": "9",
            "red_packet_fen": "0",
        },
    )
    assert (await MallItem.get(name="香薰")).stock == 9

    wheel = await make_activity()
    await make_prize(wheel, name="杯子", weight=1, stock=1)
    member = await make_member()
    won = await draw(wheel.id, member.id, key="fulfil-01")
    await Award.filter(id=won.award_id).update(
        status=AwardStatus.AWAITING_SHIPMENT, address="上海市黄浦区1号"
    )
    await client.post(
        f"/admin/loyalty/fulfilment/awards/{won.award_id}",
        data={"csrf_token": csrf, "status": "shipped", "tracking_no": "SF1001"},
    )
    award = await Award.get(id=won.award_id)
    assert (award.status, award.tracking_no) == (AwardStatus.SHIPPED, "SF1001")
    page = await client.get("/admin/loyalty/fulfilment")
    assert "SF1001" in page.text
    assert "确认签收" in page.text
