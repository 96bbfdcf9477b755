import { describe, expect, it } from "vitest";
import { dateTime, duration, fromBeijing, joinDuration, splitSeconds, toFen, yuan } from "./format";
import { beijingHour, chineseDate, monthDay } from "./money";

describe("money", () => {
  it("shows fen as yuan with two decimals", () => {
    expect(yuan(12345)).toBe("123.45");
    expect(yuan(5)).toBe("0.05");
    expect(yuan(-100)).toBe("-1.00");
    expect(yuan(123456789)).toBe("1,234,567.89");
    expect(yuan(null)).toBe("—");
  });
  it("reads yuan back to fen exactly, refusing a third decimal", () => {
    expect(toFen("123.45")).toBe(12345);
    expect(toFen("0.1")).toBe(10);
    expect(toFen("19.99")).toBe(1999); // 19.99 * 100 is 1998.9999… in floating point
    expect(toFen("1,000")).toBe(100000);
    expect(toFen("1.234")).toBeNull();
    expect(toFen("abc")).toBeNull();
    expect(toFen("")).toBeNull();
  });
});

describe("durations", () => {
  it("splits and joins seconds as days, hours and minutes", () => {
    expect(splitSeconds(90061)).toEqual({ days: 1, hours: 1, minutes: 1 });
    expect(joinDuration({ days: 2, hours: 0, minutes: 30 })).toBe(2 * 86400 + 1800);
    expect(duration(172800)).toBe("2天");
    expect(duration(0)).toBe("0分钟");
  });
});

describe("times", () => {
  it("shows UTC instants in Beijing time", () => {
    expect(dateTime("2026-12-04T16:30:00Z")).toBe("2026-12-05 00:30");
  });
});

describe("picker times", () => {
  it("reads typed times as Beijing time whatever the browser's zone", () => {
    expect(fromBeijing("2027-12-01 00:00:00")).toBe("2027-11-30T16:00:00.000Z");
    expect(fromBeijing("2027-12-31 23:59:59")).toBe("2027-12-31T15:59:59.000Z");
  });
});

describe("workbench dates without dayjs", () => {
  it("formats calendar days and the Beijing hour", () => {
    expect(monthDay("2026-12-04")).toBe("12-04");
    expect(chineseDate("2026-02-09")).toBe("2026年2月9日");
    expect(beijingHour(new Date("2026-12-04T16:30:00Z"))).toBe(0);
    expect(beijingHour(new Date("2026-12-04T03:00:00Z"))).toBe(11);
  });
});
