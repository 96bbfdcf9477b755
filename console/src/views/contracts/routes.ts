import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  { path: "contracts", name: "contracts", component: () => import("./ContractsPage.vue"), meta: { title: "合同", permission: "sales.contract:view" } },
  { path: "contracts/new", name: "contract-new", component: () => import("./ContractPage.vue"), meta: { title: "新建合同", permission: "sales.contract:view" } },
  { path: "contracts/:id(\\d+)", name: "contract", component: () => import("./ContractPage.vue"), meta: { title: "合同", permission: "sales.contract:view" } },
];

export default routes;
