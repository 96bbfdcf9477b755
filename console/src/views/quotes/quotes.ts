// Quote labels and the same figures the server computes (crm_core/sales/quotes/rules.py), so the
// editor shows live totals; the server's figures are the ones saved.
import { api, call } from "@/api/client";
import type { Option } from "@/components/types";

export const STATUS: Record<string, string> = { draft: "草稿", sent: "已发送", accepted: "已接受", rejected: "已拒绝", expired: "已过期" };
export const STATUS_TYPE: Record<string, "info" | "primary" | "success" | "danger" | "warning"> = {
  draft: "info",
  sent: "primary",
  accepted: "success",
  rejected: "danger",
  expired: "warning",
};
export const MOVES: Record<string, string[]> = { draft: ["sent"], sent: ["accepted", "rejected", "expired", "draft"] };

/** A line's amount: the discount (basis points) rounded half up to the fen, taken off the gross. */
export function lineAmount(quantity: number, unitPriceFen: number, discountBp: number): number {
  const gross = quantity * unitPriceFen;
  return gross - Math.floor((gross * discountBp + 5000) / 10000);
}

export async function searchCustomers(q: string): Promise<Option[]> {
  const page = await call(api.GET("/api/v1/customers", { params: { query: { q, page_size: 20 } } }));
  return page.items.map((c) => ({ value: c.id, label: c.name, hint: c.phone }));
}
