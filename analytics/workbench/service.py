"""The workbench (工作台): KPI cards, 30-day trends, rankings, marketing figures and a guide's own
figures, composed from every package below, each part only for the permission behind it."""

from collections import Counter
from datetime import date, datetime

from analytics.schemas import (
    GuideRead,
    KpiRead,
    MarketingRead,
    QrRow,
    RankingsRead,
    RankRow,
    TrendRead,
    WorkbenchRead,
)
from analytics.workbench import repository, rules
from analytics.workbench.rules import Window, local_day
from crm_core import clock
from crm_core.permissions import Principal
from wechat.service import inbox

REDEEMED_KINDS = {"redeem", "lottery_cost", "mall"}
Fans = list[tuple[datetime, int | None, int | None]]
Sales = list[tuple[datetime, int, int | None, int]]


def _ranked(totals: Counter[int], names: dict[int, str]) -> list[RankRow]:
    return [RankRow(id=i, name=names.get(i, ""), value=v) for i, v in rules.top(totals)]


class _Figures:
    """The raw rows read once and shared by the KPI, trend and ranking sections."""

    def __init__(self) -> None:
        self.daily: dict[str, Counter[date]] = {}
        self.fans: Fans = []
        self.sales: Sales = []


async def _read(principal: Principal, window: Window) -> _Figures:
    since, figures = window.since(), _Figures()
    if principal.can("wechat.fan:view"):
        figures.fans = await repository.new_fans(principal, since)
        figures.daily["new_fans"] = rules.by_day((local_day(at), 1) for at, _, _ in figures.fans)
    if principal.can("members.member:view"):
        joined = await repository.new_members(principal, since)
        figures.daily["new_members"] = rules.by_day((local_day(at), 1) for at in joined)
    if principal.can("sales.order:view"):
        figures.sales = await repository.sales(principal, since)
        figures.daily["sales_fen"] = rules.by_day(
            (local_day(at), net) for at, _, _, net in figures.sales
        )
    if principal.can("loyalty.points:view"):
        entries = await repository.points(principal, since)
        figures.daily["points_issued"] = rules.by_day(
            (local_day(at), d) for at, _, d in entries if d > 0
        )
        figures.daily["points_redeemed"] = rules.by_day(
            (local_day(at), -d) for at, kind, d in entries if kind in REDEEMED_KINDS
        )
        figures.daily["points_expired"] = rules.by_day(
            (local_day(at), -d) for at, kind, d in entries if kind == "expire"
        )
    return figures


def _in_window(moment: datetime, window: Window) -> bool:
    return window.first <= local_day(moment) <= window.today


async def _rankings(principal: Principal, figures: _Figures, window: Window) -> RankingsRead | None:
    result = RankingsRead()
    fans = [row for row in figures.fans if _in_window(row[0], window)]
    orders = [row for row in figures.sales if _in_window(row[0], window)]
    if principal.can("org.staff:view"):
        if principal.can("wechat.fan:view"):
            guides = Counter(g for _, _, g in fans if g)
            result.guides_by_new_fans = _ranked(guides, await repository.staff_names(list(guides)))
        if principal.can("sales.order:view"):
            # Orders carry no guide: the member's first guide (their attribution) earns the sale.
            owner = await repository.first_guides({m for _, _, m, _ in orders if m})
            sold: Counter[int] = Counter()
            for _, _, member, net in orders:
                if member in owner:
                    sold[owner[member]] += net
            result.guides_by_sales_fen = _ranked(sold, await repository.staff_names(list(sold)))
    if principal.can("org.store:view"):
        if principal.can("wechat.fan:view"):
            stores = Counter(s for _, s, _ in fans if s)
            result.stores_by_new_fans = _ranked(stores, await repository.store_names(list(stores)))
        if principal.can("sales.order:view"):
            by_store: Counter[int] = Counter()
            for _, store, _, net in orders:
                by_store[store] += net
            names = await repository.store_names(list(by_store))
            result.stores_by_sales_fen = _ranked(by_store, names)
    return result if result.model_dump(exclude_none=True) else None


async def _marketing(principal: Principal, window: Window) -> MarketingRead | None:
    result, since = MarketingRead(), rules.start_of(window.first)
    if principal.can("wechat.qrcode:view"):
        scans: Counter[int] = Counter()
        follows: Counter[int] = Counter()
        names: dict[int, str] = {}
        for qrcode_id, name, scanned, followed in await repository.qr_stats(
            principal, window.first, window.today
        ):
            scans[qrcode_id] += scanned
            follows[qrcode_id] += followed
            names[qrcode_id] = name
        result.qrcodes = [
            QrRow(id=i, name=names[i], scans=s, new_follows=follows[i]) for i, s in rules.top(scans)
        ]
    if principal.can("loyalty.lottery:view"):
        result.lottery_draws, result.lottery_awards = await repository.lottery_counts(
            principal, window.first, since
        )
    if principal.can("loyalty.coupon:view"):
        result.coupons_issued, result.coupons_used = await repository.coupon_counts(
            principal, since
        )
    return result if result.model_dump(exclude_none=True) else None


async def _guide(principal: Principal, figures: _Figures, window: Window) -> GuideRead | None:
    if not principal.can("wechat.fan:view") or not await repository.is_guide(principal.staff_id):
        return None
    mine = rules.by_day((local_day(at), 1) for at, _, g in figures.fans if g == principal.staff_id)
    conversations = await inbox.conversations(principal, mine=True, limit=500)
    can_fulfil = principal.can("loyalty.mall:view") or principal.can("loyalty.lottery:view")
    return GuideRead(
        fans=await repository.own_fans(principal.staff_id),
        new_fans_trend=rules.series(mine, window),
        unanswered_conversations=len(await inbox.waiting(conversations)),
        pending_fulfilments=await repository.pending_fulfilments(principal) if can_fulfil else None,
    )


async def workbench(principal: Principal) -> WorkbenchRead:
    window = Window(clock.local_now().date())
    figures = await _read(principal, window)
    kpis = {
        name: KpiRead(**vars(rules.kpi(totals, window))) for name, totals in figures.daily.items()
    }
    series = {name: rules.series(totals, window) for name, totals in figures.daily.items()}
    return WorkbenchRead(
        today=window.today,
        kpis=kpis,
        trend=TrendRead(dates=window.days(), series=series),
        rankings=await _rankings(principal, figures, window),
        marketing=await _marketing(principal, window),
        guide=await _guide(principal, figures, window),
    )
