// Searches behind the member and loyalty pickers: a person types a name or phone, never an id.
import { api, call } from "@/api/client";
import type { Option } from "@/components/types";

export async function searchMembers(q: string): Promise<Option[]> {
  const page = await call(api.GET("/api/v1/members/search", { params: { query: { q, page_size: 20 } } }));
  return page.items.map((m) => ({ value: m.id, label: m.name || m.phone || m.card_no || "（未填姓名）", hint: [m.phone, m.card_no].filter(Boolean).join(" · ") }));
}

export async function searchCouponTemplates(q: string): Promise<Option[]> {
  const rows = await call(api.GET("/api/v1/loyalty/coupon-templates", { params: { query: { q } } }));
  return rows.map((t) => ({ value: t.id, label: t.name }));
}

export async function searchGuides(q: string): Promise<Option[]> {
  const page = await call(api.GET("/api/v1/staff", { params: { query: { keyword: q, page_size: 20, active: true } } }));
  return page.items.map((s) => ({ value: s.id, label: s.name, hint: s.username }));
}
