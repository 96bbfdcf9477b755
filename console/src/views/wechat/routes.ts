import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  {
    path: "wechat/accounts",
    name: "wechat-accounts",
    component: () => import("./AccountsPage.vue"),
    meta: { title: "公众号", permission: "wechat.account:view" },
  },
  {
    path: "wechat/qrcodes",
    name: "wechat-qrcodes",
    component: () => import("./QrCodesPage.vue"),
    meta: { title: "渠道二维码", permission: "wechat.qrcode:view" },
  },
  {
    path: "wechat/qrcodes/:id(\\d+)",
    name: "wechat-qrcode",
    component: () => import("./QrCodeDetailPage.vue"),
    meta: { title: "二维码详情", permission: "wechat.qrcode:view" },
  },
  {
    path: "wechat/menus",
    name: "wechat-menus",
    component: () => import("./MenusPage.vue"),
    meta: { title: "自定义菜单", permission: "wechat.menu:view" },
  },
  {
    path: "wechat/templates",
    name: "wechat-templates",
    component: () => import("./MessageTemplatesPage.vue"),
    meta: { title: "模板消息", permission: "wechat.template:view" },
  },
  {
    path: "wechat/replies",
    name: "wechat-replies",
    component: () => import("./RepliesPage.vue"),
    meta: { title: "自动回复", permission: "wechat.autoreply:view" },
  },
  {
    path: "wechat/fans",
    name: "wechat-fans",
    component: () => import("./FansPage.vue"),
    meta: { title: "粉丝", permission: "wechat.fan:view" },
  },
  {
    path: "wechat/fans/:id(\\d+)",
    name: "wechat-fan",
    component: () => import("./FanDetailPage.vue"),
    meta: { title: "粉丝详情", permission: "wechat.fan:view" },
  },
  {
    path: "wechat/portrait",
    name: "wechat-portrait",
    component: () => import("./PortraitPage.vue"),
    meta: { title: "粉丝画像", permission: "wechat.fan:view" },
  },
  {
    path: "wechat/inbox",
    name: "wechat-inbox",
    component: () => import("./InboxPage.vue"),
    meta: { title: "消息列表", permission: "wechat.inbox:view" },
  },
];

export default routes;
