import type { RouteRecordRaw } from "vue-router";

const page = (path: string, name: string, title: string, permission: string, component: RouteRecordRaw["component"]): RouteRecordRaw =>
  ({ path: `loyalty/${path}`, name: `loyalty-${name}`, component, meta: { title, permission } }) as RouteRecordRaw;

const routes: RouteRecordRaw[] = [
  page("points", "points", "会员积分", "loyalty.points:view", () => import("./PointsPage.vue")),
  page("program", "program", "等级与积分规则", "loyalty.program:view", () => import("./ProgramPage.vue")),
  page("coupons", "coupons", "优惠券", "loyalty.coupon:view", () => import("./CouponsPage.vue")),
  page("lotteries", "lotteries", "大转盘", "loyalty.lottery:view", () => import("./LotteriesPage.vue")),
  page("lotteries/:id(\\d+)", "lottery", "抽奖活动", "loyalty.lottery:view", () => import("./LotteryPage.vue")),
  page("mall", "mall", "积分商城", "loyalty.mall:view", () => import("./MallPage.vue")),
  page("fulfilment", "fulfilment", "奖品与兑换履约", "loyalty.mall:view", () => import("./FulfilmentPage.vue")),
  page("red-packets", "red-packets", "微信红包", "loyalty.redpacket:view", () => import("./RedPacketsPage.vue")),
];

export default routes;
