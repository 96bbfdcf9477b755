"""Chinese labels of the loyalty codes, for the Excel exports."""

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
