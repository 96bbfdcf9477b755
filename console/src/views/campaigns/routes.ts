import type { RouteRecordRaw } from "vue-router";

const page = (path: string, name: string, title: string, permission: string, component: RouteRecordRaw["component"]): RouteRecordRaw =>
  ({ path: `campaigns/${path}`, name: `campaigns-${name}`, component, meta: { title, permission } }) as RouteRecordRaw;

const routes: RouteRecordRaw[] = [
  page("segments", "segments", "人群", "campaigns.segment:view", () => import("./SegmentsPage.vue")),
  page("segments/new", "segment-new", "新建人群", "campaigns.segment:create", () => import("./SegmentEditorPage.vue")),
  page("segments/:id(\\d+)", "segment", "编辑人群", "campaigns.segment:view", () => import("./SegmentEditorPage.vue")),
];

export default routes;
