// Chinese labels for the segment codes the API returns (values of choice conditions).
import { GENDER } from "../members/labels";

export const LIFECYCLE: Record<string, string> = { new: "新会员", active: "活跃", dormant: "沉睡", churned: "流失" };

export const RFM_CLASS: Record<string, string> = {
  important_value: "重要价值客户",
  important_develop: "重要发展客户",
  important_keep: "重要保持客户",
  important_retain: "重要挽留客户",
  general_value: "一般价值客户",
  general_develop: "一般发展客户",
  general_keep: "一般保持客户",
  general_retain: "一般挽留客户",
};

export function choiceLabel(field: string, value: string | number): string {
  if (field === "gender") return GENDER[String(value)] ?? String(value);
  if (field === "lifecycle") return LIFECYCLE[String(value)] ?? String(value);
  if (field === "rfm_class") return RFM_CLASS[String(value)] ?? String(value);
  if (field === "birthday_month") return `${value} 月`;
  return String(value);
}

export const MATCH: Record<string, string> = { all: "全部满足", any: "满足任一" };
