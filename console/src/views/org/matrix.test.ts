import { describe, expect, it } from "vitest";
import { buildMatrix, toggleAll } from "./matrix";

const p = (group: string, resource: string, action: string) => ({
  code: `${resource}:${action}`,
  label: "",
  group,
  resource,
  resource_label: resource + "名",
  action,
  action_label: "",
});

describe("buildMatrix", () => {
  it("groups resources by area with one cell per action", () => {
    const groups = buildMatrix([p("组织", "org.staff", "view"), p("组织", "org.staff", "edit"), p("系统", "system.audit", "view")]);
    expect(groups).toEqual([
      { name: "组织", rows: [{ resource: "org.staff", label: "org.staff名", cells: { view: "org.staff:view", edit: "org.staff:edit" } }] },
      { name: "系统", rows: [{ resource: "system.audit", label: "system.audit名", cells: { view: "system.audit:view" } }] },
    ]);
  });
});

describe("toggleAll", () => {
  it("turns all on when some are off, and all off when all are on", () => {
    const some = toggleAll(new Set(["a"]), ["a", "b"]);
    expect([...some].sort()).toEqual(["a", "b"]);
    expect([...toggleAll(some, ["a", "b"])]).toEqual([]);
  });
});
