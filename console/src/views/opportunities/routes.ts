import type { RouteRecordRaw } from "vue-router";

const view = "sales.opportunity:view";
const routes: RouteRecordRaw[] = [
  { path: "opportunities", name: "opportunities", component: () => import("./OpportunitiesPage.vue"), meta: { title: "商机", permission: view } },
  { path: "opportunities/board", name: "opportunity-board", component: () => import("./BoardPage.vue"), meta: { title: "商机看板", permission: view } },
  { path: "opportunities/reports", name: "opportunity-reports", component: () => import("./ReportsPage.vue"), meta: { title: "销售漏斗与预测", permission: view } },
  { path: "opportunities/stages", name: "opportunity-stages", component: () => import("./StagesPage.vue"), meta: { title: "商机阶段", permission: "sales.opportunity:view" } },
  { path: "opportunities/:id(\\d+)", name: "opportunity-detail", component: () => import("./OpportunityDetailPage.vue"), meta: { title: "商机详情", permission: view } },
];

export default routes;
