// Chinese labels for every loyalty code the API returns.
type Tag = "success" | "info" | "warning" | "danger" | "primary";
export interface Label {
  label: string;
  tag: Tag;
}

export const COUPON_KIND: Record<string, string> = { amount_off: "代金券", discount: "折扣券", gift: "礼品券" };
export const COUPON_STATUS: Record<string, Label> = {
  unused: { label: "未使用", tag: "success" },
  used: { label: "已核销", tag: "info" },
  expired: { label: "已过期", tag: "warning" },
};
export const PRIZE_KIND: Record<string, string> = {
  physical: "实物",
  red_packet: "红包",
  points: "积分",
  coupon: "优惠券",
  none: "未中奖（谢谢参与）",
};
export const ITEM_KIND: Record<string, string> = { physical: "实物", coupon: "优惠券", red_packet: "红包" };
export const SKIN: Record<string, string> = { classic: "经典", festival: "节日", ocean: "海洋", gold: "金色" };
export const AWARD_STATUS: Record<string, Label> = {
  granted: { label: "已发放", tag: "success" },
  awaiting_address: { label: "待填地址", tag: "warning" },
  awaiting_shipment: { label: "待发货", tag: "danger" },
  shipped: { label: "已发货", tag: "primary" },
  delivered: { label: "已签收", tag: "success" },
  pending_payout: { label: "待发红包", tag: "warning" },
};
export const EXCHANGE_STATUS: Record<string, Label> = {
  awaiting_shipment: { label: "待发货", tag: "danger" },
  shipped: { label: "已发货", tag: "primary" },
  delivered: { label: "已签收", tag: "success" },
  completed: { label: "已完成", tag: "success" },
  pending_payout: { label: "待发红包", tag: "warning" },
};
export const RED_PACKET_STATUS: Record<string, Label> = {
  pending: { label: "待发送", tag: "info" },
  sent: { label: "已发送", tag: "success" },
  failed: { label: "发送失败", tag: "danger" },
  unknown: { label: "结果未知（待查询）", tag: "warning" },
};
export const RED_PACKET_SOURCE: Record<string, string> = {
  lottery: "大转盘",
  mall: "积分商城",
  checkin: "连续签到",
  campaign: "营销活动",
};
export const LIFECYCLE: Record<string, string> = { new: "新会员", active: "活跃", dormant: "沉睡", churned: "流失" };
export const TIER_BASIS: Record<string, string> = { points: "按累计积分", spend: "按累计消费金额" };
export const ENTRY_KIND: Record<string, string> = {
  purchase: "消费",
  follow: "关注有礼",
  checkin: "签到",
  profile: "完善资料",
  review: "评价",
  invite: "邀请",
  birthday: "生日礼",
  lottery_prize: "抽奖奖励",
  redeem: "积分抵扣",
  lottery_cost: "抽奖消耗",
  mall: "商城兑换",
  refund: "退款扣回",
  expire: "过期",
  adjust: "人工调整",
};
/** Tier codes the seed uses, for tiers whose name was left as the code. */
export const TIER_CODE: Record<string, string> = {
  basic: "普通会员",
  silver: "银卡会员",
  gold: "金卡会员",
  platinum: "白金会员",
  diamond: "钻石会员",
};

export function tierName(tier: { code: string; name: string }): string {
  return !tier.name || tier.name === tier.code ? (TIER_CODE[tier.code] ?? tier.name) : tier.name;
}

/** Idempotency keys for the API's retry-safe writes. */
export function newKey(prefix = "console"): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
