// Names for the member ids the loyalty lists return, fetched once per member.
import { reactive } from "vue";
import { api, call } from "@/api/client";

const known = reactive<Record<number, string>>({});
const pending = new Set<number>();

export function useMemberNames() {
  async function resolve(ids: number[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !(id in known) && !pending.has(id));
    missing.forEach((id) => pending.add(id));
    await Promise.all(
      missing.map(async (id) => {
        try {
          const m = await call(api.GET("/api/v1/members/{member_id}", { params: { path: { member_id: id } } }));
          known[id] = m.name || m.phone || m.card_no || "（未填姓名）";
        } catch {
          known[id] = "（无权查看）";
        } finally {
          pending.delete(id);
        }
      }),
    );
  }
  return { names: known, resolve };
}
