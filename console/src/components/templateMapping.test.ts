import { describe, expect, it } from "vitest";
import { dataFor, fieldLabels, fill, renderPreview, templateFields } from "./templateMapping";

const POINTS = "{{first.DATA}}\n会员姓名：{{keyword1.DATA}}\n变动积分：{{keyword2.DATA}}\n积分余额：{{ keyword3.DATA }}\n{{remark.DATA}}";

describe("template messages", () => {
  it("lists the fields in order, once each", () => {
    expect(templateFields(POINTS)).toEqual(["first", "keyword1", "keyword2", "keyword3", "remark"]);
    expect(templateFields("{{a.DATA}}{{b.DATA}}{{a.DATA}} {{c.value}} {d.DATA}")).toEqual(["a", "b"]);
    expect(templateFields("")).toEqual([]);
  });

  it("labels each field by the text before it", () => {
    expect(fieldLabels(POINTS)).toEqual({ first: "开头", keyword1: "会员姓名", keyword2: "变动积分", keyword3: "积分余额", remark: "备注" });
    expect(fieldLabels("金额:{{amount1.DATA}} 时间：{{time2.DATA}}")).toEqual({ amount1: "金额", time2: "时间" });
    expect(fieldLabels("{{thing9.DATA}}")).toEqual({ thing9: "thing9" });
  });

  it("fills placeholders and keeps unknown ones", () => {
    expect(fill("{name}，您的积分 {points}，{shoe}")).toBe("张三，您的积分 1280，{shoe}");
    expect(fill("{name}", { name: "李四" })).toBe("李四");
  });

  it("renders the preview with blank fields marked", () => {
    const data = { first: "积分变动", keyword1: "{name}", keyword2: "+{delta}", keyword3: " " };
    expect(renderPreview(POINTS, data)).toBe("积分变动\n会员姓名：张三\n变动积分：+100\n积分余额：［keyword3 未填写］\n［remark 未填写］");
  });

  it("keeps exactly the template's fields", () => {
    expect(dataFor(["keyword1", "keyword2"], { keyword1: "{name}", thing1: "x" })).toEqual({ keyword1: "{name}", keyword2: "" });
  });
});
