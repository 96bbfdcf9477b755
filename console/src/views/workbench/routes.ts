import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  { path: "", name: "workbench", component: () => import("./WorkbenchPage.vue"), meta: { title: "工作台" } },
];

export default routes;
