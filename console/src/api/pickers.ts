// Searches behind the console's pickers: a person types a name, never an id.
import type { Option } from "@/components/types";
import { useSession } from "@/stores/session";
import { api, call } from "./client";

const may = (permission: string) => useSession().can(permission);

export async function searchStores(q: string): Promise<Option[]> {
  if (!may("org.store:view")) return [];
  const page = await call(api.GET("/api/v1/stores", { params: { query: { keyword: q, page_size: 20 } } }));
  return page.items.map((s) => ({ value: s.id, label: s.name, hint: s.code }));
}

export async function searchStaff(q: string): Promise<Option[]> {
  if (!may("org.staff:view")) return [];
  const page = await call(api.GET("/api/v1/staff", { params: { query: { keyword: q, page_size: 20, active: true } } }));
  return page.items.map((s) => ({ value: s.id, label: s.name, hint: s.username }));
}

export interface DepartmentNode {
  value: number;
  label: string;
  children: DepartmentNode[];
}

/** The department tree for el-tree-select. */
export async function departmentTree(): Promise<DepartmentNode[]> {
  if (!may("org.department:view")) return [];
  const rows = await call(api.GET("/api/v1/departments"));
  const nodes = new Map<number, DepartmentNode>();
  for (const row of rows) nodes.set(row.id, { value: row.id, label: row.name, children: [] });
  const roots: DepartmentNode[] = [];
  for (const row of [...rows].sort((a, b) => a.sort_order - b.sort_order)) {
    const node = nodes.get(row.id)!;
    const parent = row.parent_id === null ? undefined : nodes.get(row.parent_id);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}
