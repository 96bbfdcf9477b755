import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  { path: "products", name: "products", component: () => import("./ProductsPage.vue"), meta: { title: "产品", permission: "catalog.product:view" } },
  {
    path: "product-categories",
    name: "product-categories",
    component: () => import("./CategoriesPage.vue"),
    meta: { title: "产品分类", permission: "catalog.setting:view" },
  },
  {
    path: "till-codes",
    name: "till-codes",
    component: () => import("./TillCodesPage.vue"),
    meta: { title: "收银编码映射", permission: "catalog.setting:view" },
  },
];

export default routes;
