"""Helpers the loyalty console pages share: permission checks and form value conversion."""

from typing import Annotated

from fastapi import Depends

from crm_core.permissions import Principal
from crm_core.web.console import Form, console_principal

Console = Annotated[Principal, Depends(console_principal)]

KIND_LABELS = {
    "amount_off": "代金券",
    "discount": "折扣券",
    "gift": "礼品券",
    "physical": "实物",
    "red_packet": "红包",
    "points": "积分",
    "coupon": "优惠券",
    "none": "未中奖",
}
STATUS_LABELS = {
    "granted": "已发放",
    "awaiting_address": "待填地址",
    "awaiting_shipment": "待发货",
    "shipped": "已发货",
    "delivered": "已签收",
    "pending_payout": "待发红包",
    "completed": "已完成",
    "unused": "未使用",
    "used": "已核销",
    "expired": "已过期",
    "win": "中奖",
    "out_of_stock": "奖品已抽完",
    "win_limit": "已达中奖上限",
}

ENTRY_KIND_LABELS = {
    "purchase": "消费",
    "follow": "关注有礼",
    "checkin": "签到",
    "profile": "完善资料",
    "review": "评价",
    "invite": "邀请",
    "birthday": "生日礼",
    "lottery_prize": "抽奖奖励",
    "redeem": "积分抵扣",
    "lottery_cost": "抽奖消耗",
    "mall": "商城兑换",
    "refund": "退款扣回",
    "expire": "过期",
    "adjust": "人工调整",
}


def local_datetime(form: Form, name: str) -> str:
    """<input type="datetime-local"> sends a naive time; the console works in Shanghai time."""
    value = form.get(name)
    return f"{value}:00+08:00" if len(value) == 16 else value


def optional(values: dict[str, object], *names: str) -> dict[str, object]:
    """Blank optional fields mean "not set"."""
    return {k: v for k, v in values.items() if not (k in names and v in ("", None))}
