import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  { path: "orders", name: "orders", component: () => import("./OrdersPage.vue"), meta: { title: "订单", permission: "sales.b2b_order:view" } },
  { path: "orders/new", name: "order-new", component: () => import("./OrderCreatePage.vue"), meta: { title: "创建订单", permission: "sales.b2b_order:view" } },
  { path: "orders/:id(\\d+)", name: "order", component: () => import("./OrderPage.vue"), meta: { title: "订单", permission: "sales.b2b_order:view" } },
];

export default routes;
