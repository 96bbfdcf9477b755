import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  {
    path: "stores",
    name: "stores",
    component: () => import("./StoresPage.vue"),
    meta: { title: "门店", permission: "org.store:view" },
  },
];

export default routes;
