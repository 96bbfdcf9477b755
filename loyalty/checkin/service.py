"""Daily check-in: base points every day, streak rewards on the configured days (3, 7, 30 …)."""

from tortoise.exceptions import IntegrityError

from crm_core import audit, clock
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.errors import ConflictError
from crm_core.permissions import Principal
from loyalty.checkin import rules
from loyalty.checkin.models import Checkin, StreakReward
from loyalty.checkin.schemas import CheckinRead, StreakRewardRead, StreakRewardSet
from loyalty.coupons.models import CouponSource
from loyalty.coupons.service import get_template, issue_locked
from loyalty.points import repository as points_repository
from loyalty.points.models import EntryKind
from loyalty.points.service.ledger import Source, credit
from loyalty.program.service import program
from loyalty.redpackets import service as red_packets
from loyalty.redpackets.models import RedPacketSource


class AlreadyCheckedInError(ConflictError):
    code = "already_checked_in"
    message = "今天已经签到过了，明天再来"


async def check_in(member_id: int) -> CheckinRead:
    async with unit_of_work():
        account = await points_repository.lock_account(member_id)
        today = clock.local_now().date()
        if await Checkin.exists(member_id=member_id, day=today):
            raise AlreadyCheckedInError()
        last = await Checkin.filter(member_id=member_id).order_by("-day").first()
        streak = rules.next_streak(last.day if last else None, last.streak if last else 0, today)
        reward = await StreakReward.get_or_none(streak_days=streak)
        points = (await program()).checkin_points + (reward.points if reward else 0)
        source = Source("checkin", today.isoformat())
        if points > 0:
            await credit(
                account,
                points,
                kind=EntryKind.CHECKIN,
                key=f"checkin:{member_id}:{today.isoformat()}",
                source=source,
            )
        coupon_id = None
        if reward and reward.coupon_template_id:
            coupon, _ = await issue_locked(
                account,
                reward.coupon_template_id,
                source=CouponSource.CHECKIN,
                key=f"checkin:{member_id}:{today.isoformat()}:coupon",
                enforce_limits=False,
            )
            coupon_id = coupon.id
        red_packet_fen = reward.red_packet_fen if reward else 0
        row = await Checkin.create(
            member_id=member_id,
            day=today,
            streak=streak,
            points=points,
            coupon_id=coupon_id,
            red_packet_fen=red_packet_fen,
            created_at=clock.utc_now(),
        )
        if red_packet_fen:
            await red_packets.record_locked(
                member_id,
                RedPacketSource.CHECKIN,
                row.id,
                amount_fen=red_packet_fen,
                day=today,
                act_name="连续签到奖励",
                wishing=f"连续签到{streak}天，送你一个红包",
            )
    return CheckinRead.model_validate(row)


async def list_streak_rewards() -> list[StreakRewardRead]:
    return [StreakRewardRead.model_validate(r) for r in await StreakReward.all()]


async def set_streak_reward(principal: Principal, data: StreakRewardSet) -> StreakRewardRead:
    if data.coupon_template_id is not None:
        await get_template(data.coupon_template_id)
    async with unit_of_work():
        try:
            reward, _ = await StreakReward.update_or_create(
                streak_days=data.streak_days,
                defaults={
                    "points": data.points,
                    "coupon_template_id": data.coupon_template_id,
                    "red_packet_fen": data.red_packet_fen,
                },
            )
        except IntegrityError as error:
            raise ConflictError() from error
        await audit.record(
            actor_of(principal),
            "loyalty.streak_reward_set",
            target_type="streak_reward",
            target_id=reward.id,
            after=data.model_dump(),
        )
    return StreakRewardRead.model_validate(reward)
