import { describe, expect, it } from "vitest";
import { fromBody, isComplete, newCondition, problemsByRow, toBody } from "./segmentRule";

const tier = { field: "tier", label: "会员等级", kind: "ids", operators: { in: "属于", not_in: "不属于" }, choices: [] };

describe("segment rule state", () => {
  it("starts a condition with the field's first operator and an empty pick list", () => {
    const c = newCondition(tier);
    expect([c.field, c.op, c.value]).toEqual(["tier", "in", []]);
    expect(isComplete(c, "ids")).toBe(false);
    expect(isComplete({ ...c, value: [3] }, "ids")).toBe(true);
    expect(isComplete({ ...c, value: [] }, "has")).toBe(true);
  });

  it("round-trips the API body without editor keys", () => {
    const body = { match: "any", groups: [{ match: "all", conditions: [{ field: "age", op: "between", value: [20, 30] }] }] };
    expect(toBody(fromBody(body))).toEqual(body);
  });

  it("places server problems on their condition row", () => {
    const found = problemsByRow([
      { loc: ["body", "rule", "groups", "1", "conditions", "0", "op"], msg: "不支持", type: "segment_unknown_operator" },
      { loc: ["body", "name"], msg: "必填", type: "missing" },
    ]);
    expect(found).toEqual({ rows: { "1.0": "不支持" }, fields: { name: "必填" } });
  });
});
