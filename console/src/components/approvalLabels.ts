// Approval states and actions in Chinese, shared by the 审批中心 and the ApprovalPanel.
export const REQUEST_STATUS: Record<string, string> = {
  pending: "审批中",
  approved: "已通过",
  rejected: "已驳回",
  returned: "已退回",
  withdrawn: "已撤回",
};

export const REQUEST_TAG: Record<string, "primary" | "success" | "danger" | "warning" | "info"> = {
  pending: "primary",
  approved: "success",
  rejected: "danger",
  returned: "warning",
  withdrawn: "info",
};

export const STEP_STATUS: Record<string, string> = {
  waiting: "待审批",
  pending: "审批中",
  approved: "已同意",
  rejected: "已驳回",
  returned: "已退回",
  skipped: "无需审批",
  cancelled: "已取消",
};

export const ACTION: Record<string, string> = {
  submit: "提交申请",
  approve: "同意",
  reject: "驳回",
  return: "退回修改",
  delegate: "转交",
  withdraw: "撤回",
  resubmit: "重新提交",
  remind: "超时提醒",
};

export const ROLES: { value: string; label: string }[] = [
  { value: "sales_manager", label: "销售经理" },
  { value: "sales_director", label: "销售总监" },
  { value: "finance", label: "财务" },
  { value: "admin", label: "系统管理员" },
];
