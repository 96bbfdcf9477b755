import { fileURLToPath, URL } from "node:url";
import vue from "@vitejs/plugin-vue";
import AutoImport from "unplugin-auto-import/vite";
import { ElementPlusResolver } from "unplugin-vue-components/resolvers";
import Components from "unplugin-vue-components/vite";
import { defineConfig } from "vitest/config";

// The console is served by FastAPI under /admin; during `npm run dev` the API is proxied.
export default defineConfig({
  base: "/admin/",
  plugins: [
    vue(),
    // Element Plus components and their styles are imported where they are used, so each
    // route's chunk carries only what it needs (bench/console.py measures the first load); the
    // stylesheet is imported whole in main.ts (CSS, not script, and services like ElMessage need it).
    AutoImport({ resolvers: [ElementPlusResolver({ importStyle: false })], dts: false }),
    Components({ resolvers: [ElementPlusResolver({ importStyle: false })], dts: false }),
  ],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    // bench/console.py reads the manifest to weigh what the first /admin load fetches.
    manifest: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes("node_modules/echarts") || id.includes("node_modules/zrender")) return "echarts";
          if (id.includes("element-china-area-data")) return "regions";
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8000", "/h5": "http://127.0.0.1:8000" },
  },
  test: { environment: "jsdom" },
});
