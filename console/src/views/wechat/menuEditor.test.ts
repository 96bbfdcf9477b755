import { describe, expect, it } from "vitest";
import {
  addSub,
  addTop,
  bytes,
  fromApi,
  matchRuleProblems,
  move,
  newButton,
  problemsAt,
  remove,
  toApi,
  validate,
  type MenuButton,
} from "./menuEditor";

function full(): MenuButton[] {
  const menu: MenuButton[] = [];
  for (let i = 0; i < 3; i++) {
    addTop(menu);
    menu[i].name = `菜单${i + 1}`;
    for (let j = 0; j < 5; j++) {
      addSub(menu, i);
      Object.assign(menu[i].sub[j], { name: `子${i + 1}-${j + 1}`, type: "click", key: `K${i + 1}${j + 1}` });
    }
  }
  return menu;
}

describe("adding and removing", () => {
  it("stops at 3 top buttons and 5 sub-buttons", () => {
    const menu = full();
    expect(addTop(menu)).toBeNull();
    expect(addSub(menu, 0)).toBeNull();
    expect(menu.length).toBe(3);
    expect(menu.map((b) => b.sub.length)).toEqual([5, 5, 5]);
    expect(validate(menu)).toEqual([]);
  });

  it("returns the new button's path", () => {
    const menu: MenuButton[] = [];
    expect(addTop(menu)).toEqual([0]);
    expect(addTop(menu)).toEqual([1]);
    expect(addSub(menu, 1)).toEqual([1, 0]);
    expect(addSub(menu, 5)).toBeNull();
  });

  it("removes a sub-button or a whole top button", () => {
    const menu = full();
    remove(menu, [1, 2]);
    expect(menu[1].sub.map((s) => s.key)).toEqual(["K21", "K22", "K24", "K25"]);
    remove(menu, [0]);
    expect(menu.map((b) => b.name)).toEqual(["菜单2", "菜单3"]);
  });
});

describe("moving", () => {
  it("swaps siblings and follows the moved button", () => {
    const menu = full();
    expect(move(menu, [0], 1)).toEqual([1]);
    expect(menu.map((b) => b.name)).toEqual(["菜单2", "菜单1", "菜单3"]);
    expect(move(menu, [2, 4], -1)).toEqual([2, 3]);
    expect(menu[2].sub.map((s) => s.key)).toEqual(["K31", "K32", "K33", "K35", "K34"]);
  });

  it("stays put at either end", () => {
    const menu = full();
    expect(move(menu, [0], -1)).toEqual([0]);
    expect(move(menu, [2], 1)).toEqual([2]);
    expect(move(menu, [1, 4], 1)).toEqual([1, 4]);
    expect(menu.map((b) => b.name)).toEqual(["菜单1", "菜单2", "菜单3"]);
  });
});

describe("validation", () => {
  it("counts bytes as WeChat does (UTF-8)", () => {
    expect(bytes("abc")).toBe(3);
    expect(bytes("会员中心")).toBe(12);
  });

  it("needs at least one top button", () => {
    expect(validate([])).toEqual([{ path: null, field: "menu", message: "一级菜单需要 1～3 个" }]);
  });

  it("pins each problem to its button and field", () => {
    const menu: MenuButton[] = [newButton("会员中心会员"), newButton("官网")];
    menu[0].key = "VIP";
    menu[1].type = "view";
    menu[1].url = "www.example.com";
    addSub(menu, 0);
    menu[0].sub[0] = { ...newButton(""), type: "miniprogram", appid: "wx123", pagepath: "", url: "https://m.example.com" };
    const problems = validate(menu);
    expect(problems).toEqual([
      { path: [0], field: "name", message: "一级菜单名称不超过 16 字节（约 5 个汉字），现在 18 字节" },
      { path: [0, 0], field: "name", message: "请填写子菜单名称" },
      { path: [0, 0], field: "pagepath", message: "请填写小程序页面路径" },
      { path: [1], field: "url", message: "网址需要以 http:// 或 https:// 开头" },
    ]);
    expect(problemsAt(problems, [0, 0]).map((p) => p.field)).toEqual(["name", "pagepath"]);
    expect(problemsAt(problems, [1]).map((p) => p.field)).toEqual(["url"]);
    expect(problemsAt(problems, [2])).toEqual([]);
  });

  it("asks a click button for its key, but not a top button with sub-buttons", () => {
    const menu: MenuButton[] = [newButton("服务")];
    expect(validate(menu)).toEqual([{ path: [0], field: "key", message: "请填写菜单 key（点击时推送给服务器）" }]);
    addSub(menu, 0);
    menu[0].sub[0].key = "SERVICE";
    expect(validate(menu)).toEqual([]);
  });

  it("needs a match condition for a conditional menu", () => {
    expect(matchRuleProblems({ tag_id: null, client_platform_type: "" })).toEqual(["个性化菜单至少需要一个匹配条件"]);
    expect(matchRuleProblems({ tag_id: 2, client_platform_type: "" })).toEqual([]);
    expect(matchRuleProblems({ tag_id: null, client_platform_type: "1" })).toEqual([]);
  });
});

describe("API JSON", () => {
  it("writes only the fields of each button's type, trimmed", () => {
    const menu: MenuButton[] = [newButton(" 门店 "), newButton("官网"), newButton("更多")];
    menu[0].key = " STORES ";
    menu[0].url = "left over from another type";
    Object.assign(menu[1], { type: "view", url: "https://example.com" });
    addSub(menu, 2);
    Object.assign(menu[2].sub[0], { name: "小程序", type: "miniprogram", appid: "wxabc", pagepath: "pages/index", url: "https://m.example.com" });
    addSub(menu, 2);
    Object.assign(menu[2].sub[1], { name: "客服", key: "SERVICE" });
    expect(toApi(menu)).toEqual([
      { type: "click", name: "门店", key: "STORES" },
      { type: "view", name: "官网", url: "https://example.com" },
      {
        name: "更多",
        sub_button: [
          { type: "miniprogram", name: "小程序", url: "https://m.example.com", appid: "wxabc", pagepath: "pages/index" },
          { type: "click", name: "客服", key: "SERVICE" },
        ],
      },
    ]);
  });

  it("reads a stored menu back unchanged", () => {
    const stored = toApi(full());
    expect(toApi(fromApi(stored))).toEqual(stored);
    expect(fromApi([{ name: "扫一扫", type: "scancode_push", key: "SCAN" }])[0]).toMatchObject({ type: "click", key: "SCAN", sub: [] });
  });
});
