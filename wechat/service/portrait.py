"""Portrait charts (source channel, store, guide, region, follow trend) as inline SVG bars.

Server-rendered so the console needs no chart library and no CDN.
"""

from collections import Counter
from datetime import date, timedelta
from html import escape

from crm_core import clock
from crm_core.permissions import Principal
from wechat import repository
from wechat.schemas import CountRead, DayCountRead, PortraitRead


def bar_chart(title: str, counts: list[tuple[str, int]], *, width: int = 420) -> str:
    rows = counts[:10] or [("暂无数据", 0)]
    top = max([c for _, c in rows] + [1])
    height = 28 * len(rows) + 34
    bars = []
    for index, (label, count) in enumerate(rows):
        y = 30 + index * 28
        length = int((width - 190) * count / top)
        bars.append(
            f'<text x="0" y="{y + 14}" font-size="13">{escape(label[:12])}</text>'
            f'<rect x="130" y="{y}" width="{length}" height="18" fill="#07c160"/>'
            f'<text x="{136 + length}" y="{y + 14}" font-size="12">{count}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}"><text x="0" y="16" font-size="15" '
        f'font-weight="bold">{escape(title)}</text>{"".join(bars)}</svg>'
    )


async def series(principal: Principal, *, days: int = 14) -> PortraitRead:
    """The portrait's counts over the fans in scope, most frequent first; the trend has one
    point per day (Asia/Shanghai) of the last `days`, zeros included."""
    fans = await (await repository.fans(principal)).all()
    stores, staff = await repository.names_of(
        {f.store_id for f in fans if f.store_id}, {f.guide_id for f in fans if f.guide_id}
    )
    codes = await repository.qrcode_names({f.first_qrcode_id for f in fans if f.first_qrcode_id})
    channel = Counter(f.channel or ("门店/导购" if f.store_id else "自然关注") for f in fans)
    qrcode = Counter(codes.get(f.first_qrcode_id or 0, "未扫码关注") for f in fans)
    store = Counter(stores.get(f.store_id or 0, "未归属门店") for f in fans)
    guide = Counter(staff.get(f.guide_id, "") for f in fans if f.guide_id)
    province = Counter(f.province or "未知" for f in fans)
    city = Counter(f.city or "未知" for f in fans)
    today = clock.local_now().date()
    trend: Counter[date] = Counter()
    for fan in fans:
        if fan.first_subscribed_at is not None:
            day = clock.to_local(fan.first_subscribed_at).date()
            if today - day < timedelta(days=days):
                trend[day] += 1
    axis = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    return PortraitRead(
        total=len(fans),
        subscribed=sum(1 for f in fans if f.subscribed),
        channel=_counts(channel),
        qrcode=_counts(qrcode),
        store=_counts(store),
        guide=_counts(guide),
        province=_counts(province),
        city=_counts(city),
        trend=[DayCountRead(day=day, count=trend[day]) for day in axis],
    )


def _counts(counter: Counter[str]) -> list[CountRead]:
    return [CountRead(label=label, count=count) for label, count in counter.most_common()]


def _pairs(counts: list[CountRead]) -> list[tuple[str, int]]:
    return [(c.label, c.count) for c in counts]


async def charts(principal: Principal, *, days: int = 14) -> dict[str, str]:
    data = await series(principal, days=days)
    trend = [(d.day.strftime("%m-%d"), d.count) for d in data.trend]
    return {
        "channel": bar_chart("来源渠道", _pairs(data.channel)),
        "store": bar_chart("门店", _pairs(data.store)),
        "guide": bar_chart("导购", _pairs(data.guide)),
        "region": bar_chart("地区（省）", _pairs(data.province)),
        "trend": bar_chart(f"近 {days} 天新增关注", trend[-10:]),
        "total": str(data.total),
        "subscribed": str(data.subscribed),
    }
