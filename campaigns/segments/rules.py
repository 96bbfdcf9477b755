"""Segment rules, pure: the whitelist of conditions and their compilation to one SQL query.

Only SQL written here reaches the database: field expressions and operators come from the
whitelist below, and every value the marketer typed is bound as a `$n` parameter.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

INT4_MAX = 2**31 - 1
MAX_LIST = 10_000
MAX_TEXT = 64


class Kind(StrEnum):
    IDS = "ids"  # rows of another table, by id
    TEXTS = "texts"  # free strings (channels, regions, phones)
    CHOICES = "choices"  # a closed set of strings or numbers
    NUMBER = "number"
    DAYS = "days"  # "within the last N days"
    FLAG = "flag"
    HAS = "has"  # related rows exist (tags, coupons), optionally of given ids


OPERATORS: dict[Kind, dict[str, str]] = {
    Kind.IDS: {"in": "属于", "not_in": "不属于"},
    Kind.TEXTS: {"in": "属于", "not_in": "不属于"},
    Kind.CHOICES: {"in": "属于", "not_in": "不属于"},
    Kind.NUMBER: {"eq": "等于", "gte": "不少于", "lte": "不多于", "between": "介于"},
    Kind.DAYS: {"within": "N 天内有", "not_within": "N 天内没有"},
    Kind.FLAG: {"is": "是否"},
    Kind.HAS: {"has_any": "持有其一", "has_none": "都不持有"},
}


@dataclass(frozen=True)
class FieldSpec:
    label: str
    kind: Kind
    # SQL over `m` (members_member) and `a` (loyalty_account); {now}, {today}, {yesterday} and
    # {ids} become parameters.
    expr: str
    choices: tuple[str | int, ...] = ()
    # HAS: an empty id list means "any" (coupons), else at least one id is required (tags).
    any_allowed: bool = False
    # HAS: the values are codes (text), not ids.
    codes: bool = False


_TOUCH = (
    "(SELECT t.qrcode_id FROM members_touch t WHERE t.member_id = m.id"
    " ORDER BY t.at {order}, t.id {order} LIMIT 1)"
)
_COUPON = "EXISTS (SELECT 1 FROM loyalty_coupon c WHERE c.member_id = m.id AND c.status = "
_BOUGHT = (
    "EXISTS (SELECT 1 FROM sales_order o JOIN sales_order_line l ON l.order_id = o.id"
    " WHERE o.member_id = m.id AND o.status <> 'refunded'{ids})"
)
# A till line's product code names a catalogue SKU by its own code or through a till-code map;
# a category includes its sub-categories.
_CATEGORY_CODES = (
    "l.product_code IN (WITH RECURSIVE c(id) AS (SELECT id FROM catalog_category"
    " WHERE id = ANY({p}) UNION SELECT k.id FROM catalog_category k JOIN c ON k.parent_id = c.id),"
    " s AS (SELECT s.id, s.code FROM catalog_sku s JOIN catalog_product p ON p.id = s.product_id"
    " WHERE p.category_id IN (SELECT id FROM c))"
    " SELECT code FROM s UNION ALL"
    " SELECT t.code FROM catalog_till_code t WHERE t.sku_id IN (SELECT id FROM s))"
)
# RFM classes and churn risk, rebuilt nightly by analytics (analytics/customers). analytics sits
# above campaigns, so segments name its table in SQL only, never its code; the class codes are
# repeated here and a test keeps them equal to analytics' own.
RFM_CLASSES = (
    "important_value",
    "important_develop",
    "important_keep",
    "important_retain",
    "general_value",
    "general_develop",
    "general_keep",
    "general_retain",
)
FIELDS: dict[str, FieldSpec] = {
    "tier": FieldSpec("会员等级", Kind.IDS, "a.tier_id"),
    "lifecycle": FieldSpec(
        "生命周期", Kind.CHOICES, "a.lifecycle", ("new", "active", "dormant", "churned")
    ),
    "points_balance": FieldSpec("积分余额", Kind.NUMBER, "coalesce(a.balance, 0)"),
    "spend": FieldSpec(
        "累计消费金额（分）",
        Kind.NUMBER,
        "coalesce((SELECT sum(o.total_fen - o.refunded_fen) FROM sales_order o"
        " WHERE o.member_id = m.id)::bigint, 0)",
    ),
    "purchase_count": FieldSpec(
        "消费次数",
        Kind.NUMBER,
        "(SELECT count(*) FROM sales_order o WHERE o.member_id = m.id AND o.status <> 'refunded')",
    ),
    "last_purchase": FieldSpec("最近消费", Kind.DAYS, "a.last_purchase_at"),
    "store": FieldSpec("首次门店", Kind.IDS, "m.first_store_id"),
    "guide": FieldSpec("首次导购", Kind.IDS, "m.first_guide_id"),
    "first_channel": FieldSpec("首次渠道", Kind.TEXTS, "m.first_channel"),
    "last_channel": FieldSpec("最近渠道", Kind.TEXTS, "m.last_channel"),
    "first_qrcode": FieldSpec("首次扫码的二维码", Kind.IDS, _TOUCH.replace("{order}", "ASC")),
    "last_qrcode": FieldSpec("最近扫码的二维码", Kind.IDS, _TOUCH.replace("{order}", "DESC")),
    "fan_tag": FieldSpec(
        "粉丝标签",
        Kind.HAS,
        "EXISTS (SELECT 1 FROM wechat_fan f JOIN wechat_fan_tags ft ON ft.wechat_fan_id = f.id"
        " WHERE f.member_id = m.id{ids})",
    ),
    "subscribed": FieldSpec(
        "关注公众号",
        Kind.FLAG,
        "EXISTS (SELECT 1 FROM wechat_fan f WHERE f.member_id = m.id AND f.subscribed)",
    ),
    "province": FieldSpec("省份", Kind.TEXTS, "m.province"),
    "city": FieldSpec("城市", Kind.TEXTS, "m.city"),
    "gender": FieldSpec("性别", Kind.CHOICES, "m.gender", ("male", "female", "")),
    "age": FieldSpec(
        "年龄",
        Kind.NUMBER,
        "extract(year FROM age(CAST({today} AS timestamp), CAST(m.birthday AS timestamp)))::int",
    ),
    "birthday_month": FieldSpec(
        "生日月份", Kind.CHOICES, "extract(month FROM m.birthday)::int", tuple(range(1, 13))
    ),
    "coupon_held": FieldSpec(
        "持有未用优惠券", Kind.HAS, _COUPON + "'unused' AND c.valid_until > {now}{ids})", (), True
    ),
    "coupon_used": FieldSpec("用过优惠券", Kind.HAS, _COUPON + "'used'{ids})", (), True),
    "bought_product": FieldSpec("买过的商品（编码）", Kind.HAS, _BOUGHT, codes=True),
    "bought_category": FieldSpec("买过的商品分类", Kind.HAS, _BOUGHT),
    "checkin_streak": FieldSpec(
        "连续签到天数",
        Kind.NUMBER,
        "coalesce((SELECT c.streak FROM loyalty_checkin c WHERE c.member_id = m.id"
        " AND c.day >= {yesterday} ORDER BY c.day DESC LIMIT 1), 0)",
    ),
    "sms_suppressed": FieldSpec(
        "短信退订",
        Kind.FLAG,
        "EXISTS (SELECT 1 FROM sms_suppression s WHERE s.phone = m.phone)",
    ),
    "rfm_class": FieldSpec(
        "RFM 客户分类",
        Kind.CHOICES,
        "(SELECT r.rfm_class FROM analytics_rfm r WHERE r.member_id = m.id)",
        RFM_CLASSES,
    ),
    "churn_risk": FieldSpec(
        "流失风险",
        Kind.FLAG,
        "EXISTS (SELECT 1 FROM analytics_rfm r WHERE r.member_id = m.id AND r.churn_risk)",
    ),
    "member": FieldSpec("指定会员", Kind.IDS, "m.id"),
    "phone": FieldSpec("导入手机号", Kind.TEXTS, "m.phone"),
    "card_no": FieldSpec("导入会员卡号", Kind.TEXTS, "m.card_no"),
}
# The tables the expressions above name, checked against the models in the tests.
TABLES = (
    "members_member",
    "members_touch",
    "loyalty_account",
    "loyalty_coupon",
    "loyalty_checkin",
    "sales_order",
    "sales_order_line",
    "catalog_category",
    "catalog_product",
    "catalog_sku",
    "catalog_till_code",
    "wechat_fan",
    "wechat_fan_tags",
    "sms_suppression",
    "analytics_rfm",
)
_HAS_IDS = {
    "fan_tag": "ft.fantag_id = ANY({p})",
    "coupon_held": "c.template_id = ANY({p})",
    "coupon_used": "c.template_id = ANY({p})",
    "bought_product": "l.product_code = ANY({p})",
    "bought_category": _CATEGORY_CODES,
}


class RuleError(ValueError):
    """A condition the whitelist refuses; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any


