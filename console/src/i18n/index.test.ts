import { describe, expect, it } from "vitest";
import { createI18n } from "vue-i18n";
import { compile } from "./index";

describe("messages without the compiler", () => {
  it("renders plain text and named values", () => {
    const options = { legacy: false, locale: "zh", messages: { zh: compile({ a: { b: "你好" }, hi: "欢迎，{name}！" }) } };
    type T = (key: string, values?: Record<string, string>) => string;
    const i18n = createI18n(options as never) as unknown as { global: { t: T } };
    const t = i18n.global.t;
    expect(t("a.b")).toBe("你好");
    expect(t("hi", { name: "张三" })).toBe("欢迎，张三！");
  });
});
