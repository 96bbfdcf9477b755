// Pickers of the WeChat pages: accounts, guides, QR codes, staff (names, never ids).
import { api, call } from "@/api/client";
import type { Option } from "@/components/types";
import { useSession } from "@/stores/session";

// A picker the role may not use offers nothing rather than asking the API for a 403.
const may = (permission: string) => useSession().can(permission);

export async function accountOptions(): Promise<Option[]> {
  if (!may("wechat.account:view")) return [];
  const rows = await call(api.GET("/api/v1/wechat/accounts"));
  return rows.map((a) => ({ value: a.id, label: a.name, hint: a.appid }));
}

/** Active guides (the staff list has no guide filter: it is applied here, with the store). */
export async function searchGuides(q: string, storeId: number | null = null): Promise<Option[]> {
  if (!may("org.staff:view")) return [];
  const page = await call(api.GET("/api/v1/staff", { params: { query: { keyword: q, page_size: 100, active: true } } }));
  return page.items
    .filter((s) => s.is_guide && (storeId === null || s.store_id === storeId))
    .map((s) => ({ value: s.id, label: s.name, hint: s.username }));
}

export async function searchQrCodes(q: string): Promise<Option[]> {
  if (!may("wechat.qrcode:view")) return [];
  const page = await call(api.GET("/api/v1/wechat/qrcodes", { params: { query: { q, page_size: 20 } } }));
  return page.items.map((c) => ({ value: c.id, label: c.name, hint: c.scene }));
}

export async function staffName(id: number | null | undefined): Promise<Option[]> {
  if (!id || !may("org.staff:view")) return [];
  const staff = await call(api.GET("/api/v1/staff/{staff_id}", { params: { path: { staff_id: id } } })).catch(() => null);
  return staff ? [{ value: staff.id, label: staff.name, hint: staff.username }] : [];
}

export async function storeName(id: number | null | undefined): Promise<Option[]> {
  if (!id || !may("org.store:view")) return [];
  const store = await call(api.GET("/api/v1/stores/{store_id}", { params: { path: { store_id: id } } })).catch(() => null);
  return store ? [{ value: store.id, label: store.name, hint: store.code }] : [];
}

/** Tags WeChat knows (conditional menus match on WeChat's tag id). */
export async function tagOptions(accountId: number): Promise<Option[]> {
  if (!may("wechat.fan:view")) return [];
  const rows = await call(api.GET("/api/v1/wechat/tags", { params: { query: { account_id: accountId } } }));
  return rows.filter((t) => t.wx_tag_id !== null).map((t) => ({ value: t.wx_tag_id as number, label: t.name }));
}

/** Tag names of an account (or all accounts), for filters and the fan's tag editor. */
export async function tagNames(accountId: number | null = null): Promise<string[]> {
  if (!may("wechat.fan:view")) return [];
  const rows = await call(api.GET("/api/v1/wechat/tags", { params: { query: { account_id: accountId ?? undefined } } }));
  return [...new Set(rows.map((t) => t.name))];
}
