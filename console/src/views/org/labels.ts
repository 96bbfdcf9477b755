export const STORE_STATUS: Record<string, { label: string; tag: "success" | "info" | "warning" | "danger" }> = {
  preparing: { label: "筹备中", tag: "info" },
  open: { label: "营业中", tag: "success" },
  suspended: { label: "暂停营业", tag: "warning" },
  closed: { label: "已关店", tag: "danger" },
};
