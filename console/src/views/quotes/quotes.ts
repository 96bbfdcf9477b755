// Quote labels and the same figures the server computes (crm_core/sales/quotes/rules.py), so the
// editor shows live totals; the server's figures are the ones saved.
import { api, call } from "@/api/client";
import type { Option } from "@/components/types";
import { toFen, yuan } from "@/utils/format";

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

/** A line of a quote or contract as edited: money as 元 text, discount in %. */
export interface Line {
  sku_id: number | null;
  label: string;
  unit: string;
  quantity: number;
  price: string;
  discount: number;
}

export interface PricedLine {
  sku_id: number;
  sku_code: string;
  product_name: string;
  spec: string;
  unit: string;
  quantity: number;
  unit_price_fen: number;
  discount_bp: number;
}

export const blankLine = (): Line => ({ sku_id: null, label: "", unit: "", quantity: 1, price: "", discount: 0 });

const plainYuan = (fen: number): string => yuan(fen).replace(/,/g, "");

/** A stored line, ready to edit. */
export function editLine(l: PricedLine): Line {
  return {
    sku_id: l.sku_id,
    label: `${l.sku_code} ${l.product_name}${l.spec ? ` ${l.spec}` : ""}`,
    unit: l.unit,
    quantity: l.quantity,
    price: plainYuan(l.unit_price_fen),
    discount: l.discount_bp / 100,
  };
}

/** The lines as the API takes them; what is not a number is sent as an invalid value, so the
 * API's error lands under its field. */
export function linesBody(lines: Line[]): { sku_id: number; quantity: number; unit_price_fen: number; discount_bp: number }[] {
  return lines.map((l) => ({
    sku_id: l.sku_id ?? 0,
    quantity: l.quantity,
    unit_price_fen: toFen(l.price) ?? -1,
    discount_bp: Math.round((l.discount || 0) * 100),
  }));
}
