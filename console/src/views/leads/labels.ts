// Chinese labels for the lead codes the API returns.
export const LEAD_STATUS: Record<string, string> = {
  new: "新线索",
  contacted: "已联系",
  qualified: "已确认需求",
  converted: "已转化",
  lost: "无效",
};
export const STATUS_TAG: Record<string, "info" | "primary" | "success" | "warning" | "danger"> = {
  new: "primary",
  contacted: "warning",
  qualified: "success",
  converted: "info",
  lost: "danger",
};
