// Submitting a form to the API: field errors from the server land under their field (in Chinese),
// other errors as a message; nothing is considered saved unless the API said so.
import { ElMessage, ElMessageBox } from "element-plus";
import { reactive, ref } from "vue";
import { ApiError } from "@/api/errors";

export function useApiForm() {
  const errors = reactive<Record<string, string>>({});
  const busy = ref(false);
  const failure = ref("");

  function clear(): void {
    for (const key of Object.keys(errors)) delete errors[key];
    failure.value = "";
  }

  /** Run the save; true when it succeeded. */
  async function submit(save: () => Promise<unknown>, success = "已保存"): Promise<boolean> {
    clear();
    busy.value = true;
    try {
      await save();
      if (success) ElMessage.success(success);
      return true;
    } catch (e) {
      if (e instanceof ApiError) {
        Object.assign(errors, e.fields);
        failure.value = e.message;
        if (!Object.keys(e.fields).length) ElMessage.error(e.message);
      } else {
        failure.value = String(e);
        ElMessage.error(failure.value);
      }
      return false;
    } finally {
      busy.value = false;
    }
  }

  return { errors, busy, failure, submit, clear };
}

/** Ask before a destructive action; resolves true when confirmed. */
export async function confirmDanger(message: string, title = "请确认"): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, title, {
      type: "warning",
      confirmButtonText: "确定",
      cancelButtonText: "取消",
      confirmButtonClass: "el-button--danger",
    });
    return true;
  } catch {
    return false;
  }
}

/** Run an action that is not a form (delete, publish): message on success, Chinese error otherwise. */
export async function act(run: () => Promise<unknown>, success: string): Promise<boolean> {
  try {
    await run();
    ElMessage.success(success);
    return true;
  } catch (e) {
    ElMessage.error(e instanceof ApiError ? e.message : String(e));
    return false;
  }
}
