// Names behind the ids a staff row carries (department, store, position, roles), loaded once per
// screen; a list the caller may not read stays empty rather than failing the screen.
import { reactive } from "vue";
import { api, call } from "@/api/client";
import type { components } from "@/api/schema";
import { useSession } from "@/stores/session";

type Role = components["schemas"]["RoleRead"];
type Position = components["schemas"]["PositionRead"];
type Department = components["schemas"]["DepartmentRead"];

export interface Lookups {
  departments: Department[];
  stores: Map<number, string>;
  positions: Position[];
  roles: Role[];
}

async function quietly<T>(allowed: boolean, load: () => Promise<T>, fallback: T): Promise<T> {
  if (!allowed) return fallback;
  try {
    return await load();
  } catch {
    return fallback;
  }
}

export function useLookups() {
  const session = useSession();
  const lookups = reactive<Lookups>({ departments: [], stores: new Map(), positions: [], roles: [] });

  async function load(): Promise<void> {
    const [departments, stores, positions, roles] = await Promise.all([
      quietly(session.can("org.department:view"), () => call(api.GET("/api/v1/departments")), []),
      quietly(
        session.can("org.store:view"),
        async () => (await call(api.GET("/api/v1/stores", { params: { query: { page_size: 200 } } }))).items,
        [],
      ),
      quietly(session.can("org.position:view"), () => call(api.GET("/api/v1/positions")), []),
      quietly(session.can("org.role:view"), () => call(api.GET("/api/v1/roles")), []),
    ]);
    lookups.departments = departments;
    lookups.stores = new Map(stores.map((s) => [s.id, s.name]));
    lookups.positions = positions;
    lookups.roles = roles;
  }

  const department = (id: number | null | undefined) =>
    lookups.departments.find((d) => d.id === id)?.name ?? "—";
  const store = (id: number | null | undefined) => (id ? (lookups.stores.get(id) ?? `门店 ${id}`) : "—");
  const position = (id: number | null | undefined) => lookups.positions.find((p) => p.id === id)?.name ?? "—";
  const roleNames = (ids: number[]) =>
    ids.map((id) => lookups.roles.find((r) => r.id === id)?.name).filter(Boolean).join("、") || "—";

  return { lookups, load, department, store, position, roleNames };
}

/** Departments as el-tree-select data. */
export function departmentOptions(rows: Department[]) {
  type N = { value: number; label: string; children: N[] };
  const nodes = new Map<number, N>(rows.map((r) => [r.id, { value: r.id, label: r.name, children: [] }]));
  const roots: N[] = [];
  for (const row of [...rows].sort((a, b) => a.sort_order - b.sort_order || a.id - b.id)) {
    const parent = row.parent_id === null ? undefined : nodes.get(row.parent_id);
    (parent ? parent.children : roots).push(nodes.get(row.id)!);
  }
  return roots;
}
