import { describe as suite, expect, it } from "vitest";
import { alphabetOf, describe, measure } from "./smsLength";

// The expected part counts are what sms_gateway.pdu.split_text gives for the same texts.
suite("alphabet", () => {
  it("keeps GSM-7 for the default alphabet and its extension table", () => {
    expect(alphabetOf("Hello {name} €5 [ok]")).toBe("gsm7");
    expect(alphabetOf("Ça coûte 5£")).toBe("ucs2"); // û is not in GSM 03.38
    expect(alphabetOf("您好")).toBe("ucs2");
    expect(alphabetOf("")).toBe("gsm7");
  });
});

suite("parts", () => {
  it.each([
    ["160 Latin letters fit one part", "a".repeat(160), 1, 0],
    ["161 need two parts of 153", "a".repeat(161), 2, 145],
    ["306 fill two parts exactly", "a".repeat(306), 2, 0],
    ["307 start a third", "a".repeat(307), 3, 152],
    ["70 Chinese characters fit one part", "中".repeat(70), 1, 0],
    ["71 need two parts of 67", "中".repeat(71), 2, 63],
    ["134 fill two parts exactly", "中".repeat(134), 2, 0],
    ["135 start a third", "中".repeat(135), 3, 66],
  ])("%s", (_name, text, parts, remaining) => {
    const m = measure(text);
    expect(m.parts).toBe(parts);
    expect(m.remaining).toBe(remaining);
  });

  it("counts an extension character as two septets", () => {
    expect(measure("{".repeat(80))).toMatchObject({ alphabet: "gsm7", chars: 80, units: 160, parts: 1, remaining: 0 });
    expect(measure("{".repeat(81))).toMatchObject({ units: 162, parts: 2 });
    expect(measure("a".repeat(159) + "€")).toMatchObject({ units: 161, parts: 2, remaining: 145 });
  });

  it("never splits an ESC pair across parts", () => {
    // 152 letters, then € would straddle septets 153-154: it moves to the second part.
    expect(measure("a".repeat(152) + "€" + "a".repeat(10))).toMatchObject({ units: 164, parts: 2, remaining: 141 });
  });

  it("never splits a surrogate pair across parts, and counts it as two units", () => {
    expect(measure("中".repeat(66) + "😀")).toMatchObject({ alphabet: "ucs2", chars: 67, units: 68, parts: 1, remaining: 2 });
    expect(measure("中".repeat(66) + "😀" + "中".repeat(4))).toMatchObject({ units: 72, parts: 2, remaining: 61 });
  });

  it("makes one Chinese character switch the whole text to UCS-2", () => {
    expect(measure("a".repeat(100))).toMatchObject({ alphabet: "gsm7", parts: 1, remaining: 60 });
    expect(measure("a".repeat(100) + "好")).toMatchObject({ alphabet: "ucs2", units: 101, parts: 2, remaining: 33 });
  });

  it("counts nothing for an empty text", () => {
    expect(measure("")).toMatchObject({ units: 0, parts: 0, remaining: 160 });
  });
});

suite("describe", () => {
  it("says it in Chinese", () => {
    expect(describe(measure("【示例商城】您好aaa"))).toBe("共 11 字 · 1 条（UCS-2（中文），每条 70 字，本条还可输入 59 字）");
    expect(describe(measure("Hi"))).toBe("共 2 字 · 1 条（GSM-7，每条 160 字，本条还可输入 158 字）");
    expect(describe(measure(""))).toBe("尚未输入内容");
  });
});
