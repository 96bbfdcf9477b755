// Contract labels: the statuses as the server shows them (审核中 is a draft under review) and the
// moves a person may make after approval (crm_core/sales/contracts/rules.py).
export const STATUS: Record<string, string> = {
  draft: "草稿",
  reviewing: "审核中",
  approved: "已通过",
  signed: "已签约",
  executing: "执行中",
  completed: "已完成",
  void: "已作废",
};
export const STATUS_TYPE: Record<string, "info" | "primary" | "success" | "danger" | "warning"> = {
  draft: "info",
  reviewing: "warning",
  approved: "primary",
  signed: "success",
  executing: "success",
  completed: "info",
  void: "danger",
};
export const MOVES: Record<string, string[]> = {
  draft: ["void"],
  approved: ["signed", "void"],
  signed: ["executing", "void"],
  executing: ["completed"],
};
export const MOVE_LABEL: Record<string, string> = { void: "作废", signed: "标记已签约", executing: "开始执行", completed: "标记已完成" };
export const ORDERABLE = ["approved", "signed", "executing"];
export const FILE_ACCEPT = ".pdf,.png,.jpg,.jpeg,.webp";

export function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
