// Chinese labels for the customer codes the API returns.
export const KIND: Record<string, string> = { person: "个人", company: "企业" };
export const LEVEL: Record<string, string> = { a: "A 重点", b: "B 普通", c: "C 一般", d: "D 低价值" };
export const SOURCE: Record<string, string> = {
  self: "自主开发",
  referral: "转介绍",
  advertising: "广告",
  exhibition: "展会",
  online: "线上",
  import: "导入",
  other: "其他",
};
export const FOLLOW_UP: Record<string, string> = { call: "电话", visit: "拜访", wechat: "微信", note: "备注" };
export const IMPORT_STATUS: Record<string, { label: string; tag: "success" | "warning" | "danger" }> = {
  created: { label: "新建", tag: "success" },
  duplicate: { label: "重复", tag: "warning" },
  invalid: { label: "无效", tag: "danger" },
};

export const options = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));
