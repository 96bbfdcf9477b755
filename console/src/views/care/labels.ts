export const CARE_TYPES: Record<string, string> = {
  welcome: "关注欢迎",
  card_bound: "开卡成功",
  tier_up: "会员升级",
  tier_down: "会员降级",
  points_changed: "积分变动",
  purchase: "消费通知",
  coupon_issued: "领券通知",
  coupon_expiring: "优惠券即将过期",
  birthday: "生日祝福",
  festival: "节日问候",
};

export const CHANNELS: Record<string, string> = {
  customer_service: "客服消息",
  template: "模板消息",
  mass: "群发",
  sms: "短信",
};

export const STATUSES: Record<string, { label: string; tag: "success" | "info" | "warning" | "danger" | "primary" }> = {
  queued: { label: "排队中", tag: "info" },
  deferred: { label: "延后发送", tag: "warning" },
  sending: { label: "发送中", tag: "primary" },
  batched: { label: "等待群发", tag: "primary" },
  sent: { label: "已发送", tag: "success" },
  delivered: { label: "已送达", tag: "success" },
  read: { label: "已读", tag: "success" },
  failed: { label: "失败", tag: "danger" },
  skipped: { label: "未发送", tag: "info" },
  skipped_optout: { label: "已退订", tag: "info" },
};

export const REASONS: Record<string, string> = {
  opted_out: "会员已退订",
  member_gone: "会员不存在或已合并",
  capped: "超出发送频次",
  no_content: "没有可用的消息内容",
  no_sms_consent: "未授权营销短信",
  no_phone: "无法通过微信触达且未绑定手机",
  retries_exhausted: "微信多次繁忙，重试后仍失败",
};
