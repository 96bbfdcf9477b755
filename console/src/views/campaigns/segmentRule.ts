// The rule builder's state: defaults per condition kind, completeness, and server errors by row.
import type { FieldProblem } from "@/api/errors";

export type Kind = "ids" | "texts" | "choices" | "number" | "days" | "flag" | "has";

export interface FieldOption {
  field: string;
  label: string;
  kind: string;
  operators: Record<string, string>;
  choices: (string | number)[];
}

export interface ConditionState {
  key: number;
  field: string;
  op: string;
  value: unknown;
}

export interface GroupState {
  key: number;
  match: "all" | "any";
  conditions: ConditionState[];
}

export interface RuleState {
  match: "all" | "any";
  groups: GroupState[];
}

let counter = 0;
export const nextKey = (): number => ++counter;

export function defaultValue(kind: string, op: string): unknown {
  if (kind === "number") return op === "between" ? [0, 100] : 0;
  if (kind === "days") return 30;
  if (kind === "flag") return true;
  return [];
}

export function newCondition(option: FieldOption): ConditionState {
  const op = Object.keys(option.operators)[0];
  return { key: nextKey(), field: option.field, op, value: defaultValue(option.kind, op) };
}

export function newGroup(option: FieldOption): GroupState {
  return { key: nextKey(), match: "all", conditions: [newCondition(option)] };
}

/** A condition the marketer has not finished (an empty pick list) is left out of the live count. */
export function isComplete(condition: ConditionState, kind: string | undefined): boolean {
  if (kind === "has" && Array.isArray(condition.value)) return true;
  if (Array.isArray(condition.value)) return condition.value.length > 0 && condition.value.every((v) => v !== null && v !== "");
  return condition.value !== null && condition.value !== undefined && condition.value !== "";
}

/** The JSON the API takes (no editor keys). */
export function toBody(rule: RuleState) {
  return {
    match: rule.match,
    groups: rule.groups.map((g) => ({
      match: g.match,
      conditions: g.conditions.map((c) => ({ field: c.field, op: c.op, value: c.value })),
    })),
  };
}

export function fromBody(body: { match?: string; groups?: { match?: string; conditions: { field: string; op: string; value?: unknown }[] }[] }): RuleState {
  return {
    match: body.match === "any" ? "any" : "all",
    groups: (body.groups ?? []).map((g) => ({
      key: nextKey(),
      match: g.match === "any" ? "any" : "all",
      conditions: g.conditions.map((c) => ({ key: nextKey(), field: c.field, op: c.op, value: c.value ?? null })),
    })),
  };
}

/** Server problems under body.rule.groups[i].conditions[j]: "i.j" → message; others by field name. */
export function problemsByRow(problems: FieldProblem[]): { rows: Record<string, string>; fields: Record<string, string> } {
  const rows: Record<string, string> = {};
  const fields: Record<string, string> = {};
  for (const p of problems) {
    const at = p.loc.indexOf("groups");
    if (at >= 0 && p.loc[at + 2] === "conditions" && p.loc[at + 3] !== undefined) {
      const key = `${p.loc[at + 1]}.${p.loc[at + 3]}`;
      rows[key] ??= p.msg;
    } else {
      const name = [...p.loc].reverse().find((part) => !/^\d+$/.test(part)) ?? "";
      fields[name] ??= p.msg;
    }
  }
  return { rows, fields };
}
