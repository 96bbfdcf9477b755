import type { RouteRecordRaw } from "vue-router";

// Mass campaigns (群发活动): their own folder, under the campaigns menu's paths.
const page = (path: string, name: string, title: string, permission: string, component: RouteRecordRaw["component"]): RouteRecordRaw =>
  ({ path: `campaigns/mass${path}`, name: `mass-${name}`, component, meta: { title, permission } }) as RouteRecordRaw;

const routes: RouteRecordRaw[] = [
  page("", "list", "群发活动", "campaigns.campaign:view", () => import("./CampaignsPage.vue")),
  page("/new", "new", "新建群发", "campaigns.campaign:create", () => import("./CampaignEditorPage.vue")),
  page("/:id(\\d+)/edit", "edit", "编辑群发", "campaigns.campaign:edit", () => import("./CampaignEditorPage.vue")),
  page("/:id(\\d+)", "detail", "群发详情", "campaigns.campaign:view", () => import("./CampaignDetailPage.vue")),
];

export default routes;
