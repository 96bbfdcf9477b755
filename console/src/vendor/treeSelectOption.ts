// Element Plus's tree-select option, in the Composition API. Upstream writes it with `extends`
// and `methods`, which this build compiles out (__VUE_OPTIONS_API__: false keeps the first load
// under budget), leaving tree-select drop-downs with unclickable, prop-less options.
// vite.config.ts points Element Plus's own import at this file; the behaviour is upstream's.
import { ElOption } from "element-plus/es/components/select/index.mjs";
import { defineComponent, getCurrentInstance, nextTick, watch, type SetupContext } from "vue";

type OptionSetup = (props: unknown, ctx: unknown) => Record<string, any>;

export default defineComponent({
  ...(ElOption as any),
  setup(props: Record<string, unknown>, ctx: SetupContext) {
    const result = ((ElOption as any).setup as OptionSetup)(props, ctx);
    const vm = getCurrentInstance()!.proxy as any;
    // A click on the option goes to the tree node around it, which selects it.
    result.selectOptionClick = () => (vm.$el as HTMLElement).parentElement?.click();
    void nextTick(() => {
      if (!result.select.states.cachedOptions.get(vm.value)) result.select.onOptionCreate(vm);
    });
    watch(
      () => ctx.attrs.visible,
      (visible) => void nextTick(() => (result.states.visible = visible)),
      { immediate: true },
    );
    return result;
  },
});