@dataclass(frozen=True)
class Group:
    match: str  # "all" | "any"
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Rule:
    match: str
    groups: tuple[Group, ...]

    def conditions(self) -> list[Condition]:
        return [c for g in self.groups for c in g.conditions]


@dataclass(frozen=True)
class Context:
    now: datetime
    today: date  # in Asia/Shanghai, as check-ins count days


def check_field(field: str) -> FieldSpec:
    spec = FIELDS.get(field)
    if spec is None:
        raise RuleError("segment_unknown_field", f"未知的条件字段：{field}")
    return spec


def check_operator(field: str, op: str) -> None:
    spec = check_field(field)
    if op not in OPERATORS[spec.kind]:
        allowed = "、".join(f"{k}（{v}）" for k, v in OPERATORS[spec.kind].items())
        raise RuleError(
            "segment_unknown_operator", f"条件「{spec.label}」不支持运算符 {op}，可用：{allowed}"
        )


def _bad(spec: FieldSpec, what: str) -> RuleError:
    return RuleError("segment_bad_value", f"条件「{spec.label}」的值{what}")


def _integer(spec: FieldSpec, value: Any, low: int = 0, high: int = 2**53) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(spec, f"应为 {low} 到 {high} 之间的整数")
    return value


def _list(spec: FieldSpec, value: Any, *, empty: bool = False) -> list[Any]:
    if not isinstance(value, list) or len(value) > MAX_LIST or (not value and not empty):
        raise _bad(spec, f"应为 1 到 {MAX_LIST} 项的列表")
    return value


