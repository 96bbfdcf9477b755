import type { RouteRecordRaw } from "vue-router";

const meta = (title: string) => ({ title, permission: "analytics.customer:view" });

const routes: RouteRecordRaw[] = [
  { path: "analytics/rfm", name: "analytics-rfm", component: () => import("./RfmPage.vue"), meta: meta("客户价值") },
  { path: "analytics/churn", name: "analytics-churn", component: () => import("./ChurnPage.vue"), meta: meta("流失分析") },
  { path: "analytics/acquisition", name: "analytics-acquisition", component: () => import("./AcquisitionPage.vue"), meta: meta("获客分析") },
];

export default routes;
