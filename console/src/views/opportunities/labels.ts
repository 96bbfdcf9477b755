// Chinese labels for the opportunity codes the API returns.
export const STATUS: Record<string, string> = { open: "进行中", won: "赢单", lost: "输单" };
export const STATUS_TAG: Record<string, "primary" | "success" | "danger"> = { open: "primary", won: "success", lost: "danger" };
