import { describe, expect, it } from "vitest";
import {
  actionsFor,
  cancelQuestion,
  compose,
  countSms,
  countWeChatText,
  dryRunFlags,
  hasPlaceholder,
  insertPlaceholder,
  problemField,
  scheduleProblem,
  unknownPlaceholders,
  utf8Bytes,
} from "./content";
import { CAMPAIGN_STATUS, skippedLabel, statusLabel } from "./labels";

const EMPTY = { text: "", template_id: "", template_data: {}, template_url: "", sms: "" };

describe("WeChat text", () => {
  it("counts UTF-8 bytes: a Chinese character is three", () => {
    expect(utf8Bytes("双12")).toBe(5);
    expect(utf8Bytes("😀")).toBe(4);
    expect(countWeChatText("你".repeat(682))).toEqual({ bytes: 2046, over: false, label: "2046 / 2048 字节" });
    expect(countWeChatText("你".repeat(683)).over).toBe(true);
    expect(countWeChatText("a".repeat(2048)).over).toBe(false);
    expect(countWeChatText(`  ${"a".repeat(2048)}  `).over).toBe(false);
  });
});

describe("SMS", () => {
  it("adds the signature and the opt-out line the way the gateway does", () => {
    expect(compose("双12 全场 8 折", "示例商城", "回T退订")).toEqual({ prefix: "【示例商城】", suffix: "回T退订" });
    expect(compose("【别的签名】你好", "示例商城", "回T退订")).toEqual({ prefix: "", suffix: "回T退订" });
    expect(compose("你好，退订回T", "示例商城", "回T退订")).toEqual({ prefix: "【示例商城】", suffix: "" });
  });

  it.each([
    ["empty", "", 0, 0],
    // 【示例商城】 (6) + 61 + 回T退订 (4) = 71 characters: over 70, two parts of 67.
    ["one part", "折".repeat(60), 70, 1],
    ["two parts", "折".repeat(61), 71, 2],
  ])("%s", (_, body, chars, parts) => {
    const counted = countSms(body, "示例商城", "回T退订", 6);
    expect([counted.chars, counted.measure.parts, counted.over]).toEqual([chars, parts, false]);
  });

  it("refuses what the server refuses: more than 67 × max parts characters", () => {
    // 6 + 392 + 4 = 402 = 67 × 6: the last length that fits.
    expect(countSms("折".repeat(392), "示例商城", "回T退订", 6).over).toBe(false);
    expect(countSms("折".repeat(393), "示例商城", "回T退订", 6).over).toBe(true);
    expect(countSms("折".repeat(61), "示例商城", "回T退订", 6).label).toBe("含签名与退订语共 71 字 · 2 条短信（上限 6 条）");
  });
});

describe("placeholders", () => {
  it("inserts at the caret or over the selection", () => {
    expect(insertPlaceholder("您好，！", "name", 3)).toEqual({ text: "您好，{name}！", caret: 9 });
    expect(insertPlaceholder("您好 XX", "name", 3, 5)).toEqual({ text: "您好 {name}", caret: 9 });
    expect(insertPlaceholder("积分", "points")).toEqual({ text: "积分{points}", caret: 10 });
  });

  it("knows which names the server fills", () => {
    expect(unknownPlaceholders("{name} {nickname} {tier} {nickname}")).toEqual(["nickname"]);
    expect(hasPlaceholder("双12 来了")).toBe(false);
    expect(hasPlaceholder("{name}，双12 来了")).toBe(true);
  });
});

describe("server errors", () => {
  it.each([
    [["body", "text"], "text"],
    [["body", "content", "sms"], "sms"],
    [["body", "content", "template_data", "Bad-Key", "[key]"], "Bad-Key"],
    [["body", "content", "template_data", "keyword1"], "keyword1"],
    [["body", "segment_id"], "segment_id"],
  ])("%j → %s", (loc, field) => {
    expect(problemField({ loc, msg: "x", type: "value_error" })).toBe(field);
  });
});

describe("dry run flags", () => {
  it("offers only the plan's channels", () => {
    const content = { ...EMPTY, text: "双12", template_id: "TPL", sms: "双12" };
    expect(dryRunFlags("sms", content)).toEqual({ text: false, template: false, sms: true, mass: false, marketing: true, channels: ["sms"] });
    expect(dryRunFlags("template", content)).toEqual({ text: false, template: true, sms: true, mass: false, marketing: true, channels: ["template", "sms"] });
    expect(dryRunFlags("auto", { ...content, sms: " " })).toEqual({
      text: true,
      template: true,
      sms: false,
      mass: true,
      marketing: true,
      channels: ["customer_service", "template", "mass", "sms"],
    });
    expect(dryRunFlags("mass", { ...content, text: "", msgtype: "image", media_id: "M1" }).text).toBe(true);
  });
});

describe("schedule", () => {
  const now = new Date("2026-12-07T03:00:00Z");
  it("refuses the past and the next minute", () => {
    expect(scheduleProblem(null, now)).toBe("请选择发送时间");
    expect(scheduleProblem(new Date("2026-12-07T02:59:00Z"), now)).toBe("定时发送的时间必须晚于现在");
    expect(scheduleProblem(new Date("2026-12-07T03:01:00Z"), now)).toBe("定时发送的时间必须晚于现在");
    expect(scheduleProblem(new Date("2026-12-07T03:01:01Z"), now)).toBe("");
  });
});

describe("statuses", () => {
  it("has a Chinese label for every status", () => {
    expect(Object.values(CAMPAIGN_STATUS).map((s) => s.label)).toEqual(["草稿", "已定时", "准备名单", "发送中", "已完成", "已取消", "失败"]);
    expect(statusLabel("running")).toBe("发送中");
  });

  it("allows the actions the server allows", () => {
    expect(actionsFor("draft")).toEqual({ edit: true, remove: true, send: true, cancel: false });
    expect(actionsFor("scheduled")).toEqual({ edit: false, remove: false, send: true, cancel: true });
    expect(actionsFor("running")).toEqual({ edit: false, remove: false, send: false, cancel: true });
    expect(actionsFor("done")).toEqual({ edit: false, remove: false, send: false, cancel: false });
  });

  it("asks before cancelling in the words of the status", () => {
    expect(cancelQuestion("双12", "scheduled")).toBe("取消定时群发「双12」？取消后不会再发送。");
    expect(cancelQuestion("双12", "running")).toBe("停止群发「双12」？尚未发出的消息将不再发送，已发出的无法撤回。");
  });

  it("says why a recipient got nothing", () => {
    expect(skippedLabel("no_phone")).toBe("无法通过微信触达且未绑定手机");
    expect(skippedLabel("campaign_cancelled")).toBe("活动已取消");
    expect(skippedLabel("45009")).toBe("微信错误 45009");
  });
});
