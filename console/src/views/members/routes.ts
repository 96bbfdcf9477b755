import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  { path: "members", name: "members", component: () => import("./MembersPage.vue"), meta: { title: "会员列表", permission: "members.member:view" } },
  {
    path: "members/profile-rewards",
    name: "member-profile-rewards",
    component: () => import("./ProfileRewardsPage.vue"),
    meta: { title: "资料奖励", permission: "members.member:view" },
  },
  {
    path: "members/center",
    name: "member-center",
    component: () => import("./MemberCenterPage.vue"),
    meta: { title: "会员中心装修", permission: "members.center:view" },
  },
  {
    path: "members/:id(\\d+)",
    name: "member-detail",
    component: () => import("./MemberDetailPage.vue"),
    meta: { title: "会员详情", permission: "members.member:view" },
  },
];

export default routes;
