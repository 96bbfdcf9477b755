import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  { path: "pool", name: "pool", component: () => import("./PoolPage.vue"), meta: { title: "公海", permission: "customers.pool:view" } },
  {
    path: "pool/rules",
    name: "pool-rules",
    component: () => import("./PoolRulesPage.vue"),
    meta: { title: "公海规则", permission: "customers.pool_rule:view" },
  },
];

export default routes;
