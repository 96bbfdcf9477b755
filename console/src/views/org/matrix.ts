// The role editor's permission matrix: rows are resources grouped by area, columns the six actions.
import type { components } from "@/api/schema";

type Permission = components["schemas"]["PermissionRead"];

export interface MatrixRow {
  resource: string;
  label: string;
  /** action → permission code, for the actions this resource has. */
  cells: Record<string, string>;
}

export interface MatrixGroup {
  name: string;
  rows: MatrixRow[];
}

export function buildMatrix(catalogue: Permission[]): MatrixGroup[] {
  const groups: MatrixGroup[] = [];
  for (const p of catalogue) {
    let group = groups.find((g) => g.name === p.group);
    if (!group) groups.push((group = { name: p.group, rows: [] }));
    let row = group.rows.find((r) => r.resource === p.resource);
    if (!row) group.rows.push((row = { resource: p.resource, label: p.resource_label, cells: {} }));
    row.cells[p.action] = p.code;
  }
  return groups;
}

/** Toggle every action of a row (or every row of a group): all on unless all are on already. */
export function toggleAll(chosen: Set<string>, codes: string[]): Set<string> {
  const next = new Set(chosen);
  const allOn = codes.every((c) => next.has(c));
  for (const code of codes) {
    if (allOn) next.delete(code);
    else next.add(code);
  }
  return next;
}
