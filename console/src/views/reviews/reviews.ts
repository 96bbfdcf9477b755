// Shared labels and filters of the review pages.
export const SENTIMENT: Record<string, string> = { good: "好评", medium: "中评", bad: "差评" };
export const SENTIMENT_TYPE: Record<string, "success" | "warning" | "danger"> = { good: "success", medium: "warning", bad: "danger" };

export interface ReviewFilters {
  range: [string, string] | null;
  store_id: number | null;
  product_code: string;
}

/** The query parameters of the review list and the word cloud for the filters. */
export function filterQuery(f: ReviewFilters): { start?: string; end?: string; store_id?: number; product_code?: string } {
  return {
    start: f.range?.[0] || undefined,
    end: f.range?.[1] || undefined,
    store_id: f.store_id ?? undefined,
    product_code: f.product_code.trim() || undefined,
  };
}

/** Font size of a term in the cloud: 14–44 px by its share of the largest count. */
export function fontSize(count: number, max: number): number {
  return Math.round(14 + (30 * count) / Math.max(max, 1));
}
