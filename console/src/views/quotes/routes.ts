import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  { path: "quotes", name: "quotes", component: () => import("./QuotesPage.vue"), meta: { title: "报价单", permission: "sales.quote:view" } },
  { path: "quotes/new", name: "quote-new", component: () => import("./QuoteEditorPage.vue"), meta: { title: "新建报价单", permission: "sales.quote:view" } },
  { path: "quotes/:id(\\d+)", name: "quote-edit", component: () => import("./QuoteEditorPage.vue"), meta: { title: "报价单", permission: "sales.quote:view" } },
  {
    path: "quote-template",
    name: "quote-template",
    component: () => import("./QuoteTemplatePage.vue"),
    meta: { title: "报价单模板", permission: "sales.quote_template:view" },
  },
];

export default routes;
