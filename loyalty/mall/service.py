"""Points mall: exchange points for items with stock and per-member limits; fulfil orders.

One transaction under the member's account lock: limit count, conditional stock decrement,
points debit (insufficient points roll the stock back), then the order row.
"""

from tortoise.expressions import F

from crm_core import audit, clock
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.errors import ConflictError, NotFoundError, ValidationError
from crm_core.permissions import Principal
from loyalty.coupons.models import CouponSource
from loyalty.coupons.service import get_template, issue_locked
from loyalty.errors import (
    DuplicateRequestError,
    IdempotencyKeyConflictError,
    LimitReachedError,
    NotAvailableError,
    SoldOutError,
)
from loyalty.mall.models import ExchangeStatus, ItemKind, MallItem, MallOrder
from loyalty.mall.schemas import (
    ExchangeCreate,
    ExchangeRead,
    ExchangeUpdate,
    ItemCreate,
    ItemRead,
    ItemUpdate,
)
from loyalty.points import repository as points_repository
from loyalty.points.models import EntryKind
from loyalty.points.service.ledger import Source, debit
from loyalty.redpackets import service as red_packets
from loyalty.redpackets.models import RedPacketSource
from members import service as members_service

_NEXT = {
    ExchangeStatus.AWAITING_SHIPMENT: {ExchangeStatus.SHIPPED},
    ExchangeStatus.SHIPPED: {ExchangeStatus.DELIVERED},
}


class ItemNotFoundError(NotFoundError):
    code = "mall_item_not_found"
    message = "商品不存在"


class ExchangeNotFoundError(NotFoundError):
    code = "mall_order_not_found"
    message = "兑换订单不存在"


class ExchangeStateError(ConflictError):
    code = "mall_order_wrong_state"
    message = "兑换订单当前状态不允许此操作"


class AddressRequiredError(ConflictError):
    code = "address_required"
    message = "实物商品请填写收货人、电话和地址"


async def create_item(principal: Principal, data: ItemCreate) -> ItemRead:
    if data.coupon_template_id is not None:
        await get_template(data.coupon_template_id)
    async with unit_of_work():
        item = await MallItem.create(**data.model_dump())
        await audit.record(
            actor_of(principal),
            "mall.item_create",
            target_type="mall_item",
            target_id=item.id,
            after=data.model_dump(),
        )
    return ItemRead.model_validate(item)


class ItemPayloadError(ValidationError):
    code = "mall_item_invalid"
    message = "优惠券商品必须选择券模板，红包商品金额至少 1 元"


async def update_item(principal: Principal, item_id: int, data: ItemUpdate) -> ItemRead:
    """Edit an item in place (its kind stays); audited with the fields that changed."""
    if data.coupon_template_id is not None:
        await get_template(data.coupon_template_id)
    async with unit_of_work():
        item = await MallItem.select_for_update().get_or_none(id=item_id)
        if item is None:
            raise ItemNotFoundError()
        if (item.kind == ItemKind.COUPON and data.coupon_template_id is None) or (
            item.kind == ItemKind.RED_PACKET and data.red_packet_fen < 100
        ):
            raise ItemPayloadError()
        before = ItemRead.model_validate(item).model_dump()
        item.update_from_dict(data.model_dump())
        await item.save()
        old, new = audit.changes(before, ItemRead.model_validate(item).model_dump())
        await audit.record(
            actor_of(principal),
            "mall.item_update",
            target_type="mall_item",
            target_id=item_id,
            before=old,
            after=new,
        )
    return ItemRead.model_validate(item)


async def list_items(*, active_only: bool = False, q: str = "") -> list[ItemRead]:
    query = MallItem.filter(is_active=True) if active_only else MallItem.all()
    if q.strip():
        query = query.filter(name__icontains=q.strip())
    return [ItemRead.model_validate(i) for i in await query.order_by("-id")]


