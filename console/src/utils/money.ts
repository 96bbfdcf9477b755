// Money in 元 (stored in fen), without dayjs: the workbench of the first load uses it.

/** 12345 fen → "123.45" (no currency sign). */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return "—";
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100).toLocaleString("zh-CN")}.${String(abs % 100).padStart(2, "0")}`;
}

/** "123.45" or 123.45 → 12345 fen; null when it is not an amount with at most two decimals. */
export function toFen(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim().replace(/,/g, "");
  const match = /^(-?)(\d+)(?:\.(\d{0,2}))?$/.exec(text);
  if (!match) return null;
  const fen = Number(match[2]) * 100 + Number((match[3] ?? "").padEnd(2, "0"));
  return match[1] ? -fen : fen;
}

/** "2026-12-04" → "12-04"; "2026-12-04" → "2026年12月4日" (calendar dates, no time zone). */
export function monthDay(day: string): string {
  return day.slice(5, 10);
}

export function chineseDate(day: string): string {
  const [y, m, d] = day.slice(0, 10).split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

/** The hour of the day in Beijing now (0–23). */
export function beijingHour(now: Date = new Date()): number {
  const text = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", hour: "2-digit", hourCycle: "h23" }).format(now);
  return Number(text) % 24;
}
