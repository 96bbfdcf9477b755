// Who is signed in: the session (cookie + CSRF token) and what they may see and do.
import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { api, call, setCsrfToken } from "@/api/client";
import type { components } from "@/api/schema";

export type Me = components["schemas"]["MeRead"];
export type NavEntry = Me["nav"][number];

export const useSession = defineStore("session", () => {
  const me = ref<Me | null>(null);
  const loaded = ref(false);

  function adopt(session: { csrf_token: string; me: Me } | null): void {
    setCsrfToken(session?.csrf_token ?? "");
    me.value = session?.me ?? null;
    loaded.value = true;
  }

  async function load(): Promise<Me | null> {
    if (loaded.value) return me.value;
    const { data, response } = await api.GET("/api/v1/auth/session");
    adopt(response.ok && data ? data : null);
    return me.value;
  }

  async function login(username: string, password: string): Promise<void> {
    adopt(await call(api.POST("/api/v1/auth/session", { body: { username, password } })));
  }

  async function logout(): Promise<void> {
    await api.DELETE("/api/v1/auth/session");
    adopt(null);
  }

  function forget(): void {
    adopt(null);
  }

  const permissions = computed(() => new Set(me.value?.permissions ?? []));
  function can(permission: string | null | undefined): boolean {
    return !permission || permissions.value.has("*") || permissions.value.has(permission);
  }

  return { me, loaded, load, login, logout, forget, can };
});
