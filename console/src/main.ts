import { createPinia } from "pinia";
import { createApp } from "vue";
import "element-plus/dist/index.css";
import "element-plus/theme-chalk/dark/css-vars.css";
import "@/styles.css";
import App from "@/App.vue";
import { setUnauthenticatedHandler } from "@/api/client";
import { i18n } from "@/i18n";
import { router } from "@/router";
import { useSession } from "@/stores/session";

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
app.use(router);

setUnauthenticatedHandler(() => {
  useSession().forget();
  const here = router.currentRoute.value;
  if (here.name !== "login") void router.replace({ name: "login", query: { next: here.fullPath } });
});

app.mount("#app");
