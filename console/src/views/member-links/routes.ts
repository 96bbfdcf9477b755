import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  {
    path: "customers/member-conflicts",
    name: "member-link-conflicts",
    component: () => import("./ConflictsPage.vue"),
    meta: { title: "关联冲突", permission: "customers.member_link:view" },
  },
];

export default routes;
