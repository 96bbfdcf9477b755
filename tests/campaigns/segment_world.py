"""A seeded world of members for segment tests, and a Python oracle of what each condition
means, so compiled SQL is checked by its result sets."""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from analytics.customers.models import MemberRfm
from campaigns.segments import rules
from crm_core.catalog.models import Product, ProductCategory, Sku, TillCode
from crm_core.sales.models import OrderStatus, SalesOrder, SalesOrderLine
from loyalty.checkin.models import Checkin
from loyalty.coupons.models import Coupon, CouponSource, CouponStatus
from loyalty.points.models import Account
from loyalty.program.models import Tier
from members.models import Member, MemberTouch
from sms_gateway.models import SmsSuppression
from tests.factories import make_department, make_store
from tests.loyalty.factories import make_template
from wechat.models import Fan, FanTag, OfficialAccount

NOW = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
TODAY = date(2026, 6, 15)
CONTEXT = rules.Context(now=NOW, today=TODAY)
CHANNELS = ["", "poster", "parcel"]
PROVINCES = ["", "上海", "广东"]
CITIES = ["", "上海", "深圳", "广州"]
# Till codes: two SKUs' own codes, one mapped till code, one code the catalogue does not know,
# and one never sold.
PRODUCTS = ["SKU-001", "TILL-9", "SKU-003", "LOOSE-1", "SKU-404"]


@dataclass
class Facts:
    """What the oracle knows about one member (None: the member has no such data)."""

    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class World:
    members: dict[int, Facts]
    tiers: list[int]
    stores: list[int]
    guides: list[int]
    qrcodes: list[int]
    tags: list[int]
    templates: list[int]
    phones: list[str]
    cards: list[str]
    categories: list[int]


async def make_catalogue() -> tuple[dict[str, set[int]], list[int]]:
    """茶 > 普洱 and 器具 (empty 礼盒 too); SKU-001 is a 普洱, SKU-002 (till code TILL-9) a 器具,
    SKU-003 has no category. Each till code → the categories it counts in (ancestors too)."""
    now = NOW
    tea = await ProductCategory.create(name="茶", created_at=now)
    puer = await ProductCategory.create(name="普洱", parent=tea, created_at=now)
    ware = await ProductCategory.create(name="器具", created_at=now)
    gift = await ProductCategory.create(name="礼盒", created_at=now)
    skus = {}
    for code, category in (("SKU-001", puer), ("SKU-002", ware), ("SKU-003", None)):
        product = await Product.create(name=code, category=category, created_at=now, updated_at=now)
        skus[code] = await Sku.create(product=product, code=code, price_fen=100, created_at=now)
    await TillCode.create(code="TILL-9", sku=skus["SKU-002"], created_at=now)
    catalogue = {"SKU-001": {puer.id, tea.id}, "TILL-9": {ware.id}}
    return catalogue, [tea.id, puer.id, ware.id, gift.id]


def _age(birthday: date | None) -> int | None:
    if birthday is None:
        return None
    return TODAY.year - birthday.year - ((TODAY.month, TODAY.day) < (birthday.month, birthday.day))


