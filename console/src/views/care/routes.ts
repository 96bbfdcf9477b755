import type { RouteRecordRaw } from "vue-router";

// Care messages live in their own folder: console/src/views/campaigns/ belongs to segments.
const routes: RouteRecordRaw[] = [
  {
    path: "care/settings",
    name: "care-settings",
    component: () => import("./CareSettingsPage.vue"),
    meta: { title: "关怀消息", permission: "campaigns.care:view" },
  },
  {
    path: "care/deliveries",
    name: "care-deliveries",
    component: () => import("./DeliveriesPage.vue"),
    meta: { title: "发送记录", permission: "campaigns.delivery:view" },
  },
];

export default routes;
