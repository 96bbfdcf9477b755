import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  {
    path: "audit",
    name: "audit",
    component: () => import("./AuditPage.vue"),
    meta: { title: "审计日志", permission: "system.audit:view" },
  },
];

export default routes;
