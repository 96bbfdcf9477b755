"""Named queries of the big wheel: counts under the member lock, and daily reports."""

from datetime import date

from tortoise import connections

from loyalty.lottery.models import Award, Draw, DrawOutcome


async def draws_today(activity_id: int, member_id: int, day: date) -> int:
    return await Draw.filter(activity_id=activity_id, member_id=member_id, day=day).count()


async def draws_total(activity_id: int, member_id: int) -> int:
    return await Draw.filter(activity_id=activity_id, member_id=member_id).count()


async def wins(activity_id: int, member_id: int) -> int:
    return await Award.filter(activity_id=activity_id, member_id=member_id).count()


REPORT_SQL = """
SELECT d.day, count(DISTINCT d.member_id) AS participants, count(*) AS draws,
       count(*) FILTER (WHERE d.outcome = $2) AS wins,
       count(a.id) FILTER (WHERE a.status IN ('granted', 'shipped', 'delivered')) AS claimed
FROM loyalty_lottery_draw d LEFT JOIN loyalty_lottery_award a ON a.draw_id = d.id
WHERE d.activity_id = $1 GROUP BY d.day ORDER BY d.day DESC
"""
BY_PRIZE_SQL = """
SELECT d.day, p.name, count(*) AS n FROM loyalty_lottery_draw d
JOIN loyalty_lottery_prize p ON p.id = d.prize_id
WHERE d.activity_id = $1 AND d.outcome = $2 GROUP BY d.day, p.name
"""


async def daily_report(activity_id: int) -> list[dict[str, object]]:
    connection = connections.get("default")
    rows = await connection.execute_query_dict(REPORT_SQL, [activity_id, DrawOutcome.WIN.value])
    prizes = await connection.execute_query_dict(BY_PRIZE_SQL, [activity_id, DrawOutcome.WIN.value])
    by_day: dict[date, dict[str, int]] = {}
    for row in prizes:
        by_day.setdefault(row["day"], {})[str(row["name"])] = int(row["n"])
    return [{**row, "by_prize": by_day.get(row["day"], {})} for row in rows]
