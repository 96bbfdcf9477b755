"""The funnel (count and amount per stage) and the weighted forecast, in the caller's scope."""

from datetime import date

from crm_core.permissions import Principal
from crm_core.sales.opportunities import repository, rules
from crm_core.sales.opportunities.models import Stage
from crm_core.sales.opportunities.schemas import (
    ForecastMonth,
    ForecastOwner,
    ForecastRead,
    FunnelRow,
)
from crm_core.sales.opportunities.service import stages


async def funnel(principal: Principal) -> list[FunnelRow]:
    await stages.ensure_defaults()
    totals = {r["stage_id"]: r for r in await repository.funnel_rows(principal)}
    return [
        FunnelRow(
            stage_id=s.id,
            stage_name=s.name,
            probability=s.probability,
            is_won=s.is_won,
            is_lost=s.is_lost,
            count=totals.get(s.id, {}).get("count", 0),
            amount_fen=int(totals.get(s.id, {}).get("amount") or 0),
        )
        for s in await Stage.all()
    ]


async def forecast(principal: Principal, since: date | None, until: date | None) -> ForecastRead:
    """Open opportunities: amount × their stage's probability, by expected-close month and by
    owner."""
    rows = await repository.open_totals(principal, since, until)
    probability = dict(await Stage.all().values_list("id", "probability"))
    parts = [
        (
            r["expected_close_date"],
            r["owner_id"],
            r["count"],
            int(r["amount"] or 0),
            probability.get(r["stage_id"], 0),
        )
        for r in rows
    ]
    months = rules.forecast((rules.month_of(d), n, a, p) for d, _, n, a, p in parts)
    owners = rules.forecast((o, n, a, p) for _, o, n, a, p in parts)
    names = await repository.staff_names({int(o.key) for o in owners})
    return ForecastRead(
        by_month=[
            ForecastMonth(
                month=str(m.key),
                count=m.count,
                amount_fen=m.amount_fen,
                weighted_fen=m.weighted_fen,
            )
            for m in months
        ],
        by_owner=sorted(
            (
                ForecastOwner(
                    owner_id=int(o.key),
                    owner_name=names.get(int(o.key), ""),
                    count=o.count,
                    amount_fen=o.amount_fen,
                    weighted_fen=o.weighted_fen,
                )
                for o in owners
            ),
            key=lambda o: (-o.weighted_fen, o.owner_id),
        ),
        weighted_fen=sum(m.weighted_fen for m in months),
    )
