"""Customer analysis: RFM classes, churn and its risk list, acquisition; all in the caller's
member data scope (members' first store or guide), phones masked."""

from typing import Any

from analytics.customers import repository, rules
from analytics.customers.repository import MEMBERS_FROM, RFM_FROM
from analytics.customers.schemas import (
    AcquisitionRow,
    BreakdownRow,
    ChurnRead,
    ClassCount,
    RfmMemberPage,
    RfmMemberRead,
)
from crm_core import clock
from crm_core.config import get_settings
from crm_core.permissions import Principal
from members.card import mask

PAGE_SIZE = 20
_AGE = (
    "CASE WHEN m.birthday IS NULL THEN '未知'"
    " WHEN age(m.birthday) < interval '25 years' THEN '25岁以下'"
    " WHEN age(m.birthday) < interval '35 years' THEN '25-34岁'"
    " WHEN age(m.birthday) < interval '45 years' THEN '35-44岁'"
    " ELSE '45岁及以上' END"
)
BREAKDOWNS = {
    "region": "coalesce(nullif(m.province, ''), '未知')",
    "gender": "m.gender::text",
    "age": _AGE,
    "tier": "coalesce((SELECT t.name FROM loyalty_tier t WHERE t.id = a.tier_id), '无等级')",
}
ACQUISITION = {
    "channel": "coalesce(nullif(m.first_channel, ''), '未知')",
    "store": "coalesce(m.first_store_id::text, '')",
    "guide": "coalesce(m.first_guide_id::text, '')",
}


async def rebuild_rfm() -> int:
    """The nightly rebuild: idempotent, the whole table replaced from the orders as of now."""
    settings = get_settings().analytics
    now = clock.utc_now()
    return await repository.rebuild(
        now, clock.to_local(now).date(), settings.rfm_window_days, settings.churn_days
    )


async def class_counts(principal: Principal) -> list[ClassCount]:
    rows = await repository.select(
        principal,
        RFM_FROM,
        "r.rfm_class AS code, count(*) AS n, coalesce(sum(r.monetary_fen), 0)::bigint AS fen",
        "GROUP BY r.rfm_class",
    )
    found = {r["code"]: r for r in rows}
    return [
        ClassCount(
            code=code,
            label=label,
            members=int(found.get(code, {}).get("n", 0)),
            monetary_fen=int(found.get(code, {}).get("fen", 0)),
        )
        for code, label in rules.LABELS.items()
    ]


async def _page(principal: Principal, where: str, params: list[Any], page: int) -> RfmMemberPage:
    columns = (
        "r.*, m.name, m.phone, count(*) OVER () AS total,"
        " coalesce(sum(r.monetary_fen) OVER (), 0)::bigint AS all_fen"
    )
    tail = f"{where} ORDER BY r.monetary_fen DESC, r.member_id OFFSET {(page - 1) * PAGE_SIZE}"
    rows = await repository.select(
        principal, RFM_FROM, columns, f"{tail} LIMIT {PAGE_SIZE}", params
    )
    items = [
        RfmMemberRead(
            member_id=r["member_id"],
            name=r["name"],
            phone_masked=mask(r["phone"]),
            recency_days=r["recency_days"],
            frequency=r["frequency"],
            monetary_fen=r["monetary_fen"],
            r_score=r["r_score"],
            f_score=r["f_score"],
            m_score=r["m_score"],
            rfm_class=r["rfm_class"],
            rfm_label=rules.LABELS[r["rfm_class"]],
            interval_days=r["interval_days"],
            churn_risk=r["churn_risk"],
            computed_on=r["computed_on"],
        )
        for r in rows
    ]
    total = int(rows[0]["total"]) if rows else 0
    return RfmMemberPage(items=items, total=total, page=page, page_size=PAGE_SIZE)


async def class_members(principal: Principal, rfm_class: str, page: int) -> RfmMemberPage:
    """Members of one class (or every class when empty), biggest spenders first (金牌 first)."""
    if rfm_class:
        return await _page(principal, "AND r.rfm_class = {p0}", [rfm_class], page)
    return await _page(principal, "", [], page)


async def risk_members(principal: Principal, page: int) -> RfmMemberPage:
    return await _page(principal, "AND r.churn_risk", [], page)


async def churn(principal: Principal) -> ChurnRead:
    """Churned and at-risk counts, churned members by the month they crossed the limit, and
    churn rates by region, gender, age band and tier."""
    days = get_settings().analytics.churn_days
    totals = await repository.select(
        principal,
        RFM_FROM,
        "count(*) AS buyers, count(*) FILTER (WHERE r.churned) AS churned,"
        " count(*) FILTER (WHERE r.churn_risk) AS at_risk",
    )
    trend = await repository.select(
        principal,
        RFM_FROM,
        "to_char(r.last_purchase_at + make_interval(days => {p0}::int), 'YYYY-MM') AS key,"
        " count(*) AS n",
        "AND r.churned GROUP BY 1 ORDER BY 1",
        [days],
    )
    breakdowns: dict[str, list[BreakdownRow]] = {}
    for name, expr in BREAKDOWNS.items():
        rows = await repository.select(
            principal,
            RFM_FROM,
            f"{expr} AS key, count(*) AS buyers, count(*) FILTER (WHERE r.churned) AS churned",
            "GROUP BY 1 ORDER BY 2 DESC, 1",
        )
        breakdowns[name] = [
            BreakdownRow(key=r["key"], buyers=r["buyers"], churned=r["churned"]) for r in rows
        ]
    head = totals[0]
    return ChurnRead(
        churn_days=days,
        buyers=head["buyers"],
        churned=head["churned"],
        at_risk=head["at_risk"],
        trend=[BreakdownRow(key=r["key"], buyers=0, churned=r["n"]) for r in trend],
        breakdowns=breakdowns,
    )


async def acquisition(principal: Principal, by: str, months: int) -> list[AcquisitionRow]:
    """New members per month (Asia/Shanghai) by first channel, store or guide."""
    since = clock.utc_now().replace(day=1)
    rows = await repository.select(
        principal,
        MEMBERS_FROM,
        "to_char(m.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month,"
        f" {ACQUISITION[by]} AS key, count(*) AS n",
        "AND m.created_at >= {p0}::timestamptz - make_interval(months => {p1}::int)"
        " GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2",
        [since, months - 1],
    )
    return [AcquisitionRow(month=r["month"], key=r["key"], members=r["n"]) for r in rows]