async def build_world(seed: int = 7, size: int = 40, store_ids: list[int] | None = None) -> World:
    pick = random.Random(seed)
    department = await make_department()
    store = await make_store(department)
    tiers = [
        (await Tier.create(code=f"t{i}", name=f"等级{i}", rank=i, threshold=i * 100)).id
        for i in range(3)
    ]
    account = await OfficialAccount.create(
        appid="wxsegment000001", name="人群", secret_sealed="", token_sealed=""
    )
    tags = [(await FanTag.create(account=account, name=f"标签{i}")).id for i in range(3)]
    templates = [(await make_template()).id for _ in range(2)]
    stores, guides, qrcodes = store_ids or [101, 102, 103], [201, 202], [301, 302, 303]
    catalogue, categories = await make_catalogue()
    world = World({}, tiers, stores, guides, qrcodes, tags, templates, [], [], categories)
    for n in range(size):
        birthday = pick.choice([None, date(1990, 6, 15), date(2000, 2, 29), date(1985, 12, 1)])
        birthday = birthday and birthday + timedelta(days=pick.choice([0, 1, -1]))
        phone = pick.choice([None, f"+86138{n:08d}"])
        card = pick.choice([None, f"88{n:014d}"])
        member = await Member.create(
            name=f"会员{n}",
            phone=phone,
            card_no=card,
            first_store_id=pick.choice([None, *stores]),
            first_guide_id=pick.choice([None, *guides]),
            first_channel=pick.choice(CHANNELS),
            last_channel=pick.choice(CHANNELS),
            province=pick.choice(PROVINCES),
            city=pick.choice(CITIES),
            gender=pick.choice(["", "male", "female"]),
            birthday=birthday,
            created_at=NOW,
        )
        facts: dict[str, Any] = {
            "member": member.id,
            "phone": phone,
            "card_no": card,
            "store": member.first_store_id,
            "guide": member.first_guide_id,
            "first_channel": member.first_channel,
            "last_channel": member.last_channel,
            "province": member.province,
            "city": member.city,
            "gender": member.gender.value,
            "age": _age(birthday),
            "birthday_month": birthday.month if birthday else None,
            "tier": None,
            "lifecycle": None,
            "points_balance": 0,
            "last_purchase": None,
        }
        if phone:
            world.phones.append(phone)
        if card:
            world.cards.append(card)
        if pick.random() < 0.8:
            last_purchase = pick.choice([None, NOW - timedelta(days=pick.randint(0, 200))])
            row = await Account.create(
                member=member,
                balance=pick.choice([0, 50, 100, 1000]),
                tier_id=pick.choice([None, *tiers]),
                lifecycle=pick.choice(["new", "active", "dormant", "churned"]),
                last_purchase_at=last_purchase,
                created_at=NOW,
            )
            facts.update(
                tier=row.tier_id,
                lifecycle=row.lifecycle,
                points_balance=row.balance,
                last_purchase=last_purchase,
            )
        spend, count, bought = 0, 0, set()
        for k in range(pick.choice([0, 0, 1, 2, 3])):
            total = pick.choice([1000, 2500, 9900])
            status = pick.choice([OrderStatus.PAID, OrderStatus.PAID, OrderStatus.REFUNDED])
            refunded = total if status is OrderStatus.REFUNDED else 0
            order = await SalesOrder.create(
                store=store,
                order_no=f"O{member.id}-{k}",
                member_id=member.id,
                total_fen=total,
                refunded_fen=refunded,
                status=status,
                paid_at=NOW,
                request_hash="x",
                created_at=NOW,
            )
            codes = pick.sample(PRODUCTS[:4], pick.randint(1, 2))
            for code in codes:
                await SalesOrderLine.create(
                    order=order,
                    product_code=code,
                    quantity=1,
                    unit_price_fen=total // len(codes),
                    amount_fen=total // len(codes),
                )
            spend += total - refunded
            count += status is not OrderStatus.REFUNDED
            if status is not OrderStatus.REFUNDED:
                bought |= set(codes)
        categories = set().union(*(catalogue.get(code, set()) for code in bought))
        facts.update(
            spend=spend, purchase_count=count, bought_product=bought, bought_category=categories
        )
        touches = [pick.choice([None, *qrcodes]) for _ in range(pick.choice([0, 1, 2, 3]))]
        for k, code in enumerate(touches):
            await MemberTouch.create(
                member=member,
                event_id=member.id * 10 + k,
                kind="scan",
                qrcode_id=code,
                at=NOW - timedelta(days=10 - k),
            )
        facts.update(
            first_qrcode=touches[0] if touches else None,
            last_qrcode=touches[-1] if touches else None,
        )
        fan_tags: set[int] = set()
        subscribed = False
        for k in range(pick.choice([0, 1, 2])):
            fan = await Fan.create(
                account=account,
                openid=f"o{member.id}-{k}",
                member_id=member.id,
                subscribed=pick.random() < 0.6,
            )
            chosen = pick.sample(tags, pick.randint(0, 2))
            for tag in chosen:
                await fan.tags.add(await FanTag.get(id=tag))
            fan_tags |= set(chosen)
            subscribed = subscribed or fan.subscribed
        facts.update(fan_tag=fan_tags, subscribed=subscribed)
        held, used = set(), set()
        for k in range(pick.choice([0, 1, 2])):
            template = pick.choice(templates)
            status = pick.choice(list(CouponStatus))
            valid_until = NOW + timedelta(days=pick.choice([-1, 5]))
            await Coupon.create(
                template_id=template,
                member=member,
                seq=k,
                code=f"C{member.id}-{k}",
                status=status,
                source=CouponSource.HAND,
                issue_key=f"seg-{member.id}-{k}",
                valid_from=NOW - timedelta(days=30),
                valid_until=valid_until,
                issued_at=NOW,
            )
            if status is CouponStatus.UNUSED and valid_until > NOW:
                held.add(template)
            if status is CouponStatus.USED:
                used.add(template)
        facts.update(coupon_held=held, coupon_used=used)
        streak = 0
        if pick.random() < 0.5:
            day, days = TODAY - timedelta(days=pick.choice([0, 1, 3])), pick.randint(1, 9)
            await Checkin.create(member=member, day=day, streak=days, created_at=NOW)
            streak = days if day >= TODAY - timedelta(days=1) else 0
        facts["checkin_streak"] = streak
        suppressed = bool(phone) and pick.random() < 0.4
        if suppressed:
            await SmsSuppression.create(phone=phone, created_at=NOW)
        facts["sms_suppressed"] = suppressed
        facts.update(rfm_class=None, churn_risk=False)
        if pick.random() < 0.7:
            rfm = await MemberRfm.create(
                member_id=member.id,
                recency_days=10,
                frequency=1,
                monetary_fen=100,
                r_score=3,
                f_score=3,
                m_score=3,
                rfm_class=pick.choice(rules.RFM_CLASSES),
                last_purchase_at=NOW,
                churned=False,
                churn_risk=pick.random() < 0.5,
                computed_on=TODAY,
            )
            facts.update(rfm_class=rfm.rfm_class, churn_risk=rfm.churn_risk)
        world.members[member.id] = Facts(facts)
    # A merged member never matches.
    await Member.create(name="已合并", merged_into_id=1, created_at=NOW)
    return world


