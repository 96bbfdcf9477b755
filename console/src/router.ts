// Routes: the shell's own, plus each feature's views/<feature>/routes.ts (children of the layout).
// meta.permission hides a route from staff without it; the API refuses them the same way.
import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";
import { useSession } from "@/stores/session";

declare module "vue-router" {
  interface RouteMeta {
    title?: string;
    permission?: string;
    public?: boolean;
  }
}

const features = import.meta.glob<{ default: RouteRecordRaw[] }>("./views/*/routes.ts", { eager: true });
const featureRoutes = Object.values(features).flatMap((module) => module.default);

export const routes: RouteRecordRaw[] = [
  {
    path: "/login",
    name: "login",
    component: () => import("@/views/system/LoginPage.vue"),
    meta: { public: true, title: "登录" },
  },
  {
    path: "/",
    component: () => import("@/layouts/ConsoleLayout.vue"),
    children: [
      ...featureRoutes,
      {
        path: "forbidden",
        name: "forbidden",
        component: () => import("@/views/system/ForbiddenPage.vue"),
        meta: { title: "没有权限" },
      },
      {
        path: ":rest(.*)*",
        name: "not-found",
        component: () => import("@/views/system/NotFoundPage.vue"),
        meta: { title: "页面不存在" },
      },
    ],
  },
];

export const router = createRouter({ history: createWebHistory("/admin/"), routes });

router.beforeEach(async (to) => {
  const session = useSession();
  const me = await session.load();
  if (to.meta.public) return me && to.name === "login" ? { path: "/" } : true;
  if (!me) return { name: "login", query: to.fullPath === "/" ? {} : { next: to.fullPath } };
  if (!session.can(to.meta.permission)) return { name: "forbidden", query: { from: to.fullPath } };
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · SCRM` : "SCRM 管理后台";
});

/** A console path from the API's nav ("/admin/stores") that this app renders, or null. */
export function spaPath(href: string): string | null {
  const path = href.replace(/^\/admin/, "") || "/";
  const match = router.resolve(path);
  return match.name === "not-found" ? null : path;
}
