// Chinese labels for the WeChat channel's codes.
type Tag = "success" | "info" | "warning" | "danger" | "primary";

export const ACCOUNT_MODE: Record<string, { label: string; hint: string }> = {
  plain: { label: "明文模式", hint: "消息不加密，仅用于调试" },
  compat: { label: "兼容模式", hint: "明文与密文同时发送，切换安全模式前使用" },
  safe: { label: "安全模式", hint: "消息加密传输（推荐），需要 EncodingAESKey" },
};

export const QR_KIND: Record<string, string> = {
  store: "门店码",
  guide: "导购码",
  channel: "渠道码",
  campaign: "活动码",
};

export const QR_STATUS: Record<string, { label: string; tag: Tag }> = {
  pending: { label: "生成中", tag: "info" },
  active: { label: "可用", tag: "success" },
  failed: { label: "生成失败", tag: "danger" },
};

export const REPLY_KIND: Record<string, { label: string; hint: string }> = {
  follow: { label: "被关注回复", hint: "粉丝关注公众号（或扫码关注）时自动发送" },
  keyword: { label: "关键词回复", hint: "粉丝发送的消息匹配关键词时回复" },
  default: { label: "收到消息回复", hint: "没有关键词匹配时的默认回复" },
};

export const MATCH_MODE: Record<string, string> = {
  exact: "全匹配",
  contains: "半匹配（包含）",
  regex: "正则表达式",
};

export const REPLY_TYPE: Record<string, string> = {
  text: "文字",
  image: "图片",
  news: "图文",
};

export const MENU_STATUS: Record<string, { label: string; tag: Tag }> = {
  draft: { label: "草稿", tag: "info" },
  publishing: { label: "发布中", tag: "warning" },
  published: { label: "已发布", tag: "success" },
  failed: { label: "发布失败", tag: "danger" },
};

export const MESSAGE_STATUS: Record<string, string> = {
  received: "已收到",
  pending: "发送中",
  sent: "已送达",
  failed: "发送失败",
};

export const MSG_TYPE: Record<string, string> = {
  text: "文字",
  image: "图片",
  voice: "语音",
  video: "视频",
  shortvideo: "小视频",
  location: "位置",
  link: "链接",
  event: "事件",
  news: "图文",
};

export const TIMELINE_KIND: Record<string, string> = {
  subscribe: "关注",
  unsubscribe: "取消关注",
  scan: "扫码",
  message: "消息",
  reply: "回复",
  click: "点击菜单",
  tag: "标签",
  member: "会员",
};

export function label(map: Record<string, string>, code: string | null | undefined): string {
  if (!code) return "—";
  return map[code] ?? code;
}
