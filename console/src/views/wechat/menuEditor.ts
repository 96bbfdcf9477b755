// The custom-menu editor's model, free of Vue: add, remove, move, validate (WeChat's limits, the
// same as wechat/rules.py menu_problems, each problem pinned to its button) and the API's JSON.

export type ButtonType = "click" | "view" | "miniprogram";

export interface MenuButton {
  name: string;
  type: ButtonType;
  key: string;
  url: string;
  appid: string;
  pagepath: string;
  /** Sub-buttons of a top button; a top button with sub-buttons has no action of its own. */
  sub: MenuButton[];
}

/** Where a button is: [top] or [top, sub]. */
export type ButtonPath = [number] | [number, number];

export interface Problem {
  path: ButtonPath | null;
  field: "name" | "key" | "url" | "appid" | "pagepath" | "type" | "menu";
  message: string;
}

export const MAX_TOP = 3;
export const MAX_SUB = 5;
export const TOP_NAME_BYTES = 16;
export const SUB_NAME_BYTES = 60;
export const KEY_BYTES = 128;
export const URL_BYTES = 1024;

export const BUTTON_TYPES: Record<ButtonType, string> = {
  click: "发送消息（点击事件）",
  view: "跳转网页",
  miniprogram: "打开小程序",
};

const encoder = new TextEncoder();
export function bytes(text: string): number {
  return encoder.encode(text).length;
}

export function newButton(name = "菜单名称"): MenuButton {
  return { name, type: "click", key: "", url: "", appid: "", pagepath: "", sub: [] };
}

export function at(menu: MenuButton[], path: ButtonPath): MenuButton | undefined {
  const top = menu[path[0]];
  return path.length === 1 ? top : top?.sub[path[1]];
}

/** Add a top button; the new one's path, or null when the menu already has three. */
export function addTop(menu: MenuButton[]): ButtonPath | null {
  if (menu.length >= MAX_TOP) return null;
  menu.push(newButton());
  return [menu.length - 1];
}

/** Add a sub-button under a top button; null when it already has five. */
export function addSub(menu: MenuButton[], top: number): ButtonPath | null {
  const parent = menu[top];
  if (!parent || parent.sub.length >= MAX_SUB) return null;
  parent.sub.push(newButton("子菜单"));
  return [top, parent.sub.length - 1];
}

export function remove(menu: MenuButton[], path: ButtonPath): void {
  if (path.length === 1) menu.splice(path[0], 1);
  else menu[path[0]]?.sub.splice(path[1], 1);
}

/** Move a button one place left/up (-1) or right/down (+1) among its siblings; its new path. */
export function move(menu: MenuButton[], path: ButtonPath, delta: -1 | 1): ButtonPath {
  const siblings = path.length === 1 ? menu : menu[path[0]]?.sub;
  const index = path.length === 1 ? path[0] : path[1];
  const target = index + delta;
  if (!siblings || target < 0 || target >= siblings.length) return path;
  const [item] = siblings.splice(index, 1);
  siblings.splice(target, 0, item);
  return path.length === 1 ? [target] : [path[0], target];
}

export function pathName(path: ButtonPath): string {
  return path.length === 1 ? `第 ${path[0] + 1} 个一级菜单` : `子菜单 ${path[0] + 1}-${path[1] + 1}`;
}

