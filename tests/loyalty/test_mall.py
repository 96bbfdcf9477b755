"""Points mall: stock, per-member limits, insufficient points roll everything back."""

import asyncio

import pytest

from crm_core.errors import CRMError
from loyalty.coupons.models import Coupon
from loyalty.errors import InsufficientPointsError, LimitReachedError, SoldOutError
from loyalty.mall.models import ExchangeStatus, ItemKind, MallItem, MallOrder
from loyalty.mall.schemas import ExchangeCreate, ExchangeUpdate
from loyalty.mall.service import ExchangeStateError, exchange, update_exchange
from loyalty.points.models import Account
from loyalty.points.service.accounts import check_invariants
from tests.factories import make_staff
from tests.loyalty.factories import make_member, make_template

ADDRESS = {"recipient": "张三", "phone": "13800138000", "address": "上海市静安区南京西路1号"}


async def make_item(**values: object) -> MallItem:
    values.setdefault("name", "保温杯")
    values.setdefault("kind", ItemKind.PHYSICAL)
    values.setdefault("points_price", 100)
    values.setdefault("stock", 10)
    return await MallItem.create(**values)


async def test_200_members_racing_for_20_items_get_exactly_20() -> None:
    item = await make_item(stock=20)
    members = [await make_member(points=100) for _ in range(200)]

    async def attempt(member_id: int) -> str:
        try:
            await exchange(
                item.id,
                ExchangeCreate(
                    member_id=member_id, idempotency_key=f"mall-{member_id:05d}", **ADDRESS
                ),
            )
        except CRMError as error:
            return error.code
        return "ok"

    outcomes = await asyncio.gather(*(attempt(m.id) for m in members))

    assert (outcomes.count("ok"), outcomes.count("sold_out")) == (20, 180)
    assert (await MallItem.get(id=item.id)).stock == 0
    assert await MallOrder.all().count() == 20
    assert sorted(await Account.all().values_list("balance", flat=True)) == [0] * 20 + [100] * 180
    assert await check_invariants() == []


async def test_insufficient_points_leave_stock_and_balance_unchanged() -> None:
    item = await make_item(points_price=500, stock=3)
    member = await make_member(points=499)
    with pytest.raises(InsufficientPointsError):
        await exchange(
            item.id, ExchangeCreate(member_id=member.id, idempotency_key="mall-poor-1", **ADDRESS)
        )
    assert (await MallItem.get(id=item.id)).stock == 3
    assert (await Account.get(member_id=member.id)).balance == 499
    assert await MallOrder.all().count() == 0


async def test_per_member_limit_and_sold_out_are_409() -> None:
    item = await make_item(per_member_limit=1, stock=1)
    first, second = await make_member(points=300), await make_member(points=300)
    await exchange(
        item.id, ExchangeCreate(member_id=first.id, idempotency_key="mall-lim-1", **ADDRESS)
    )
    with pytest.raises(LimitReachedError):
        await exchange(
            item.id, ExchangeCreate(member_id=first.id, idempotency_key="mall-lim-2", **ADDRESS)
        )
    with pytest.raises(SoldOutError):
        await exchange(
            item.id, ExchangeCreate(member_id=second.id, idempotency_key="mall-lim-3", **ADDRESS)
        )
    assert [(a.member_id, a.balance) for a in await Account.all().order_by("member_id")] == [
        (first.id, 200),
        (second.id, 300),
    ]


async def test_coupon_item_completes_at_once_and_physical_item_ships() -> None:
    from crm_core.org.service.auth import principal_for

    template = await make_template(per_member_limit=1)
    coupon_item = await make_item(kind=ItemKind.COUPON, coupon_template=template)
    cup = await make_item()
    member = await make_member(points=1000)
    done = await exchange(
        coupon_item.id, ExchangeCreate(member_id=member.id, idempotency_key="mall-coupon-1")
    )
    shipped = await exchange(
        cup.id, ExchangeCreate(member_id=member.id, idempotency_key="mall-cup-1", **ADDRESS)
    )
    assert done.status == ExchangeStatus.COMPLETED
    assert (await Coupon.get(id=done.coupon_id)).template_id == template.id
    staff = await make_staff("admin")
    principal = await principal_for(staff.id, ip="", user_agent="")
    assert principal is not None
    updated = await update_exchange(
        principal, shipped.id, ExchangeUpdate(status=ExchangeStatus.SHIPPED, tracking_no="SF123")
    )
    assert (updated.status, updated.tracking_no) == (ExchangeStatus.SHIPPED, "SF123")
    with pytest.raises(ExchangeStateError):
        await update_exchange(principal, done.id, ExchangeUpdate(status=ExchangeStatus.SHIPPED))
