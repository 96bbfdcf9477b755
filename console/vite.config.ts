import { fileURLToPath, URL } from "node:url";
import vue from "@vitejs/plugin-vue";
import AutoImport from "unplugin-auto-import/vite";
import { ElementPlusResolver } from "unplugin-vue-components/resolvers";
import Components from "unplugin-vue-components/vite";
import { defineConfig, type Plugin } from "vitest/config";

// The one Element Plus component written with the Options API, which this build leaves out:
// its import is answered by a Composition API copy (src/vendor/treeSelectOption.ts).
const treeSelectOption: Plugin = {
  name: "scrm-tree-select-option",
  enforce: "pre",
  resolveId(source, importer) {
    if (source === "./tree-select-option.mjs" && importer?.includes("tree-select")) {
      return fileURLToPath(new URL("./src/vendor/treeSelectOption.ts", import.meta.url));
    }
    return null;
  },
};

// The console is served by FastAPI under /admin; during `npm run dev` the API is proxied.
export default defineConfig({
  base: "/admin/",
  plugins: [
    treeSelectOption,
    vue(),
    // Element Plus components and their styles are imported where they are used, so each
    // route's chunk carries only what it needs (bench/console.py measures the first load); the
    // stylesheet is imported whole in main.ts (CSS, not script, and services like ElMessage need it).
    AutoImport({ resolvers: [ElementPlusResolver({ importStyle: false })], dts: false }),
    Components({ resolvers: [ElementPlusResolver({ importStyle: false })], dts: false }),
  ],
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("./src", import.meta.url)),
      // The runtime-only build: src/i18n turns messages into functions, so the message
      // compiler (a quarter of vue-i18n's weight) is not shipped.
      "vue-i18n": "vue-i18n/dist/vue-i18n.runtime.esm-bundler.js",
    },
  },
  define: {
    __INTLIFY_DROP_MESSAGE_COMPILER__: true,
    __INTLIFY_JIT_COMPILATION__: false,
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_OPTIONS_API__: false,
  },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    // bench/console.py reads the manifest to weigh what the first /admin load fetches.
    manifest: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      // Each icon module calls defineComponent at its top level, which Rollup must otherwise
      // keep: declared pure, the ~300 icons Element Plus re-exports shrink to those used.
      treeshake: { moduleSideEffects: (id) => !id.includes("@element-plus/icons-vue") },
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
