import { describe, expect, it } from "vitest";
import { actionLabel, changes, sentence } from "./auditLabels";

const entry = (over: Record<string, unknown>) => ({
  actor_name: "张三",
  action: "store.update",
  target_type: "store",
  target_id: "7",
  target_name: "上海南京路店",
  before: null,
  after: null,
  ...over,
});

describe("sentence", () => {
  it("names the actor, the verb, the target type and the target", () => {
    expect(sentence(entry({}))).toBe("张三 修改了门店「上海南京路店」");
    expect(sentence(entry({ action: "staff.disable", target_type: "staff", target_name: "李四" }))).toBe("张三 停用了员工账号「李四」");
  });
  it("falls back to the id, and to a verb from the action's last word", () => {
    expect(sentence(entry({ target_name: "" }))).toBe("张三 修改了门店「#7」");
    expect(sentence(entry({ action: "wechat.qrcode_create", target_type: "wechat_qrcode", target_name: "春季码" }))).toBe(
      "张三 新建了二维码「春季码」",
    );
    expect(sentence(entry({ action: "auth.login", target_type: "staff" }))).toBe("张三 登录了系统");
  });
  it("keeps unknown actions readable", () => {
    expect(actionLabel("x.frobnicate")).toBe("执行了 x.frobnicate");
  });
});

describe("changes", () => {
  it("lists only changed fields with Chinese labels and values", () => {
    const diff = changes(
      entry({
        before: { name: "旧店", status: "open", phone: "1" },
        after: { name: "新店", status: "closed", phone: "1" },
      }),
    );
    expect(diff).toEqual([
      { field: "name", label: "名称", before: "旧店", after: "新店" },
      { field: "status", label: "状态", before: "营业中", after: "已关店" },
    ]);
  });
  it("shows names for ids when the page knows them", () => {
    const names = { department_id: (id: number) => ({ 1: "华东" })[id], role_ids: (id: number) => ({ 2: "店长" })[id] };
    expect(changes(entry({ before: { department_id: 1, role_ids: [] }, after: { department_id: 9, role_ids: [2] } }), names)).toEqual([
      { field: "department_id", label: "部门", before: "华东", after: "9" },
      { field: "role_ids", label: "角色", before: "（空）", after: "店长" },
    ]);
  });
  it("shows created fields against a dash", () => {
    expect(changes(entry({ after: { is_guide: true } }))).toEqual([{ field: "is_guide", label: "导购", before: "—", after: "是" }]);
  });
});
