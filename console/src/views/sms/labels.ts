// Chinese labels for the SMS channel's codes.
type Tag = "success" | "info" | "warning" | "danger" | "primary";

export const MESSAGE_STATUS: Record<string, { label: string; tag: Tag }> = {
  queued: { label: "排队中", tag: "info" },
  sending: { label: "发送中", tag: "primary" },
  sent: { label: "已发送", tag: "success" },
  delivered: { label: "已送达", tag: "success" },
  failed: { label: "失败", tag: "danger" },
  unknown: { label: "结果未知", tag: "warning" },
};

export const MESSAGE_KIND: Record<string, string> = {
  transactional: "通知",
  marketing: "营销",
};

export const PURPOSE: Record<string, string> = {
  transactional: "通知",
  marketing: "营销",
  notice: "通知",
  verification_code: "验证码",
  care: "关怀",
  campaign: "活动",
};

export const MODEM_STATE: Record<string, { label: string; tag: Tag }> = {
  online: { label: "在线", tag: "success" },
  parked: { label: "暂停", tag: "warning" },
  down: { label: "故障", tag: "danger" },
  offline: { label: "离线", tag: "info" },
};

/** 3GPP TS 27.007 +CREG <stat>. */
export const REGISTRATION: Record<number, string> = {
  0: "未注册",
  1: "本地网",
  2: "搜索网络中",
  3: "注册被拒绝",
  4: "未知",
  5: "漫游",
};

// Mainland operators by the IMSI's MCC + MNC (460 = China).
const OPERATORS: Record<string, string> = {
  "46000": "中国移动",
  "46002": "中国移动",
  "46004": "中国移动",
  "46007": "中国移动",
  "46008": "中国移动",
  "46001": "中国联通",
  "46006": "中国联通",
  "46009": "中国联通",
  "46003": "中国电信",
  "46005": "中国电信",
  "46011": "中国电信",
  "46015": "中国广电",
};

/** A stand-in row of a port whose SIM never answered is keyed "port:…" instead of an IMSI. */
export function simRead(imsi: string): boolean {
  return !imsi.startsWith("port:");
}

export function operatorOf(imsi: string): string {
  if (!simRead(imsi)) return "—";
  return OPERATORS[imsi.slice(0, 5)] ?? (imsi.startsWith("460") ? "国内运营商" : "境外运营商");
}

/** +CSQ RSSI 0–31 → dBm and 0–4 bars; 99 (or none) is "no signal known". */
export function signalOf(rssi: number | null | undefined): { dbm: number | null; bars: number; label: string } {
  if (rssi === null || rssi === undefined || rssi === 99) return { dbm: null, bars: 0, label: "无信号数据" };
  const dbm = -113 + 2 * rssi;
  const bars = rssi >= 20 ? 4 : rssi >= 15 ? 3 : rssi >= 10 ? 2 : rssi >= 2 ? 1 : 0;
  const words = ["极弱", "弱", "一般", "良好", "强"];
  return { dbm, bars, label: `${words[bars]}（${dbm} dBm）` };
}
