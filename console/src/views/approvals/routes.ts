import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  { path: "approvals", name: "approvals", component: () => import("./ApprovalCenterPage.vue"), meta: { title: "审批中心", permission: "approvals.request:view" } },
  {
    path: "approvals/flows",
    name: "approval-flows",
    component: () => import("./ApprovalFlowsPage.vue"),
    meta: { title: "审批流程", permission: "approvals.flow:view" },
  },
  {
    path: "approvals/:id(\\d+)",
    name: "approval-detail",
    component: () => import("./ApprovalDetailPage.vue"),
    meta: { title: "审批详情", permission: "approvals.request:view" },
  },
];

export default routes;
