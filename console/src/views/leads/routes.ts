import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  { path: "leads", name: "leads", component: () => import("./LeadsPage.vue"), meta: { title: "线索", permission: "sales.lead:view" } },
];

export default routes;
