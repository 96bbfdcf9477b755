// Chinese labels for the segment codes the API returns (values of choice conditions).
import { GENDER } from "../members/labels";

export const LIFECYCLE: Record<string, string> = { new: "新会员", active: "活跃", dormant: "沉睡", churned: "流失" };

export function choiceLabel(field: string, value: string | number): string {
  if (field === "gender") return GENDER[String(value)] ?? String(value);
  if (field === "lifecycle") return LIFECYCLE[String(value)] ?? String(value);
  if (field === "birthday_month") return `${value} 月`;
  return String(value);
}

export const MATCH: Record<string, string> = { all: "全部满足", any: "满足任一" };
