import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  { path: "reviews", name: "reviews", component: () => import("./ReviewsPage.vue"), meta: { title: "评价管理", permission: "analytics.review:view" } },
  { path: "review-cloud", name: "review-cloud", component: () => import("./ReviewCloudPage.vue"), meta: { title: "评价词云", permission: "analytics.review:view" } },
  { path: "review-words", name: "review-words", component: () => import("./ReviewWordsPage.vue"), meta: { title: "分词词典", permission: "analytics.review:edit" } },
];

export default routes;
