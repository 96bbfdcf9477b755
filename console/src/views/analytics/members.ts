// The RFM member columns shared by the 客户价值 table and the 流失风险 list.
import type { components } from "@/api/schema";
import type { Column } from "@/components/types";
import { yuan } from "@/utils/money";

export type RfmMember = components["schemas"]["RfmMemberRead"];

export const MEMBER_COLUMNS: Column<RfmMember>[] = [
  { prop: "name", label: "会员", minWidth: 120 },
  { prop: "phone_masked", label: "手机号", width: 130 },
  { prop: "rfm_label", label: "分类", width: 130 },
  { prop: "recency_days", label: "最近消费（天前）", width: 130, align: "right" },
  { prop: "frequency", label: "消费次数", width: 100, align: "right" },
  { prop: "monetary_fen", label: "消费金额（元）", width: 130, align: "right", format: (m) => yuan(m.monetary_fen) },
  { prop: "scores", label: "R/F/M 得分", width: 110, format: (m) => `${m.r_score}/${m.f_score}/${m.m_score}`, wide: true },
  { prop: "interval_days", label: "平均间隔（天）", width: 120, align: "right", format: (m) => (m.interval_days === null ? "—" : String(m.interval_days)), wide: true },
];
