// Labels of the cash side and the helpers its forms share (crm_core/payments).
import { api, call } from "@/api/client";
import type { components } from "@/api/schema";
import type { Option } from "@/components/types";

export type Account = components["schemas"]["FundAccountRead"];
type Tag = "info" | "primary" | "success" | "danger" | "warning";

export const ACCOUNT_KIND: Record<string, string> = { bank: "银行账户", cash: "现金", wechat: "微信支付", alipay: "支付宝" };
export const ENTRY_KIND: Record<string, string> = {
  opening: "期初",
  receipt: "回款",
  payment: "付款",
  transfer_out: "转出",
  transfer_in: "转入",
  adjustment: "调整",
  reversal: "冲销",
};
export const METHOD: Record<string, string> = { bank_transfer: "银行转账", cash: "现金", wechat: "微信", alipay: "支付宝", cheque: "支票" };
export const RECEIPT_STATUS: Record<string, string> = { pending: "待审核", confirmed: "已确认", rejected: "已驳回" };
export const PAYMENT_STATUS: Record<string, string> = { pending: "审批中", approved: "待付款", paid: "已付款", rejected: "已驳回" };
export const STATUS_TAG: Record<string, Tag> = { pending: "warning", approved: "primary", confirmed: "success", paid: "success", rejected: "danger" };

/** A fresh idempotency key for one form submission: a retried click replays, never doubles. */
export function newKey(prefix: string): string {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `${prefix}-${Date.now().toString(36)}-${random[0].toString(36)}${random[1].toString(36)}`;
}

export function today(): string {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  return now.toISOString().slice(0, 10);
}

export type FundAccountOption = components["schemas"]["FundAccountOption"];

/** The active accounts a receipt may name (no balances: sales record receipts too). */
export async function receiptAccounts(): Promise<FundAccountOption[]> {
  return call(api.GET("/api/v1/payments/receipt-accounts"));
}

export async function searchCustomers(q: string): Promise<Option[]> {
  const page = await call(api.GET("/api/v1/customers", { params: { query: { q, page_size: 20 } } }));
  return page.items.map((c) => ({ value: c.id, label: c.name, hint: c.phone }));
}

/** Upload the form's chosen proof once (a retry after a field error reuses it); its id goes
 * with the receipt or payment being written. A refused file puts its error under 凭证. */
export async function attachProof(state: { file: File | null; proof_id: number | null }, errors: Record<string, string>): Promise<void> {
  if (!state.file || state.proof_id !== null) return;
  const data = new FormData();
  data.append("file", state.file);
  try {
    const proof = await call(api.POST("/api/v1/payments/proofs", { body: { file: "" }, bodySerializer: () => data }));
    state.proof_id = proof.id;
  } catch (e) {
    errors.proof_id = e instanceof Error ? e.message : String(e);
    throw e;
  }
}

/** A receipt against a contract's instalment (回款计划 → 登记回款) comes pre-filled. */
export interface ReceiptPreset {
  customer_id: number;
  customer_name: string;
  contract_id: number;
  plan_id: number | null;
  amount_fen: number;
  label: string;
}

export const INSTALMENT_STATUS: Record<string, string> = { not_due: "未到期", partial: "部分回款", paid: "已回款", overdue: "已逾期" };
export const INSTALMENT_TAG: Record<string, Tag> = { not_due: "info", partial: "warning", paid: "success", overdue: "danger" };
export const REMINDER_KIND: Record<string, string> = { due_soon: "即将到期", overdue: "已逾期" };
