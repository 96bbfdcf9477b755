// The campaign editor's rules, kept pure for tests: what WeChat and the SMS gateway accept (the
// same limits as campaigns/mass/rules.py), placeholders, where a server error belongs, and which
// actions a status allows.
import type { FieldProblem } from "@/api/errors";
import { type Measure, measure } from "../sms/smsLength";
import type { CampaignStatus, ChannelPlan } from "./labels";

/** WeChat: a text message (customer service, mass) carries at most 2048 bytes of UTF-8. */
export const WECHAT_TEXT_BYTES = 2048;
/** The server's SMS limit: 67 characters a part, signature and 回T退订 included. */
export const SMS_PART_CHARS = 67;

export const PLACEHOLDERS: { key: string; label: string }[] = [
  { key: "name", label: "姓名" },
  { key: "card_no", label: "会员卡号" },
  { key: "points", label: "积分余额" },
  { key: "tier", label: "会员等级" },
];
const PLACEHOLDER = /\{(\w+)\}/g;

export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Placeholders a text names that the server does not fill ({nickname}). */
export function unknownPlaceholders(text: string): string[] {
  const known = new Set(PLACEHOLDERS.map((p) => p.key));
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))].filter((name) => !known.has(name));
}

export function hasPlaceholder(text: string): boolean {
  return new RegExp(PLACEHOLDER.source).test(text);
}

/** Put `{key}` where the caret was (or replace the selection); returns the text and new caret. */
export function insertPlaceholder(text: string, key: string, start = text.length, end = start): { text: string; caret: number } {
  const token = `{${key}}`;
  return { text: text.slice(0, start) + token + text.slice(end), caret: start + token.length };
}

export interface WeChatTextCount {
  bytes: number;
  over: boolean;
  label: string;
}

export function countWeChatText(text: string): WeChatTextCount {
  const bytes = utf8Bytes(text.trim());
  return { bytes, over: bytes > WECHAT_TEXT_BYTES, label: `${bytes} / ${WECHAT_TEXT_BYTES} 字节` };
}

export interface SmsComposition {
  prefix: string;
  suffix: string;
  maxParts: number;
}

/** What the gateway adds around a marketing SMS (sms_gateway/rules.py composition()). */
export function compose(body: string, signature: string, optOut: string): { prefix: string; suffix: string } {
  const text = body.trim();
  const prefix = signature && !text.startsWith("【") ? `【${signature}】` : "";
  const suffix = optOut && !(prefix + text).includes("退订") ? optOut : "";
  return { prefix, suffix };
}

export interface SmsCount {
  outgoing: string;
  measure: Measure;
  /** Characters as the server counts them (code points), signature and opt-out included. */
  chars: number;
  over: boolean;
  label: string;
}

export function countSms(body: string, signature: string, optOut: string, maxParts: number): SmsCount {
  const text = body.trim();
  const { prefix, suffix } = compose(text, signature, optOut);
  const outgoing = text ? prefix + text + suffix : "";
  const counted = measure(outgoing);
  const chars = [...outgoing].length;
  const over = chars > SMS_PART_CHARS * maxParts || counted.parts > maxParts;
  const label = text ? `含签名与退订语共 ${chars} 字 · ${counted.parts} 条短信（上限 ${maxParts} 条）` : "尚未输入内容";
  return { outgoing, measure: counted, chars, over, label };
}

/** The editor field a server problem belongs under: a template field's key or value → the
 * mapping; otherwise the last named part of its loc (["body", "content", "sms"] → "sms"). */
export function problemField(problem: FieldProblem): string {
  // A template field's problem names the field key: TemplateMapping shows it under that input.
  const named = problem.loc.filter((part) => !/^\d+$/.test(part) && part !== "[key]");
  return named[named.length - 1] ?? "";
}

export interface Content {
  text: string;
  msgtype?: "text" | "image" | "mpnews";
  media_id?: string;
  template_id: string;
  template_data?: Record<string, string>;
  template_url: string;
  sms: string;
}

/** The router dry run's flags for a plan (POST /api/v1/campaigns/dry-runs). */
export type Channel = "customer_service" | "template" | "mass" | "sms";

/** The channels each plan may use (campaigns/mass/rules.py PLAN_CHANNELS). */
export const PLAN_CHANNELS: Record<ChannelPlan, Channel[]> = {
  auto: ["customer_service", "template", "mass", "sms"],
  mass: ["mass", "sms"],
  template: ["template", "sms"],
  customer_service: ["customer_service", "sms"],
  sms: ["sms"],
};

export function dryRunFlags(
  plan: ChannelPlan,
  content: Content,
): { text: boolean; template: boolean; sms: boolean; mass: boolean; marketing: boolean; channels: Channel[] } {
  const text = content.msgtype && content.msgtype !== "text" ? Boolean(content.media_id) : Boolean(content.text.trim());
  const template = Boolean(content.template_id);
  const sms = Boolean(content.sms.trim());
  const flags = {
    auto: { text, template, sms, mass: true },
    mass: { text, template: false, sms, mass: true },
    template: { text: false, template, sms, mass: false },
    customer_service: { text, template: false, sms, mass: false },
    sms: { text: false, template: false, sms, mass: false },
  }[plan];
  return { ...flags, marketing: true, channels: PLAN_CHANNELS[plan] };
}

/** Why a schedule time cannot be used (the server wants it over a minute ahead), or "". */
export function scheduleProblem(at: Date | null, now: Date): string {
  if (!at || Number.isNaN(at.getTime())) return "请选择发送时间";
  if (at.getTime() <= now.getTime() + 60_000) return "定时发送的时间必须晚于现在";
  return "";
}

/** Statuses whose progress moves (the detail page polls them). */
export function isLive(status: CampaignStatus): boolean {
  return status === "freezing" || status === "running";
}

export interface Actions {
  edit: boolean;
  remove: boolean;
  send: boolean;
  cancel: boolean;
}

/** What a campaign in this status allows (campaigns/mass/rules.py: STARTABLE, CANCELLABLE). */
export function actionsFor(status: CampaignStatus): Actions {
  return {
    edit: status === "draft",
    remove: status === "draft",
    send: status === "draft" || status === "scheduled",
    cancel: status === "scheduled" || status === "freezing" || status === "running",
  };
}

/** The confirmation before cancelling: a scheduled one never goes out, a running one stops. */
export function cancelQuestion(name: string, status: CampaignStatus): string {
  return status === "scheduled" ? `取消定时群发「${name}」？取消后不会再发送。` : `停止群发「${name}」？尚未发出的消息将不再发送，已发出的无法撤回。`;
}
