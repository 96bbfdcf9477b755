"""Big-wheel use cases: configure activities and prizes, draw, fulfil, report.

A draw runs in one transaction under the member's account lock (per-member limits are counts),
decrements prize stock with a conditional UPDATE (never oversold), and writes the draw log row
whatever the outcome. A picked prize that is out of stock becomes no prize: its weight moves to
"no prize", and the rules text shown to members says so.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.expressions import F

from crm_core import audit, clock, ratelimit
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.permissions import Principal
from loyalty.coupons.models import CouponSource
from loyalty.coupons.service import get_template, issue_locked
from loyalty.errors import DuplicateRequestError, IdempotencyKeyConflictError, NotAvailableError
from loyalty.lottery import repository, rules
from loyalty.lottery.errors import (
    ActivityNotFoundError,
    AwardNotFoundError,
    AwardStateError,
    NoDrawsLeftError,
    NoPrizesError,
)
from loyalty.lottery.models import (
    Activity,
    Award,
    AwardStatus,
    Draw,
    DrawOutcome,
    Prize,
    PrizeKind,
)
from loyalty.lottery.schemas import (
    ActivityCreate,
    ActivityRead,
    AddressSubmit,
    AwardRead,
    DailyReportRow,
    DrawRead,
    FulfilmentUpdate,
    PrizeCreate,
    PrizeRead,
)
from loyalty.points import repository as points_repository
from loyalty.points.models import Account, EntryKind
from loyalty.points.service.ledger import Source, credit, debit
from loyalty.redpackets import service as red_packets
from loyalty.redpackets.models import RedPacketSource
from members import service as members_service

_NEXT_STATUS = {
    AwardStatus.AWAITING_SHIPMENT: {AwardStatus.SHIPPED},
    AwardStatus.SHIPPED: {AwardStatus.DELIVERED},
}


async def create_activity(principal: Principal, data: ActivityCreate) -> ActivityRead:
    async with unit_of_work():
        activity = await Activity.create(**data.model_dump())
        await audit.record(
            actor_of(principal),
            "lottery.create",
            target_type="lottery",
            target_id=activity.id,
            after=data.model_dump(mode="json"),
        )
    return ActivityRead.model_validate(activity)


async def list_activities(q: str = "") -> list[ActivityRead]:
    query = Activity.filter(name__icontains=q.strip()) if q.strip() else Activity.all()
    return [ActivityRead.model_validate(a) for a in await query.order_by("-id")]


async def get_activity(activity_id: int) -> Activity:
    activity = await Activity.get_or_none(id=activity_id)
    if activity is None:
        raise ActivityNotFoundError()
    return activity


async def list_prizes(activity_id: int) -> list[PrizeRead]:
    await get_activity(activity_id)
    rows = await Prize.filter(activity_id=activity_id).order_by("position", "id")
    return [PrizeRead.model_validate(p) for p in rows]


async def add_prize(principal: Principal, activity_id: int, data: PrizeCreate) -> PrizeRead:
    await get_activity(activity_id)
    if data.coupon_template_id is not None:
        await get_template(data.coupon_template_id)
    async with unit_of_work():
        prize = await Prize.create(
            activity_id=activity_id, **data.model_dump(), stock_total=data.stock
        )
        await audit.record(
            actor_of(principal),
            "lottery.prize_create",
            target_type="lottery",
            target_id=activity_id,
            after=data.model_dump(mode="json"),
        )
    return PrizeRead.model_validate(prize)


async def _check_allowance(activity: Activity, member_id: int, day: date) -> int:
    """Returns the points this draw costs, or refuses when the member has no draws left."""
    today = await repository.draws_today(activity.id, member_id, day)
    if activity.max_draws_per_day is not None and today >= activity.max_draws_per_day:
        raise NoDrawsLeftError(why=f"今日抽奖次数已用完（每天 {activity.max_draws_per_day} 次）")
    if (
        activity.max_draws_total is not None
        and await repository.draws_total(activity.id, member_id) >= activity.max_draws_total
    ):
        raise NoDrawsLeftError(why=f"本活动抽奖次数已用完（共 {activity.max_draws_total} 次）")
    if today < activity.free_draws_per_day:
        return 0
    if activity.points_per_draw == 0:
        raise NoDrawsLeftError(why="今日免费抽奖次数已用完，明天再来")
    return activity.points_per_draw


async def draw(activity_id: int, member_id: int, *, key: str) -> DrawRead:
    async with unit_of_work():
        account = await points_repository.lock_account(member_id)
        existing = await Draw.get_or_none(idempotency_key=key)
        if existing is not None:
            raise (
                DuplicateRequestError()
                if existing.member_id == member_id
                else IdempotencyKeyConflictError()
            )
        activity = await get_activity(activity_id)
        now = clock.utc_now()
        if not activity.is_active or not activity.starts_at <= now < activity.ends_at:
            raise NotAvailableError(name=activity.name)
        day = clock.to_local(now).date()
        cost = await _check_allowance(activity, member_id, day)
        prizes = {
            p.id: p
            for p in await Prize.filter(activity_id=activity_id, weight__gt=0).order_by(
                "position", "id"
            )
        }
        slots = [rules.Slot(p.id, p.weight) for p in prizes.values()]
        if not slots:
            raise NoPrizesError()
        if cost:
            await debit(
                account,
                cost,
                kind=EntryKind.LOTTERY_COST,
                key=f"{key}:cost",
                source=Source("lottery", str(activity_id)),
            )
        total = rules.total_weight(slots)
        value = rules.draw_value(total)
        prize = prizes[rules.pick(slots, value).prize_id]
        outcome, wins = DrawOutcome.NONE, 0
        if prize.kind != PrizeKind.NONE:
            wins = await repository.wins(activity_id, member_id)
            if activity.max_wins is not None and wins >= activity.max_wins:
                outcome = DrawOutcome.WIN_LIMIT
            elif (
                prize.stock is not None
                and await Prize.filter(id=prize.id, stock__gt=0).update(stock=F("stock") - 1) == 0
            ):
                outcome = DrawOutcome.OUT_OF_STOCK
            else:
                outcome = DrawOutcome.WIN
        row = await Draw.create(
            activity_id=activity_id,
            member_id=member_id,
            day=day,
            seq=await repository.draws_today(activity_id, member_id, day) + 1,
            idempotency_key=key,
            rng_value=value,
            total_weight=total,
            config_hash=rules.config_hash(
                slots, free=activity.free_draws_per_day, cost=activity.points_per_draw
            ),
            picked_prize_id=prize.id,
            prize_id=prize.id if outcome == DrawOutcome.WIN else None,
            outcome=outcome,
            stock_before=prize.stock,
            cost_points=cost,
            created_at=now,
        )
        award = await _grant(account, prize, row, wins + 1) if outcome == DrawOutcome.WIN else None
    won = outcome == DrawOutcome.WIN
    return DrawRead(
        id=row.id,
        outcome=outcome,
        prize_id=prize.id if won else None,
        prize_name=prize.name if won else "谢谢参与",
        prize_kind=prize.kind if won else PrizeKind.NONE,
        cost_points=cost,
        award_id=award.id if award else None,
    )


async def _grant(account: Account, prize: Prize, row: Draw, win_seq: int) -> Award:
    values: dict[str, Any] = {"status": AwardStatus.GRANTED}
    if prize.kind == PrizeKind.POINTS:
        posted = await credit(
            account,
            prize.points,
            kind=EntryKind.LOTTERY_PRIZE,
            key=f"draw:{row.id}:points",
            source=Source("draw", str(row.id)),
        )
        values["points_entry_id"] = posted.entry.id
    elif prize.kind == PrizeKind.COUPON:
        assert prize.coupon_template_id is not None
        coupon, _ = await issue_locked(
            account,
            prize.coupon_template_id,
            source=CouponSource.LOTTERY,
            key=f"draw:{row.id}:coupon",
            enforce_limits=False,
        )
        values["coupon_id"] = coupon.id
    elif prize.kind == PrizeKind.PHYSICAL:
        values["status"] = AwardStatus.AWAITING_ADDRESS
    else:
        # Paid after commit by a worker through WeChat Pay; granted once WeChat accepts it.
        values["status"] = AwardStatus.PENDING_PAYOUT
    award = await Award.create(
        draw_id=row.id,
        activity_id=row.activity_id,
        member_id=account.member_id,
        prize_id=prize.id,
        win_seq=win_seq,
        created_at=row.created_at,
        **values,
    )
    if prize.kind == PrizeKind.RED_PACKET:
        activity = await Activity.get(id=row.activity_id)
        await red_packets.record_locked(
            account.member_id,
            RedPacketSource.LOTTERY,
            award.id,
            amount_fen=prize.red_packet_fen,
            day=row.day,
            act_name=activity.name,
            wishing=f"恭喜抽中{prize.name}",
        )
    return award


async def submit_address(member_id: int, award_id: int, data: AddressSubmit) -> AwardRead:
    async with unit_of_work():
        award = await Award.select_for_update().get_or_none(id=award_id, member_id=member_id)
        if award is None:
            raise AwardNotFoundError()
        if award.status not in {AwardStatus.AWAITING_ADDRESS, AwardStatus.AWAITING_SHIPMENT}:
            raise AwardStateError()
        await Award.filter(id=award_id).update(
            **data.model_dump(), status=AwardStatus.AWAITING_SHIPMENT, updated_at=clock.utc_now()
        )
    return AwardRead.model_validate(await Award.get(id=award_id))


async def update_fulfilment(
    principal: Principal, award_id: int, data: FulfilmentUpdate
) -> AwardRead:
    scope = await members_service.member_rows(principal)
    async with unit_of_work():
        award = await Award.select_for_update().filter(scope).get_or_none(id=award_id)
        if award is None:
            raise AwardNotFoundError()
        if data.status not in _NEXT_STATUS.get(award.status, set()):
            raise AwardStateError()
        await Award.filter(id=award_id).update(
            status=data.status,
            tracking_no=data.tracking_no or award.tracking_no,
            updated_at=clock.utc_now(),
        )
        await audit.record(
            actor_of(principal),
            "lottery.fulfil",
            target_type="award",
            target_id=award_id,
            before={"status": award.status.value},
            after={"status": data.status.value, "tracking_no": data.tracking_no},
        )
    return AwardRead.model_validate(await Award.get(id=award_id))


async def list_awards(
    principal: Principal,
    activity_id: int | None = None,
    status: AwardStatus | None = None,
    limit: int = 200,
) -> list[AwardRead]:
    """Awards of members in the principal's data scope: they carry recipients and addresses."""
    query = Award.filter(await members_service.member_rows(principal))
    if activity_id is not None:
        query = query.filter(activity_id=activity_id)
    if status is not None:
        query = query.filter(status=status)
    return [AwardRead.model_validate(a) for a in await query.order_by("-id").limit(limit)]