def check_value(field: str, op: str, value: Any) -> Any:
    """The value normalised for `compile_*`; RuleError when it does not fit the field."""
    check_operator(field, op)
    spec = FIELDS[field]
    if spec.kind is Kind.IDS:
        return sorted({_integer(spec, v, 1, INT4_MAX) for v in _list(spec, value)})
    if spec.kind is Kind.HAS and not spec.codes:
        items = _list(spec, value, empty=spec.any_allowed)
        return sorted({_integer(spec, v, 1, INT4_MAX) for v in items})
    if spec.kind in {Kind.TEXTS, Kind.HAS}:
        items = _list(spec, value)
        if not all(isinstance(v, str) and len(v) <= MAX_TEXT for v in items):
            raise _bad(spec, f"应为不超过 {MAX_TEXT} 个字符的文字")
        return sorted({v.strip() for v in items})
    if spec.kind is Kind.CHOICES:
        items = _list(spec, value)
        if not all(v in spec.choices and not isinstance(v, bool) for v in items):
            raise _bad(spec, "只能取：" + "、".join(str(c) or "（未知）" for c in spec.choices))
        return sorted(set(items), key=str)
    if spec.kind is Kind.FLAG:
        if not isinstance(value, bool):
            raise _bad(spec, "应为 true 或 false")
        return value
    if spec.kind is Kind.DAYS:
        return _integer(spec, value, 1, 36_500)
    if op != "between":
        return _integer(spec, value, -(2**53), 2**53)
    if not isinstance(value, list) or len(value) != 2:
        raise _bad(spec, "应为 [最小值, 最大值]")
    low, high = (_integer(spec, v, -(2**53), 2**53) for v in value)
    if low > high:
        raise _bad(spec, "的最小值不能大于最大值")
    return [low, high]


