// Options behind the segment conditions: names to pick, never ids to type.
import { api, call } from "@/api/client";
import type { Option } from "@/components/types";
import { useSession } from "@/stores/session";

export { searchStaff, searchStores } from "@/api/pickers";
export { searchCouponTemplates, searchMembers } from "../members/pickers";
export { searchQrCodes } from "../wechat/pickers";

const may = (permission: string) => useSession().can(permission);

export async function tierOptions(): Promise<Option[]> {
  if (!may("loyalty.program:view")) return [];
  const rows = await call(api.GET("/api/v1/loyalty/tiers"));
  return rows.map((t) => ({ value: t.id, label: t.name }));
}

export async function fanTagOptions(): Promise<Option[]> {
  if (!may("wechat.fan:view")) return [];
  const rows = await call(api.GET("/api/v1/wechat/tags", { params: { query: {} } }));
  return rows.map((t) => ({ value: t.id, label: t.name }));
}
