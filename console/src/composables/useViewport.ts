import { onBeforeUnmount, onMounted, ref } from "vue";

/** True at phone and small-pad widths (≤ 768 px): drawer menu, card lists instead of tables. */
export function useNarrow() {
  const query = window.matchMedia("(max-width: 768px)");
  const narrow = ref(query.matches);
  const update = () => (narrow.value = query.matches);
  onMounted(() => query.addEventListener("change", update));
  onBeforeUnmount(() => query.removeEventListener("change", update));
  return narrow;
}
