// Business errors of the SMS API name no field; these codes belong under one in the form.
import { ApiError } from "@/api/errors";

export const FIELD_OF_CODE: Record<string, string> = {
  sms_invalid_number: "phone",
  sms_number_suppressed: "phone",
  sms_consent_required: "phone",
  sms_empty_text: "text",
  sms_message_too_long: "text",
  sms_template_exists: "code",
  sms_not_found: "template_code",
};

// When the server's detail is not in Chinese (a lower layer's message), what to say instead.
const MESSAGE_OF_CODE: Record<string, string> = {
  sms_invalid_number: "不是有效的手机号码",
  sms_empty_text: "请填写短信内容",
  sms_message_too_long: "短信太长，超过条数上限",
};

/** Run a call; an error whose code belongs to a field is rethrown with that field set. */
export async function atField<T>(run: Promise<T>, rename: Record<string, string> = {}): Promise<T> {
  try {
    return await run;
  } catch (e) {
    if (e instanceof ApiError && !Object.keys(e.fields).length) {
      const field = FIELD_OF_CODE[e.code];
      const message = /[\u4e00-\u9fff]/.test(e.message) && !e.message.startsWith("请求失败") ? e.message : MESSAGE_OF_CODE[e.code];
      if (field) e.fields[rename[field] ?? field] = message ?? e.message;
    }
    throw e;
  }
}