async def daily_report(activity_id: int) -> list[DailyReportRow]:
    await get_activity(activity_id)
    return [
        DailyReportRow.model_validate(row) for row in await repository.daily_report(activity_id)
    ]


@dataclass(frozen=True)
class Wheel:
    """A wheel as the member sees it: the prizes around it and the draws left today."""

    activity: ActivityRead
    prizes: list[PrizeRead]
    draws_today: int
    free_left: int
    is_open: bool


async def open_activities() -> list[ActivityRead]:
    now = clock.utc_now()
    rows = await Activity.filter(is_active=True, starts_at__lte=now, ends_at__gt=now)
    return [ActivityRead.model_validate(a) for a in rows]


async def wheel_for(activity_id: int, member_id: int) -> Wheel:
    activity = await get_activity(activity_id)
    now = clock.utc_now()
    today = await repository.draws_today(activity_id, member_id, clock.to_local(now).date())
    return Wheel(
        ActivityRead.model_validate(activity),
        await list_prizes(activity_id),
        today,
        max(0, activity.free_draws_per_day - today),
        activity.is_active and activity.starts_at <= now < activity.ends_at,
    )


async def draw_as_member(activity_id: int, member_id: int, *, key: str, ip: str) -> DrawRead:
    """The member center's spin: rate-limited per member and per address before the draw, so
    a script hammering the button meets a 429, not the database."""
    await ratelimit.take(
        [(f"rl:draw:member:{member_id}", 5, 10), (f"rl:draw:ip:{ip or '-'}", 60, 10)]
    )
    return await draw(activity_id, member_id, key=f"h5:{member_id}:{key}")


async def member_awards(member_id: int) -> list[tuple[AwardRead, PrizeRead]]:
    rows = (
        await Award.filter(member_id=member_id).order_by("-id").limit(100).prefetch_related("prize")
    )
    return [(AwardRead.model_validate(a), PrizeRead.model_validate(a.prize)) for a in rows]
