// zh-CN first, English second. Each feature folder may add its own messages in
// views/<feature>/messages.ts ({ zh: {...}, en: {...} }), merged under the feature's name.
import { createI18n } from "vue-i18n";

const shell = {
  zh: {
    app: { title: "SCRM 管理后台", brand: "社交 CRM" },
    common: {
      search: "搜索",
      reset: "重置",
      create: "新建",
      edit: "编辑",
      delete: "删除",
      save: "保存",
      cancel: "取消",
      confirm: "确定",
      export: "导出 Excel",
      actions: "操作",
      loading: "加载中…",
      empty: "暂无数据",
      saved: "已保存",
      deleted: "已删除",
      confirmDelete: "确定删除吗？此操作不可撤销。",
      yes: "是",
      no: "否",
      all: "全部",
      status: "状态",
      back: "返回",
      more: "更多",
    },
    auth: {
      login: "登录",
      logout: "退出登录",
      username: "用户名",
      password: "密码",
      usernameRequired: "请输入用户名",
      passwordRequired: "请输入密码",
      welcome: "欢迎回来",
      subtitle: "公众号粉丝、会员、营销与客户，一处管理",
    },
    shell: { language: "English", collapse: "收起菜单", notFound: "页面不存在", home: "返回工作台" },
  },
  en: {
    app: { title: "SCRM Console", brand: "Social CRM" },
    common: {
      search: "Search",
      reset: "Reset",
      create: "New",
      edit: "Edit",
      delete: "Delete",
      save: "Save",
      cancel: "Cancel",
      confirm: "OK",
      export: "Export Excel",
      actions: "Actions",
      loading: "Loading…",
      empty: "No data",
      saved: "Saved",
      deleted: "Deleted",
      confirmDelete: "Delete this? It cannot be undone.",
      yes: "Yes",
      no: "No",
      all: "All",
      status: "Status",
      back: "Back",
      more: "More",
    },
    auth: {
      login: "Sign in",
      logout: "Sign out",
      username: "Username",
      password: "Password",
      usernameRequired: "Enter your username",
      passwordRequired: "Enter your password",
      welcome: "Welcome back",
      subtitle: "Fans, members, marketing and customers in one place",
    },
    shell: { language: "中文", collapse: "Collapse menu", notFound: "Page not found", home: "Back to workbench" },
  },
};

type Messages = Record<string, unknown>;
type Context = { named: (key: string) => unknown };

/** Messages as functions ("{name}" read from the named arguments): the runtime-only vue-i18n
 * build needs no message compiler for these. */
export function compile(tree: Messages): Messages {
  const out: Messages = {};
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === "string") {
      const parts = value.split(/(\{\w+\})/);
      out[key] = (ctx: Context) =>
        parts.map((part) => (/^\{\w+\}$/.test(part) ? String(ctx.named(part.slice(1, -1)) ?? "") : part)).join("");
    } else out[key] = compile(value as Messages);
  }
  return out;
}
const features = import.meta.glob<{ default: { zh: Messages; en: Messages } }>("../views/*/messages.ts", {
  eager: true,
});
const zh: Messages = { ...shell.zh };
const en: Messages = { ...shell.en };
for (const [path, module] of Object.entries(features)) {
  const name = path.split("/")[2];
  zh[name] = module.default.zh;
  en[name] = module.default.en;
}

export const LANG_KEY = "scrm_lang";
export const i18n = createI18n({
  legacy: false,
  locale: localStorage.getItem(LANG_KEY) === "en" ? "en" : "zh",
  fallbackLocale: "zh",
  messages: { zh: compile(zh), en: compile(en) } as never,
});
