// Chinese labels for mass campaigns: statuses, channel plans, why a recipient got nothing.
import type { components } from "@/api/schema";
import { CHANNELS, REASONS, STATUSES } from "../care/labels";

export type CampaignStatus = components["schemas"]["CampaignStatus"];
export type ChannelPlan = components["schemas"]["ChannelPlan"];
type Tag = "success" | "info" | "warning" | "danger" | "primary";

export const CAMPAIGN_STATUS: Record<CampaignStatus, { label: string; tag: Tag }> = {
  draft: { label: "草稿", tag: "info" },
  scheduled: { label: "已定时", tag: "warning" },
  freezing: { label: "准备名单", tag: "primary" },
  running: { label: "发送中", tag: "primary" },
  done: { label: "已完成", tag: "success" },
  cancelled: { label: "已取消", tag: "info" },
  failed: { label: "失败", tag: "danger" },
};

export function statusLabel(status: string): string {
  return CAMPAIGN_STATUS[status as CampaignStatus]?.label ?? status;
}

export const PLANS: Record<ChannelPlan, { label: string; explain: string }> = {
  auto: {
    label: "智能路由",
    explain: "逐个会员选择渠道：48 小时内互动过的发客服消息，其次模板消息、微信群发，都不可用时发短信。",
  },
  mass: {
    label: "微信群发",
    explain: "按 openid 列表群发文本，每位粉丝每月最多收到 4 条群发；收不到群发的会员可用短信补发。",
  },
  template: {
    label: "模板消息",
    explain: "用已同步的模板逐个发送，字段可用占位符；未关注的会员可用短信补发。",
  },
  customer_service: {
    label: "客服消息",
    explain: "仅发给 48 小时内与公众号互动过的粉丝，可用占位符；其余会员可用短信补发。",
  },
  sms: {
    label: "短信",
    explain: "只发营销短信：需已授权且未退订，08:00–22:00 发出，自动加签名和“回T退订”。",
  },
};

// Ledger statuses (care's), plus the one only campaigns give.
export const DELIVERY_STATUS: Record<string, { label: string; tag: Tag }> = {
  ...STATUSES,
  cancelled: { label: "已取消", tag: "info" },
};

// A skipped row's reason, or its status when it has none (progress.skipped keys).
export const SKIPPED: Record<string, string> = {
  ...REASONS,
  campaign_cancelled: "活动已取消",
  skipped_optout: "发送前已退订",
  failed: "发送失败",
  cancelled: "已取消",
  skipped: "未发送",
};

export function skippedLabel(key: string): string {
  if (SKIPPED[key]) return SKIPPED[key];
  return /^\d+$/.test(key) ? `微信错误 ${key}` : key;
}

export function channelLabel(channel: string): string {
  return CHANNELS[channel] ?? channel;
}

export const JOB_STATUS: Record<string, string> = { submitted: "已提交", finished: "已完成", failed: "被拒绝" };
