"""Loyalty Excel exports: points entries, coupons, mall orders and prize awards; exact cells,
the members' data scope, the export permission, audited."""

import io
from typing import Any

import httpx
import openpyxl

from crm_core import clock
from crm_core.audit import AuditLog
from crm_core.org.models import DataScope, Department, Role, Staff
from loyalty.coupons.models import Coupon, CouponSource
from loyalty.coupons.service import issue_coupon
from loyalty.lottery.models import Award
from loyalty.mall.models import MallOrder
from loyalty.points.models import PointsEntry
from tests.factories import bearer, make_staff
from tests.loyalty.factories import make_template
from tests.loyalty.test_fulfilment_scope import two_regions


def cells(body: bytes) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def local(at: Any) -> str:
    return str(clock.to_local(at).strftime("%Y-%m-%d %H:%M:%S"))


async def south_clerk() -> Staff:
    await Role.create(
        code="loyalty_clerk",
        name="会员营销专员",
        permissions=[
            "loyalty.points:export",
            "loyalty.coupon:export",
            "loyalty.mall:export",
            "loyalty.lottery:export",
        ],
        data_scope=DataScope.SUBTREE,
    )
    return await make_staff("loyalty_clerk", department=await Department.get(name="华南"))


async def test_mall_orders_and_awards_export_only_the_scoped_members(
    client: httpx.AsyncClient,
) -> None:
    world = await two_regions()
    headers = await bearer(await south_clerk())
    orders = await client.get("/api/v1/exports/mall-orders.xlsx", headers=headers)
    assert orders.status_code == 200
    order = await MallOrder.get(id=world["south"]["order"])
    assert cells(orders.content) == [
        [
            "订单号",
            "商品",
            "会员编号",
            "消耗积分",
            "状态",
            "收件人",
            "电话",
            "地址",
            "快递单号",
            "兑换时间",
        ],
        [
            order.id,
            "帆布袋",
            world["south"]["member"],
            10,
            "待发货",
            "south收件人",
            "13900000002",
            "south路1号",
            None,
            local(order.created_at),
        ],
    ]
    awards = await client.get("/api/v1/exports/lottery-awards.xlsx", headers=headers)
    award = await Award.get(id=world["south"]["award"])
    assert cells(awards.content)[1:] == [
        [
            award.id,
            award.activity_id,
            "保温杯",
            world["south"]["member"],
            "待发货",
            "south领奖人",
            "13700000003",
            "south街2号",
            None,
            local(award.created_at),
        ]
    ]
    logged = await AuditLog.filter(action__endswith=".export").order_by("id")
    assert [(e.action, e.after) for e in logged] == [
        ("mall_order.export", {"rows": 1, "format": "xlsx"}),
        ("lottery_award.export", {"rows": 1, "format": "xlsx"}),
    ]


async def test_points_and_coupons_export(client: httpx.AsyncClient) -> None:
    world = await two_regions()
    template = await make_template(name="满100减10")
    coupon, _ = await issue_coupon(
        template.id, world["south"]["member"], source=CouponSource.HAND, key="export-1"
    )
    headers = await bearer(await south_clerk())
    points = await client.get("/api/v1/exports/points-entries.xlsx", headers=headers)
    entries = await PointsEntry.filter(account__member_id=world["south"]["member"]).order_by("-id")
    assert cells(points.content) == [
        ["流水号", "会员编号", "类型", "积分变动", "变动后余额", "原因", "操作人", "时间"],
        *[
            [
                e.id,
                world["south"]["member"],
                k,
                e.delta,
                e.balance_after,
                e.reason or None,
                e.actor_name,
                local(e.created_at),
            ]
            for e, k in zip(entries, ["商城兑换", "人工调整"], strict=True)
        ],
    ]
    coupons = await client.get("/api/v1/exports/coupons.xlsx", headers=headers)
    row = await Coupon.get(id=coupon.id)
    assert cells(coupons.content)[1:] == [
        [
            row.code,
            "满100减10",
            "代金券",
            world["south"]["member"],
            "未使用",
            local(row.issued_at),
            local(row.valid_until),
            None,
            None,
        ]
    ]


async def test_export_needs_the_export_permission(client: httpx.AsyncClient) -> None:
    world = await two_regions()
    headers = await bearer(world["marketer"])
    for path in ("points-entries", "coupons", "mall-orders", "lottery-awards"):
        response = await client.get(f"/api/v1/exports/{path}.xlsx", headers=headers)
        assert (response.status_code, response.json()["error"]) == (403, "permission_denied")
    assert not await AuditLog.filter(action__endswith=".export").exists()
