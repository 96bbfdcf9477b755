// Template messages (模板消息) as the console fills them: the fields a template's content uses
// ("会员姓名：{{keyword1.DATA}}"), a label for each, and the message as the member would read it.

const FIELD = /\{\{\s*(\w+)\.DATA\s*\}\}/g;
// WeChat stopped showing first/remark in May 2023, but older templates still carry them.
const NAMED: Record<string, string> = { first: "开头", remark: "备注" };

/** Example values for the {placeholders} of care messages and campaigns, for the preview. */
export const SAMPLES: Record<string, string> = {
  name: "张三",
  card_no: "88000001",
  points: "1280",
  tier: "金卡会员",
  old_tier: "银卡会员",
  delta: "100",
  amount: "128.00",
  coupon: "满100减20券",
  expires: "2026-12-31",
  festival: "中秋节",
};

/** The keys of the message's data, in order of first use (as wechat.rules.template_fields). */
export function templateFields(content: string): string[] {
  return [...new Set(Array.from(content.matchAll(FIELD), (m) => m[1]))];
}

/** Each field's label: the text just before it ("会员姓名"), else a name for first/remark. */
export function fieldLabels(content: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const line of content.split("\n")) {
    let from = 0;
    for (const match of line.matchAll(FIELD)) {
      const before = line.slice(from, match.index).replace(/[：:\s]+$/, "").trim();
      labels[match[1]] ??= before || NAMED[match[1]] || match[1];
      from = match.index + match[0].length;
    }
  }
  return labels;
}

/** Fill {placeholders}; unknown ones stay as typed, like the server's rendering. */
export function fill(text: string, values: Record<string, string> = SAMPLES): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The message the member reads: each field's text with the sample values, blank ones marked. */
export function renderPreview(content: string, data: Record<string, string>, values: Record<string, string> = SAMPLES): string {
  return content.replace(FIELD, (_, key: string) => (data[key]?.trim() ? fill(data[key], values) : `［${key} 未填写］`));
}

/** The data for a template: exactly its fields, keeping what was already typed. */
export function dataFor(fields: string[], data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(fields.map((key) => [key, data[key] ?? ""]));
}
