import { describe, expect, it } from "vitest";
import { progress } from "./orders";

describe("progress", () => {
  it("rounds down and caps at 100", () => {
    expect([progress(0, 6), progress(4, 6), progress(6, 6), progress(1, 0)]).toEqual([0, 66, 100, 0]);
  });
});
