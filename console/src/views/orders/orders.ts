// B2B order labels (crm_core/sales/orders/rules.py).
export const STATUS: Record<string, string> = {
  reviewing: "审核中",
  rejected: "已驳回",
  to_deliver: "待发货",
  partial: "部分发货",
  delivered: "已发货",
};
export const STATUS_TYPE: Record<string, "info" | "primary" | "success" | "danger" | "warning"> = {
  reviewing: "warning",
  rejected: "danger",
  to_deliver: "primary",
  partial: "warning",
  delivered: "success",
};

/** Delivered share of a line, in whole percent. */
export function progress(delivered: number, ordered: number): number {
  return ordered > 0 ? Math.min(100, Math.floor((delivered * 100) / ordered)) : 0;
}
