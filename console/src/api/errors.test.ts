import { describe, expect, it } from "vitest";
import { fieldMessage, translateError } from "./errors";

describe("API errors in Chinese", () => {
  it("names a field's problem in Chinese, keeping a validator's own Chinese message", () => {
    expect(fieldMessage({ type: "missing", loc: ["body", "name"], msg: "Field required" })).toBe("必填");
    expect(fieldMessage({ type: "extra_forbidden", loc: ["body", "kind"], msg: "Extra inputs are not permitted" })).toBe(
      "不接受该字段",
    );
    expect(fieldMessage({ type: "value_error", loc: ["body", "birthday"], msg: "Value error, 生日不能晚于今天" })).toBe(
      "生日不能晚于今天",
    );
    expect(fieldMessage({ type: "some_new_type", loc: ["body", "x"], msg: "Something English" })).toBe("取值不正确");
  });
  it("puts each problem under its field", () => {
    const error = translateError(422, {
      error: "validation_error",
      detail: "Request validation failed",
      fields: [{ type: "string_too_short", loc: ["body", "name"], msg: "String should have at least 1 character" }],
    });
    expect(error.fields).toEqual({ name: "内容太短" });
    expect(error.message).toBe("提交的内容有误，请检查标红的字段");
  });
  it("makes a rule about the whole body the form's message, not a field no input shows", () => {
    const error = translateError(422, {
      error: "validation_error",
      detail: "提交的数据格式不正确",
      fields: [{ type: "value_error", loc: ["body"], msg: "Value error, 关注礼须包含积分或优惠券" }],
    });
    expect(error.fields).toEqual({});
    expect(error.message).toBe("关注礼须包含积分或优惠券");
  });
});
