"""The fan portrait's counts (source channel, QR code, store, guide, region, follow trend)."""

from collections import Counter
from datetime import date, timedelta

from crm_core import clock
from crm_core.permissions import Principal
from wechat import repository
from wechat.schemas import CountRead, DayCountRead, PortraitRead


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
