// Searches behind the member and loyalty pickers: a person types a name or phone, never an id.
import { api, call } from "@/api/client";
import type { Option } from "@/components/types";
import { useSession } from "@/stores/session";

// Guides are staff: the shared search (it asks only when the role may read staff).
export { searchStaff as searchGuides } from "@/api/pickers";

const may = (permission: string) => useSession().can(permission);

export async function searchMembers(q: string): Promise<Option[]> {
  if (!may("members.member:view")) return [];
  const page = await call(api.GET("/api/v1/members/search", { params: { query: { q, page_size: 20 } } }));
  return page.items.map((m) => ({ value: m.id, label: m.name || m.phone || m.card_no || "（未填姓名）", hint: [m.phone, m.card_no].filter(Boolean).join(" · ") }));
}

export async function searchCouponTemplates(q: string): Promise<Option[]> {
  if (!may("loyalty.coupon:view")) return [];
  const rows = await call(api.GET("/api/v1/loyalty/coupon-templates", { params: { query: { q } } }));
  return rows.map((t) => ({ value: t.id, label: t.name }));
}
