// Types shared by the console's list and picker components.
export interface Column<R> {
  prop: string;
  label: string;
  width?: number | string;
  minWidth?: number | string;
  sortable?: boolean;
  align?: "left" | "center" | "right";
  format?: (row: R) => string;
  /** Left out of the phone card (secondary detail). */
  wide?: boolean;
}

export interface Query {
  page: number;
  page_size: number;
  q?: string;
  sort?: string;
}

export interface Page<R> {
  items: R[];
  total: number;
}

/** What a page may call on its <DataTable ref="table">. */
export interface TableHandle {
  reload: () => Promise<void>;
  search: () => void;
}

export interface Option {
  value: number | string;
  label: string;
  hint?: string;
}

/** A list's export: the server runs it as a job (POST /api/v1/export-jobs) with these filters. */
export interface ExportRequest {
  kind: string;
  params?: Record<string, string>;
}

/** A list's filters as export parameters: empty ones left out, the rest as text. */
export function exportParams(values: Record<string, unknown>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(values))
    if (value !== undefined && value !== null && value !== "") params[key] = String(value);
  return params;
}
