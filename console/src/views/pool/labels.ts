// Chinese labels for the public pool's codes.
export const REASON: Record<string, string> = { no_follow_up: "超期未跟进", no_deal: "超期未成交" };