def holds(condition: rules.Condition, facts: Facts) -> bool:
    """The oracle: what the condition means, in Python."""
    spec = rules.FIELDS[condition.field]
    actual, op, value = facts.values[condition.field], condition.op, condition.value
    if spec.kind in {rules.Kind.IDS, rules.Kind.TEXTS, rules.Kind.CHOICES}:
        inside = actual is not None and actual in value
        return inside if op == "in" else not inside
    if spec.kind is rules.Kind.FLAG:
        return bool(actual) == value
    if spec.kind is rules.Kind.HAS:
        found = bool(actual & set(value)) if value else bool(actual)
        return found if op == "has_any" else not found
    if spec.kind is rules.Kind.DAYS:
        recent = actual is not None and actual >= NOW - timedelta(days=value)
        return recent if op == "within" else not recent
    if actual is None:
        return False
    if op == "between":
        return bool(value[0] <= actual <= value[1])
    return {"eq": actual == value, "gte": actual >= value, "lte": actual <= value}[op]


def matches(rule: rules.Rule, facts: Facts) -> bool:
    def group(g: rules.Group) -> bool:
        results = [holds(c, facts) for c in g.conditions]
        return all(results) if g.match == "all" else any(results)

    if not rule.groups:
        return True
    results = [group(g) for g in rule.groups]
    return all(results) if rule.match == "all" else any(results)


def random_condition(pick: random.Random, world: World) -> rules.Condition:
    name = pick.choice(list(rules.FIELDS))
    spec = rules.FIELDS[name]
    op = pick.choice(list(rules.OPERATORS[spec.kind]))
    pools: dict[str, list[Any]] = {
        "tier": world.tiers,
        "store": world.stores,
        "guide": world.guides,
        "first_qrcode": world.qrcodes,
        "last_qrcode": world.qrcodes,
        "fan_tag": world.tags,
        "coupon_held": world.templates,
        "coupon_used": world.templates,
        "bought_product": PRODUCTS,
        "bought_category": world.categories,
        "member": list(world.members),
        "phone": world.phones or ["+8613800000000"],
        "card_no": world.cards or ["8800"],
        "first_channel": CHANNELS,
        "last_channel": CHANNELS,
        "province": PROVINCES,
        "city": CITIES,
        "lifecycle": list(spec.choices),
        "rfm_class": list(spec.choices),
        "gender": list(spec.choices),
        "birthday_month": list(spec.choices),
    }
    value: Any
    if name in pools:
        pool = pools[name]
        low = 0 if spec.any_allowed else 1
        value = pick.sample(pool, pick.randint(low, min(3, len(pool))))
    elif spec.kind is rules.Kind.FLAG:
        value = pick.random() < 0.5
    elif spec.kind is rules.Kind.DAYS:
        value = pick.choice([1, 30, 90, 365])
    else:
        scale = {"points_balance": 1000, "spend": 20000, "age": 45}.get(name, 6)
        low, high = sorted(pick.randint(0, scale) for _ in range(2))
        value = [low, high] if op == "between" else low
    return rules.Condition(name, op, rules.check_value(name, op, value))


def random_rule(pick: random.Random, world: World) -> rules.Rule:
    groups = tuple(
        rules.Group(
            pick.choice(["all", "any"]),
            tuple(random_condition(pick, world) for _ in range(pick.randint(1, 3))),
        )
        for _ in range(pick.randint(0, 3))
    )
    return rules.Rule(pick.choice(["all", "any"]), groups)
