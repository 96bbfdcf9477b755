// API errors as people read them: the server's Chinese `detail`, field errors by field name.
export interface FieldProblem {
  loc: string[];
  msg: string;
  type: string;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public fields: Record<string, string> = {},
    /** Every field problem with its full location (nested forms: rule builders). */
    public problems: FieldProblem[] = [],
  ) {
    super(message);
  }
}

const CODES: Record<string, string> = {
  not_authenticated: "登录已失效，请重新登录",
  permission_denied: "没有权限执行该操作",
  csrf_failed: "页面已过期，请刷新后重试",
  not_found: "记录不存在或不在你的数据范围内",
  rate_limited: "操作太频繁，请稍后再试",
  validation_error: "提交的内容有误，请检查标红的字段",
  internal_error: "服务器内部错误，请稍后重试",
  network_error: "网络连接失败，请检查网络后重试",
};

// Pydantic's error types, in Chinese (the server sends them in English).
const FIELD_TYPES: Record<string, string> = {
  missing: "必填",
  string_too_short: "内容太短",
  string_too_long: "内容太长",
  string_pattern_mismatch: "格式不正确",
  string_type: "请填写文字",
  int_parsing: "请填写整数",
  int_type: "请填写整数",
  float_parsing: "请填写数字",
  greater_than: "数值太小",
  greater_than_equal: "数值太小",
  less_than: "数值太大",
  less_than_equal: "数值太大",
  value_error: "取值不正确",
  enum: "请选择列表中的选项",
  literal_error: "请选择列表中的选项",
  date_parsing: "日期格式不正确",
  datetime_parsing: "时间格式不正确",
  too_long: "条目太多",
  too_short: "条目太少",
  json_invalid: "格式不正确",
  url_parsing: "链接格式不正确",
  bool_parsing: "请选择是或否",
  extra_forbidden: "不接受该字段",
};

export function fieldMessage(problem: FieldProblem): string {
  // A validator's own message is Chinese ("Value error, 生日不能晚于今天"): keep it.
  const own = problem.msg.replace(/^Value error, /, "");
  if (/[\u4e00-\u9fff]/.test(own)) return own;
  return FIELD_TYPES[problem.type] ?? "取值不正确";
}

export function translateError(status: number, body: unknown): ApiError {
  const data = (body ?? {}) as { error?: string; detail?: string; fields?: FieldProblem[] };
  const code = data.error ?? "http_error";
  const fields: Record<string, string> = {};
  let whole: string | undefined;
  for (const problem of data.fields ?? []) {
    // loc is ["body", "name"] or ["query", "page"]: the last named part is the field.
    const named = problem.loc.filter((part) => !/^\d+$/.test(part));
    const name = named[named.length - 1] ?? "";
    // A rule about the whole body (loc ["body"]) names no field: it is the form's message,
    // since no input would show it.
    if (named.length <= 1) whole ??= fieldMessage(problem);
    else if (!fields[name]) fields[name] = fieldMessage(problem);
  }
  const detail = data.detail && /[\u4e00-\u9fff]/.test(data.detail) ? data.detail : undefined;
  const message = whole ?? detail ?? CODES[code] ?? `请求失败（${status}）`;
  return new ApiError(status, code, message, fields, data.fields ?? []);
}
