// Display rules shared by every screen: money in 元 (stored in fen), Beijing time, durations.
import dayjs from "dayjs";
import timezone from "dayjs/plugin/timezone";
import utc from "dayjs/plugin/utc";
import "dayjs/locale/zh-cn";

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.locale("zh-cn");

export const ZONE = "Asia/Shanghai";
export { toFen, yuan } from "./money";

/** An aware ISO timestamp → "2026-12-04 19:51" in Beijing time. */
export function dateTime(value: string | null | undefined, withSeconds = false): string {
  if (!value) return "—";
  return dayjs(value)
    .tz(ZONE)
    .format(withSeconds ? "YYYY-MM-DD HH:mm:ss" : "YYYY-MM-DD HH:mm");
}

/** Picker text "2027-12-01 00:00:00", read as Beijing time whatever the browser's zone → ISO UTC. */
export function fromBeijing(text: string): string {
  return dayjs.tz(text, ZONE).toISOString();
}

/** Pickers show and take Beijing wall-clock time in this format (see fromBeijing). */
export const PICKER_TIME = "YYYY-MM-DD HH:mm:ss";

export function date(value: string | null | undefined): string {
  if (!value) return "—";
  return dayjs(value).tz(ZONE).format("YYYY-MM-DD");
}

export interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
}

export function splitSeconds(seconds: number): DurationParts {
  const total = Math.max(0, Math.round(seconds / 60));
  return { days: Math.floor(total / 1440), hours: Math.floor((total % 1440) / 60), minutes: total % 60 };
}

export function joinDuration(parts: DurationParts): number {
  return ((parts.days || 0) * 1440 + (parts.hours || 0) * 60 + (parts.minutes || 0)) * 60;
}

/** 90061 → "1天1小时1分钟"; 0 → "0分钟". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  const { days, hours, minutes } = splitSeconds(seconds);
  const parts = [days && `${days}天`, hours && `${hours}小时`, minutes && `${minutes}分钟`].filter(Boolean);
  return parts.length ? parts.join("") : "0分钟";
}

/** Mask a mainland mobile number: 13812345678 → 138****5678. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return "—";
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : phone;
}

export { dayjs };
