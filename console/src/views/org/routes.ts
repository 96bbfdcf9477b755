import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  {
    path: "departments",
    name: "departments",
    component: () => import("./DepartmentsPage.vue"),
    meta: { title: "部门", permission: "org.department:view" },
  },
  {
    path: "positions",
    name: "positions",
    component: () => import("./PositionsPage.vue"),
    meta: { title: "岗位", permission: "org.position:view" },
  },
  {
    path: "staff",
    name: "staff",
    component: () => import("./StaffPage.vue"),
    meta: { title: "员工", permission: "org.staff:view" },
  },
  {
    path: "staff/:id(\\d+)",
    name: "staff-detail",
    component: () => import("./StaffDetailPage.vue"),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { title: "员工详情", permission: "org.staff:view" },
  },
  {
    path: "guides",
    name: "guides",
    component: () => import("./GuidesPage.vue"),
    meta: { title: "导购", permission: "org.staff:view" },
  },
  {
    path: "roles",
    name: "roles",
    component: () => import("./RolesPage.vue"),
    meta: { title: "角色与权限", permission: "org.role:view" },
  },
  {
    path: "roles/new",
    name: "role-new",
    component: () => import("./RoleEditPage.vue"),
    props: { id: null },
    meta: { title: "新建角色", permission: "org.role:create" },
  },
  {
    path: "roles/:id(\\d+)",
    name: "role-edit",
    component: () => import("./RoleEditPage.vue"),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { title: "编辑角色", permission: "org.role:view" },
  },
  {
    path: "stores",
    name: "stores",
    component: () => import("./StoresPage.vue"),
    meta: { title: "门店", permission: "org.store:view" },
  },
  {
    path: "stores/:id(\\d+)",
    name: "store-detail",
    component: () => import("./StoreDetailPage.vue"),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { title: "门店详情", permission: "org.store:view" },
  },
];

export default routes;
