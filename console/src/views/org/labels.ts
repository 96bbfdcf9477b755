export const STORE_STATUS: Record<string, { label: string; tag: "success" | "info" | "warning" | "danger" }> = {
  preparing: { label: "筹备中", tag: "info" },
  open: { label: "营业中", tag: "success" },
  suspended: { label: "暂停营业", tag: "warning" },
  closed: { label: "已关店", tag: "danger" },
};

export const DATA_SCOPE: Record<string, { label: string; hint: string }> = {
  own: { label: "仅本人", hint: "只能看到自己名下的粉丝、会员和客户" },
  department: { label: "本部门", hint: "能看到本部门所有人的数据" },
  subtree: { label: "本部门及下级", hint: "能看到本部门和所有下级部门的数据" },
  all: { label: "全部", hint: "能看到全公司的数据" },
};

export const ACTIONS = ["view", "create", "edit", "delete", "export", "assign"] as const;
