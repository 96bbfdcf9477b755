// What the campaign screens ask besides the campaign itself: segments to pick and count, the SMS
// signature, and the router's dry run over the segment's members.
import { api, call } from "@/api/client";
import type { components } from "@/api/schema";
import type { Option } from "@/components/types";
import { useSession } from "@/stores/session";
import { type Content, dryRunFlags } from "./content";
import type { ChannelPlan } from "./labels";

type DryRun = components["schemas"]["DryRunResult"];
const may = (permission: string) => useSession().can(permission);
/** The dry run looks at this many of the segment's members at most (5 pages of 200). */
export const DRY_RUN_SAMPLE = 1000;

export async function searchSegments(q: string): Promise<Option[]> {
  const rows = await call(api.GET("/api/v1/campaigns/segments"));
  return rows.filter((s) => s.name.includes(q)).map((s) => ({ value: s.id, label: s.name, hint: `保存时 ${s.member_count} 人` }));
}

/** The segment's members now, in the caller's data scope (what a start would freeze). */
export async function segmentCount(segmentId: number): Promise<number> {
  const page = await call(api.GET("/api/v1/campaigns/segments/{segment_id}/members", { params: { path: { segment_id: segmentId }, query: { page: 1, page_size: 1 } } }));
  return page.total;
}

export interface Signature {
  signature: string;
  optOut: string;
  maxParts: number;
}

/** The gateway's signature and opt-out line, read from its preview of a marketing SMS. */
export async function smsSignature(): Promise<Signature> {
  const fallback = { signature: "", optOut: "回T退订", maxParts: 6 };
  if (!may("sms.message:create")) return fallback;
  const answer = await call(api.POST("/api/v1/sms/messages/preview", { body: { text: "x", kind: "marketing", template_code: "", params: {} } })).catch(() => null);
  if (!answer) return fallback;
  return { signature: answer.prefix.replace(/^【|】$/g, ""), optOut: answer.suffix || "回T退订", maxParts: answer.max_parts };
}

export interface Estimate {
  result: DryRun;
  sampled: number;
  total: number;
}

/** How the router would send this content to the segment's members now (nothing is sent). */
export async function estimate(segmentId: number, plan: ChannelPlan, content: Content): Promise<Estimate> {
  const ids: number[] = [];
  let total = 0;
  for (let page = 1; ids.length < DRY_RUN_SAMPLE; page += 1) {
    const found = await call(api.GET("/api/v1/campaigns/segments/{segment_id}/members", { params: { path: { segment_id: segmentId }, query: { page, page_size: 200 } } }));
    total = found.total;
    ids.push(...found.items.map((m) => m.id));
    if (found.items.length < 200) break;
  }
  if (!ids.length) return { result: { total: 0, channels: {}, deferred: 0, skipped: {} }, sampled: 0, total };
  const result = await call(api.POST("/api/v1/campaigns/dry-runs", { body: { member_ids: ids, ...dryRunFlags(plan, content) } }));
  return { result, sampled: ids.length, total };
}
