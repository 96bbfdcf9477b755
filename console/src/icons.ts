// The menu's icons by the names the API's nav sends. Only these are bundled (not the whole set),
// in a chunk loaded after the first paint.
import { Document } from "@element-plus/icons-vue";
import type { Component } from "vue";
import * as set from "./iconSet";

export const ICONS: Record<string, Component> = { ...set };

export function icon(name: string | null | undefined): Component {
  return (name && ICONS[name]) || Document;
}
