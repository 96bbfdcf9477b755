import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  { path: "customers", name: "customers", component: () => import("./CustomersPage.vue"), meta: { title: "客户", permission: "customers.customer:view" } },
  {
    path: "customers/:id(\\d+)",
    name: "customer-detail",
    component: () => import("./CustomerDetailPage.vue"),
    meta: { title: "客户详情", permission: "customers.customer:view" },
  },
];

export default routes;