class _Params:
    """Placeholders `$n` numbered after the ones already used (the data scope's)."""

    def __init__(self, start: int) -> None:
        self.values: list[Any] = []
        self.start = start

    def add(self, value: Any) -> str:
        self.values.append(value)
        return f"${self.start + len(self.values)}"


def _expression(field: str, value: Any, params: _Params, context: Context) -> str:
    spec = FIELDS[field]
    slots = {}
    for name, moment in (
        ("now", context.now),
        ("today", context.today),
        ("yesterday", context.today - timedelta(days=1)),
    ):
        if "{" + name + "}" in spec.expr:
            slots[name] = params.add(moment)
    if "{ids}" in spec.expr:
        slots["ids"] = " AND " + _HAS_IDS[field].format(p=params.add(value)) if value else ""
    return spec.expr.format(**slots)


def compile_condition(condition: Condition, params: _Params, context: Context) -> str:
    """One condition as a boolean SQL expression. Negated ones are never NULL; the others are
    NULL where their column is, which WHERE and FILTER read as false (rules only join conditions
    with AND and OR). Left bare, they let PostgreSQL turn the points accounts' LEFT JOIN into
    an inner join and filter accounts before joining them."""
    field, op, value = condition.field, condition.op, condition.value
    expr = _expression(field, value, params, context)
    kind = FIELDS[field].kind
    if kind in {Kind.IDS, Kind.TEXTS, Kind.CHOICES}:
        matched = f"{expr} = ANY({params.add(value)})"
        return f"NOT coalesce({matched}, false)" if op == "not_in" else matched
    if kind in {Kind.FLAG, Kind.HAS}:
        return f"NOT {expr}" if op == "has_none" or value is False else expr
    if kind is Kind.DAYS:
        since = params.add(context.now - timedelta(days=value))
        if op == "within":
            return f"{expr} >= {since}"
        return f"({expr} IS NULL OR {expr} < {since})"
    # Numbers bind as bigint whatever the column's type, so a large bound cannot overflow int4.
    if op == "between":
        low, high = (f"CAST({params.add(v)} AS bigint)" for v in value)
        return f"{expr} BETWEEN {low} AND {high}"
    sign = {"eq": "=", "gte": ">=", "lte": "<="}[op]
    return f"{expr} {sign} CAST({params.add(value)} AS bigint)"


def _join(parts: list[str], match: str) -> str:
    if not parts:
        return "TRUE"
    return "(" + (" AND " if match == "all" else " OR ").join(parts) + ")"


def _from(scope_sql: str | None) -> str:
    scope = f" AND m.id IN ({scope_sql})" if scope_sql else ""
    return (
        "FROM members_member m LEFT JOIN loyalty_account a ON a.member_id = m.id"
        f" WHERE m.merged_into_id IS NULL{scope}"
    )


def compile_rule(
    rule: Rule, context: Context, scope: tuple[str, list[Any]] | None = None
) -> tuple[str, list[Any]]:
    """`SELECT m.id` of the members the rule matches, inside the scope (a query of member ids
    with its own parameters, numbered from $1)."""
    scope_sql, scope_params = scope or (None, [])
    params = _Params(len(scope_params))
    where = _join(
        [
            _join([compile_condition(c, params, context) for c in g.conditions], g.match)
            for g in rule.groups
        ],
        rule.match,
    )
    return f"SELECT m.id {_from(scope_sql)} AND {where}", [*scope_params, *params.values]


def compile_explain(
    rule: Rule, context: Context, scope: tuple[str, list[Any]] | None = None
) -> tuple[str, list[Any]]:
    """One row: `total` members in scope and `c0`, `c1` … each condition's count on its own."""
    scope_sql, scope_params = scope or (None, [])
    params = _Params(len(scope_params))
    counts = [
        f", count(*) FILTER (WHERE {compile_condition(c, params, context)}) AS c{i}"
        for i, c in enumerate(rule.conditions())
    ]
    return f"SELECT count(*) AS total{''.join(counts)} {_from(scope_sql)}", [
        *scope_params,
        *params.values,
    ]
