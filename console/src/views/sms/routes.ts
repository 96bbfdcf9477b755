import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  {
    path: "sms/modems",
    name: "sms-modems",
    component: () => import("./ModemsPage.vue"),
    meta: { title: "短信模块", permission: "sms.modem:view" },
  },
  {
    path: "sms/messages",
    name: "sms-messages",
    component: () => import("./MessagesPage.vue"),
    meta: { title: "短信记录", permission: "sms.message:view" },
  },
  {
    path: "sms/inbox",
    name: "sms-inbox",
    component: () => import("./InboxPage.vue"),
    meta: { title: "短信收件箱", permission: "sms.inbox:view" },
  },
  {
    path: "sms/suppressions",
    name: "sms-suppressions",
    component: () => import("./SuppressionsPage.vue"),
    meta: { title: "退订名单", permission: "sms.suppression:view" },
  },
  {
    path: "sms/templates",
    name: "sms-templates",
    component: () => import("./TemplatesPage.vue"),
    meta: { title: "短信模板", permission: "sms.template:view" },
  },
  {
    path: "sms/calls",
    name: "sms-calls",
    component: () => import("./CallsPage.vue"),
    meta: { title: "来电记录", permission: "sms.call:view" },
  },
];

export default routes;
