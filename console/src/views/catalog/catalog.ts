// The catalogue's shared reads: the category tree for pickers, labels of statuses and field kinds.
import { api, call } from "@/api/client";
import type { components } from "@/api/schema";

export type Category = components["schemas"]["CategoryRead"];
export type CustomField = components["schemas"]["CustomFieldRead"];

export const STATUS: Record<string, string> = { on_sale: "在售", off_sale: "停售" };
export const KINDS: Record<string, string> = { text: "文本", number: "数字", date: "日期", select: "下拉选项", bool: "是/否" };

export interface TreeOption {
  value: number;
  label: string;
  children: TreeOption[];
}

export function treeOptions(nodes: Category[]): TreeOption[] {
  return nodes.map((n) => ({ value: n.id, label: n.name, children: treeOptions(n.children ?? []) }));
}

export async function categoryTree(): Promise<Category[]> {
  return call(api.GET("/api/v1/catalog/categories"));
}

/** Each category's parent, to find the fields a product of a category carries. */
export function parents(nodes: Category[], into = new Map<number, number | null>()): Map<number, number | null> {
  for (const n of nodes) {
    into.set(n.id, n.parent_id ?? null);
    parents(n.children ?? [], into);
  }
  return into;
}

/** The fields of a product in `categoryId`: global ones and those of the category and above. */
export function fieldsFor(fields: CustomField[], tree: Category[], categoryId: number | null): CustomField[] {
  const up = parents(tree);
  const chain = new Set<number>();
  for (let node = categoryId; node !== null && node !== undefined && !chain.has(node); node = up.get(node) ?? null) chain.add(node);
  return fields.filter((f) => f.category_id === null || f.category_id === undefined || chain.has(f.category_id));
}
