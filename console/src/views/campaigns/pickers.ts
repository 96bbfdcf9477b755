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

type Category = { id: number; name: string; children?: Category[] };

/** Product categories as "茶 / 普洱": a category counts its sub-categories' purchases too. */
export async function categoryOptions(): Promise<Option[]> {
  if (!may("catalog.product:view")) return [];
  const tree: Category[] = await call(api.GET("/api/v1/catalog/categories"));
  const out: Option[] = [];
  const walk = (rows: Category[], prefix: string) => {
    for (const c of rows) {
      out.push({ value: c.id, label: prefix + c.name });
      walk(c.children ?? [], `${prefix}${c.name} / `);
    }
  };
  walk(tree, "");
  return out;
}