function actionProblems(button: MenuButton, path: ButtonPath): Problem[] {
  const where = pathName(path);
  const problems: Problem[] = [];
  if (button.type === "view") {
    if (!/^https?:\/\//.test(button.url.trim())) problems.push({ path, field: "url", message: "网址需要以 http:// 或 https:// 开头" });
  } else if (button.type === "miniprogram") {
    if (!button.appid.trim()) problems.push({ path, field: "appid", message: "请填写小程序 AppID" });
    if (!button.pagepath.trim()) problems.push({ path, field: "pagepath", message: "请填写小程序页面路径" });
    if (!/^https?:\/\//.test(button.url.trim()))
      problems.push({ path, field: "url", message: "请填写备用网页（旧版微信打不开小程序时打开），以 http(s):// 开头" });
  } else if (button.type === "click") {
    if (!button.key.trim()) problems.push({ path, field: "key", message: "请填写菜单 key（点击时推送给服务器）" });
  } else {
    problems.push({ path, field: "type", message: `${where} 的类型无效` });
  }
  if (bytes(button.key.trim()) > KEY_BYTES) problems.push({ path, field: "key", message: `key 不能超过 ${KEY_BYTES} 字节` });
  if (bytes(button.url.trim()) > URL_BYTES) problems.push({ path, field: "url", message: `网址不能超过 ${URL_BYTES} 字节` });
  return problems;
}

/** Every broken limit, pinned to its button and field; empty when the menu can be published. */
export function validate(menu: MenuButton[]): Problem[] {
  const problems: Problem[] = [];
  if (menu.length < 1 || menu.length > MAX_TOP) problems.push({ path: null, field: "menu", message: "一级菜单需要 1～3 个" });
  menu.forEach((top, i) => {
    const path: ButtonPath = [i];
    const name = top.name.trim();
    if (!name) problems.push({ path, field: "name", message: "请填写菜单名称" });
    else if (bytes(name) > TOP_NAME_BYTES)
      problems.push({ path, field: "name", message: `一级菜单名称不超过 ${TOP_NAME_BYTES} 字节（约 5 个汉字），现在 ${bytes(name)} 字节` });
    if (top.sub.length > MAX_SUB) problems.push({ path, field: "menu", message: `子菜单最多 ${MAX_SUB} 个` });
    top.sub.forEach((sub, j) => {
      const subPath: ButtonPath = [i, j];
      const subName = sub.name.trim();
      if (!subName) problems.push({ path: subPath, field: "name", message: "请填写子菜单名称" });
      else if (bytes(subName) > SUB_NAME_BYTES)
        problems.push({ path: subPath, field: "name", message: `子菜单名称不超过 ${SUB_NAME_BYTES} 字节（约 20 个汉字）` });
      problems.push(...actionProblems(sub, subPath));
    });
    if (!top.sub.length) problems.push(...actionProblems(top, path));
  });
  return problems;
}

/** The problems of one button (for the message under it in the editor). */
export function problemsAt(problems: Problem[], path: ButtonPath): Problem[] {
  return problems.filter((p) => p.path && p.path.length === path.length && p.path.every((v, k) => v === path[k]));
}

function action(button: MenuButton): Record<string, string> {
  const name = button.name.trim();
  if (button.type === "view") return { type: "view", name, url: button.url.trim() };
  if (button.type === "miniprogram")
    return { type: "miniprogram", name, url: button.url.trim(), appid: button.appid.trim(), pagepath: button.pagepath.trim() };
  return { type: "click", name, key: button.key.trim() };
}

/** The `button` array of WeChat's menu/create, as the API stores it. */
export function toApi(menu: MenuButton[]): Record<string, unknown>[] {
  return menu.map((top) =>
    top.sub.length ? { name: top.name.trim(), sub_button: top.sub.map(action) } : action(top),
  );
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function fromOne(raw: Record<string, unknown>): MenuButton {
  const type = raw.type === "view" || raw.type === "miniprogram" ? raw.type : "click";
  return {
    name: text(raw.name),
    type,
    key: text(raw.key),
    url: text(raw.url),
    appid: text(raw.appid),
    pagepath: text(raw.pagepath),
    sub: [],
  };
}

/** A stored menu back into the editor's model. */
export function fromApi(buttons: Record<string, unknown>[]): MenuButton[] {
  return buttons.map((raw) => {
    const button = fromOne(raw);
    const subs = Array.isArray(raw.sub_button) ? (raw.sub_button as Record<string, unknown>[]) : [];
    button.sub = subs.map(fromOne);
    return button;
  });
}

/** Conditional-menu match rule. WeChat refuses sex/country/province/city/language (65320) since
 * 2021 for privacy, so only the fan tag and the client platform remain. */
export interface MatchRule {
  tag_id: number | null;
  client_platform_type: "" | "1" | "2" | "3";
}

export const CLIENT_PLATFORMS: Record<string, string> = { "1": "iOS", "2": "Android", "3": "其他（Windows、Mac 等）" };

export function matchRuleProblems(rule: MatchRule): string[] {
  return rule.tag_id === null && !rule.client_platform_type ? ["个性化菜单至少需要一个匹配条件"] : [];
}
