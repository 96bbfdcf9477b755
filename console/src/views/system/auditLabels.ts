// The audit log as sentences: "张三 修改了门店「上海南京路店」", and a readable diff of the fields
// that changed, with Chinese field labels.
export interface AuditEntry {
  actor_name: string;
  action: string;
  target_type: string;
  target_id: string;
  target_name?: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export const TARGETS: Record<string, string> = {
  staff: "员工",
  store: "门店",
  department: "部门",
  position: "岗位",
  role: "角色",
  member: "会员",
  fan: "粉丝",
  tier: "会员等级",
  coupon: "优惠券",
  coupon_template: "优惠券模板",
  lottery: "抽奖活动",
  award: "中奖记录",
  mall_item: "积分商品",
  mall_order: "积分订单",
  sales_order: "消费订单",
  sales_contract: "合同",
  sales_contract_order: "合同订单",
  red_packet: "红包",
  follow_gift: "关注有礼",
  streak_reward: "连续签到奖励",
  profile_reward: "完善资料奖励",
  loyalty_program: "积分规则",
  member_center: "会员中心",
  member_center_banner: "会员中心轮播图",
  wechat_account: "公众号",
  wechat_qrcode: "二维码",
  wechat_menu: "公众号菜单",
  wechat_auto_reply: "自动回复",
  sms_modem: "短信猫",
  segment: "人群",
};

/** Known actions: [verb, target type when the action names no target]. */
export const ACTIONS: Record<string, string> = {
  "auth.login": "登录了系统",
  "auth.login_failed": "登录失败",
  "auth.login_refused": "尝试登录已停用的账号",
  "auth.logout": "退出了系统",
  "department.create": "新建了部门",
  "department.update": "修改了部门",
  "department.delete": "删除了部门",
  "position.create": "新建了岗位",
  "position.update": "修改了岗位",
  "position.delete": "删除了岗位",
  "role.create": "新建了角色",
  "role.update": "修改了角色",
  "role.delete": "删除了角色",
  "role.defaults_added": "为内置角色补充了默认权限",
  "role.description_translated": "把内置角色说明改为中文",
  "staff.create": "新建了员工",
  "staff.update": "修改了员工",
  "staff.move": "调整了员工部门",
  "staff.enable": "启用了员工账号",
  "staff.disable": "停用了员工账号",
  "staff.reset_password": "重置了员工密码",
  "staff.create_superuser": "创建了管理员",
  "staff.export": "导出了员工",
  "store.create": "新建了门店",
  "store.update": "修改了门店",
  "store.delete": "删除了门店",
  "store.export": "导出了门店",
  "audit.export": "导出了审计日志",
  "demo.seed": "导入了演示数据",
  "member.merge": "合并了会员",
  "member.merge_undo": "撤销了会员合并",
  "member.profile_update": "修改了会员资料",
  "member.profile_reward_set": "设置了完善资料奖励",
  "member.export": "导出了会员",
  "points.export": "导出了积分流水",
  "points.redeem": "扣减了积分",
  "coupon.export": "导出了优惠券",
  "coupon.issue": "发放了优惠券",
  "coupon.verify": "核销了优惠券",
  "coupon.template_create": "新建了优惠券模板",
  "lottery.create": "新建了抽奖活动",
  "lottery.prize_create": "添加了奖品",
  "lottery_award.export": "导出了中奖记录",
  "mall.item_create": "新建了积分商品",
  "mall_order.export": "导出了积分订单",
  "loyalty.program_update": "修改了积分规则",
  "loyalty.tier_create": "新建了会员等级",
  "loyalty.tier_update": "修改了会员等级",
  "loyalty.follow_gift_create": "设置了关注有礼",
  "loyalty.streak_reward_set": "设置了连续签到奖励",
  "member_center.theme_update": "修改了会员中心主题",
  "member_center.banner_remove": "删除了会员中心轮播图",
  "sms.modem_enable": "启用了短信猫",
  "sms.modem_disable": "停用了短信猫",
  "fan.export": "导出了粉丝",
  "qrcode.export": "导出了渠道二维码",
  "segment.create": "新建了人群",
  "segment.update": "修改了人群",
  "segment.delete": "删除了人群",
  "campaigns.care_setting_updated": "修改了关怀消息设置",
  "campaigns.festival_updated": "修改了节日日历",
  "wechat.fan_assign": "分配了粉丝",
  "wechat.fan_reply": "回复了粉丝",
  "wechat.publish_menu": "发布了公众号菜单",
  "wechat.sync_blacklist": "同步了黑名单",
  "wechat.sync_tag": "同步了粉丝标签",
  "wechat.template_sync": "同步了模板消息",
};

const VERBS: [RegExp, string][] = [
  [/(^|_)create$/, "新建了"],
  [/(^|_)(update|set)$/, "修改了"],
  [/(^|_)(delete|remove)$/, "删除了"],
  [/(^|_)export$/, "导出了"],
  [/(^|_)enable$/, "启用了"],
  [/(^|_)disable$/, "停用了"],
];

/** The action as a Chinese phrase (for the filter list and the sentence). */
export function actionLabel(action: string): string {
  if (ACTIONS[action]) return ACTIONS[action];
  const verb = action.split(".").pop() ?? action;
  for (const [pattern, zh] of VERBS) if (pattern.test(verb)) return zh;
  return `执行了 ${action}`;
}

export function sentence(entry: AuditEntry): string {
  const actor = entry.actor_name || "系统";
  const verb = actionLabel(entry.action);
  if (entry.action.startsWith("auth.") || entry.action.endsWith(".export") || entry.action === "demo.seed") {
    return `${actor} ${verb}`;
  }
  const type = TARGETS[entry.target_type] ?? "";
  const typed = ACTIONS[entry.action] || !type || verb.endsWith(type) ? verb : `${verb}${type}`;
  const name = entry.target_name || (entry.target_id ? `#${entry.target_id}` : "");
  return name ? `${actor} ${typed}「${name}」` : `${actor} ${typed}`;
}

export const FIELDS: Record<string, string> = {
  name: "名称",
  username: "登录名",
  code: "编码",
  description: "说明",
  phone: "电话",
  email: "邮箱",
  department_id: "部门",
  parent_id: "上级部门",
  position_id: "岗位",
  store_id: "门店",
  manager_id: "店长",
  is_guide: "导购",
  is_active: "账号状态",
  role_ids: "角色",
  roles: "角色",
  permissions: "功能权限",
  data_scope: "数据范围",
  sort_order: "排序",
  status: "状态",
  province: "省",
  city: "市",
  district: "区/县",
  address: "地址",
  rows: "行数",
  filter: "筛选",
  format: "格式",
  points: "积分",
  balance: "余额",
  amount_fen: "金额（分）",
  title: "标题",
  enabled: "启用",
};

const VALUES: Record<string, Record<string, string>> = {
  data_scope: { own: "仅本人", department: "本部门", subtree: "本部门及下级", all: "全部" },
  status: { preparing: "筹备中", open: "营业中", suspended: "暂停营业", closed: "已关店" },
  is_active: { true: "启用", false: "停用" },
};

/** Names for id fields (department_id → the department's name), from what the page could load. */
export type Names = Record<string, (id: number) => string | undefined>;

export function showValue(field: string, value: unknown, names: Names = {}): string {
  if (value === null || value === undefined || value === "") return "（空）";
  const name = names[field];
  if (name && typeof value === "number") return name(value) ?? String(value);
  if (name && Array.isArray(value)) return value.map((v) => name(Number(v)) ?? String(v)).join("、") || "（空）";
  const mapped = VALUES[field]?.[String(value)];
  if (mapped) return mapped;
  if (typeof value === "boolean") return value ? "是" : "否";
  if (Array.isArray(value)) return value.length ? value.map((v) => String(v)).join("、") : "（空）";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export interface Change {
  field: string;
  label: string;
  before: string;
  after: string;
}

/** Only the fields whose value differs between before and after. */
export function changes(entry: AuditEntry, names: Names = {}): Change[] {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => ({
      field: k,
      label: FIELDS[k] ?? k,
      before: k in before ? showValue(k, before[k], names) : "—",
      after: k in after ? showValue(k, after[k], names) : "—",
    }));
}
