import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  { path: "analytics/rfm", name: "analytics-rfm", component: () => import("./RfmPage.vue"), meta: { title: "客户价值", permission: "analytics.customer:view" } },
  { path: "analytics/churn", name: "analytics-churn", component: () => import("./ChurnPage.vue"), meta: { title: "流失分析", permission: "analytics.customer:view" } },
  {
    path: "analytics/acquisition",
    name: "analytics-acquisition",
    component: () => import("./AcquisitionPage.vue"),
    meta: { title: "获客分析", permission: "analytics.customer:view" },
  },
];

export default routes;
