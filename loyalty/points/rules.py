"""Pure points arithmetic: earning, FIFO allocation, expiry dates, request fingerprints."""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


def points_for_spend(amount_fen: int, points_per_yuan: int, multiplier_percent: int) -> int:
    """Whole points only, rounded down: 1 yuan = 100 fen."""
    if amount_fen <= 0:
        return 0
    return amount_fen * points_per_yuan * multiplier_percent // (100 * 100)


def reversal_due(earned: int, total_fen: int, refunded_fen: int) -> int:
    """Points to take back once refunded_fen of total_fen has been refunded (cumulative)."""
    if total_fen <= 0:
        return earned
    return earned * min(refunded_fen, total_fen) // total_fen


def expires_at(earned_at: datetime, validity_days: int) -> datetime | None:
    return earned_at + timedelta(days=validity_days) if validity_days > 0 else None


@dataclass(frozen=True)
class Lot:
    id: int
    remaining: int
    earned_at: datetime
    expires_at: datetime | None


def fifo_order(lots: Sequence[Lot]) -> list[Lot]:
    """Soonest-expiring first; never-expiring last; then oldest, then by id."""
    return sorted(
        lots,
        key=lambda lot: (
            lot.expires_at is None,
            lot.expires_at or lot.earned_at,
            lot.earned_at,
            lot.id,
        ),
    )


def allocate(
    lots: Sequence[Lot], amount: int, *, first: int | None = None
) -> list[tuple[int, int]]:
    """Take `amount` from the lots in FIFO order (lot `first` before all others).

    Returns (lot_id, taken) pairs; takes less than `amount` only if the lots hold less.
    """
    ordered = fifo_order(lots)
    if first is not None:
        ordered.sort(key=lambda lot: lot.id != first)
    taken: list[tuple[int, int]] = []
    left = amount
    for lot in ordered:
        if left == 0:
            break
        take = min(lot.remaining, left)
        if take > 0:
            taken.append((lot.id, take))
            left -= take
    return taken


def fingerprint(**values: Any) -> str:
    canonical = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# How the member center and the console timeline name each kind of ledger entry.
ENTRY_TITLES = {
    "purchase": "消费积分",
    "follow": "关注有礼",
    "checkin": "签到",
    "profile": "完善资料",
    "review": "评价",
    "invite": "邀请好友",
    "birthday": "生日礼",
    "lottery_prize": "抽奖奖励",
    "redeem": "积分兑换",
    "lottery_cost": "抽奖消耗",
    "mall": "积分商城",
    "refund": "退款扣回",
    "expire": "积分过期",
    "adjust": "人工调整",
}
