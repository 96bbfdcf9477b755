"""The guide workbench: my codes, my fans, my ranking today and this month."""

from collections import Counter
from datetime import datetime, time
from typing import Any

from crm_core import clock
from crm_core.org.models import Staff
from wechat.models import Fan, QrCode, QrKind, QrStatus


async def workbench(staff_id: int) -> dict[str, Any]:
    me = await Staff.get(id=staff_id)
    codes = await QrCode.filter(
        guide_id=staff_id, kind=QrKind.GUIDE, status=QrStatus.ACTIVE
    ).order_by("id")
    my_fans = await Fan.filter(guide_id=staff_id).order_by("-id").limit(50)
    today = clock.local_now().date()
    starts = {
        "today": datetime.combine(today, time(), clock.SHANGHAI),
        "month": datetime.combine(today.replace(day=1), time(), clock.SHANGHAI),
    }
    store_id = me.store_id  # type: ignore[attr-defined]
    colleagues = dict(
        await Staff.filter(store_id=store_id, is_guide=True).values_list("id", "name")
    )
    ranking: dict[str, list[tuple[str, int, bool]]] = {}
    for period, start in starts.items():
        counts = Counter(
            await Fan.filter(
                guide_id__in=list(colleagues), first_subscribed_at__gte=start
            ).values_list("guide_id", flat=True)
        )
        ranking[period] = sorted(
            ((str(colleagues[g]), counts.get(g, 0), g == staff_id) for g in colleagues),
            key=lambda r: -r[1],
        )
    return {
        "me": me,
        "codes": codes,
        "fans": my_fans,
        "ranking": ranking,
        "total": await Fan.filter(guide_id=staff_id).count(),
    }
