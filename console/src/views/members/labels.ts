import { maskPhone } from "@/utils/format";

// Chinese labels for the member codes the API returns.
export const GENDER: Record<string, string> = { "": "未知", male: "男", female: "女" };
export const CALENDAR: Record<string, string> = { solar: "公历", lunar: "农历" };
export const PROFILE_FIELD: Record<string, string> = {
  name: "姓名",
  gender: "性别",
  birthday: "生日",
  region: "所在地区（省市）",
  address: "详细地址",
};
export const MERGE_STATUS: Record<string, { label: string; tag: "success" | "info" }> = {
  done: { label: "已合并", tag: "success" },
  undone: { label: "已撤销", tag: "info" },
};
export const CHANNEL: Record<string, string> = {
  "": "—",
  wechat: "微信",
  qrcode: "渠道二维码",
  store: "门店",
  sms: "短信",
  h5: "H5",
  import: "导入",
  pos: "收银",
};
export const MERGE_ITEM: Record<string, string> = {
  phone: "手机号",
  card_no: "会员卡号",
  fans: "粉丝",
  points: "积分",
  coupons: "优惠券",
  orders: "订单",
};
export const TIMELINE_KIND: Record<string, string> = {};

/** A phone as the API returns it (+8613812345678 or already masked) → 138****5678. */
export function maskMobile(phone: string | null | undefined): string {
  if (!phone) return "—";
  return maskPhone(phone.replace(/^\+86/, ""));
}