async def exchange(item_id: int, data: ExchangeCreate) -> ExchangeRead:
    async with unit_of_work():
        account = await points_repository.lock_account(data.member_id)
        existing = await MallOrder.get_or_none(idempotency_key=data.idempotency_key)
        if existing is not None:
            raise (
                DuplicateRequestError()
                if existing.member_id == data.member_id and existing.item_id == item_id
                else IdempotencyKeyConflictError()
            )
        item = await MallItem.get_or_none(id=item_id)
        if item is None:
            raise ItemNotFoundError()
        if not item.is_active:
            raise NotAvailableError(name=item.name)
        if item.kind == ItemKind.PHYSICAL and not (data.recipient and data.phone and data.address):
            raise AddressRequiredError()
        held = await MallOrder.filter(item_id=item_id, member_id=data.member_id).count()
        if item.per_member_limit is not None and held >= item.per_member_limit:
            raise LimitReachedError(limit=f"每人限兑 {item.per_member_limit} 件")
        if await MallItem.filter(id=item_id, stock__gt=0).update(stock=F("stock") - 1) == 0:
            raise SoldOutError(name=item.name)
        posted = await debit(
            account,
            item.points_price,
            kind=EntryKind.MALL,
            key=f"mall:{data.idempotency_key}",
            source=Source("mall", str(item_id)),
        )
        coupon_id, status = None, ExchangeStatus.AWAITING_SHIPMENT
        if item.kind == ItemKind.COUPON:
            assert item.coupon_template_id is not None
            coupon, _ = await issue_locked(
                account,
                item.coupon_template_id,
                source=CouponSource.MALL,
                key=f"mall:{data.idempotency_key}:coupon",
                enforce_limits=False,
            )
            coupon_id, status = coupon.id, ExchangeStatus.COMPLETED
        elif item.kind == ItemKind.RED_PACKET:
            status = ExchangeStatus.PENDING_PAYOUT
        order = await MallOrder.create(
            item_id=item_id,
            member_id=data.member_id,
            seq=held + 1,
            idempotency_key=data.idempotency_key,
            points=item.points_price,
            points_entry_id=posted.entry.id,
            coupon_id=coupon_id,
            status=status,
            recipient=data.recipient,
            phone=data.phone,
            address=data.address,
            created_at=clock.utc_now(),
        )
        if item.kind == ItemKind.RED_PACKET:
            await red_packets.record_locked(
                data.member_id,
                RedPacketSource.MALL,
                order.id,
                amount_fen=item.red_packet_fen,
                day=clock.local_now().date(),
                act_name="积分商城兑换",
                wishing=item.name,
            )
    return ExchangeRead.model_validate(order)


async def update_exchange(
    principal: Principal, order_id: int, data: ExchangeUpdate
) -> ExchangeRead:
    scope = await members_service.member_rows(principal)
    async with unit_of_work():
        order = await MallOrder.select_for_update().filter(scope).get_or_none(id=order_id)
        if order is None:
            raise ExchangeNotFoundError()
        if data.status not in _NEXT.get(order.status, set()):
            raise ExchangeStateError()
        await MallOrder.filter(id=order_id).update(
            status=data.status,
            tracking_no=data.tracking_no or order.tracking_no,
            updated_at=clock.utc_now(),
        )
        await audit.record(
            actor_of(principal),
            "mall.fulfil",
            target_type="mall_order",
            target_id=order_id,
            before={"status": order.status.value},
            after={"status": data.status.value, "tracking_no": data.tracking_no},
        )
    return ExchangeRead.model_validate(await MallOrder.get(id=order_id))


async def list_exchanges(
    principal: Principal, status: ExchangeStatus | None = None, limit: int = 200
) -> list[ExchangeRead]:
    """Orders of members in the principal's data scope: they carry recipients and addresses."""
    query = MallOrder.filter(await members_service.member_rows(principal))
    if status is not None:
        query = query.filter(status=status)
    return [ExchangeRead.model_validate(o) for o in await query.order_by("-id").limit(limit)]


async def exchange_for_staff(
    principal: Principal, item_id: int, data: ExchangeCreate
) -> ExchangeRead:
    """A store exchanging on a member's behalf (the member center calls exchange directly)."""
    await members_service.get_member(principal, data.member_id)
    return await exchange(item_id, data)


async def member_exchanges(member_id: int) -> list[tuple[ExchangeRead, ItemRead]]:
    rows = (
        await MallOrder.filter(member_id=member_id)
        .order_by("-id")
        .limit(100)
        .prefetch_related("item")
    )
    return [(ExchangeRead.model_validate(o), ItemRead.model_validate(o.item)) for o in rows]


async def get_item(item_id: int) -> ItemRead:
    item = await MallItem.get_or_none(id=item_id)
    if item is None:
        raise ItemNotFoundError()
    return ItemRead.model_validate(item)
