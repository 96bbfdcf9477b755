"""RFM rules, pure: quintile scores, the eight classes, churn risk.

Scores are quintiles of the buying members (`ceil(5 × cume_dist)`, so ties share a score):
5 is the most recent, most frequent, biggest spender. A member is "high" on a dimension when
their score is above the mean score of all buying members; the three high/low flags pick one
of the classic eight classes.
"""

from dataclasses import dataclass

WINDOW_DAYS = 365
CHURN_DAYS = 180

# (R high, F high, M high) -> class code; labels below.
CLASSES: dict[tuple[bool, bool, bool], str] = {
    (True, True, True): "important_value",
    (True, False, True): "important_develop",
    (False, True, True): "important_keep",
    (False, False, True): "important_retain",
    (True, True, False): "general_value",
    (True, False, False): "general_develop",
    (False, True, False): "general_keep",
    (False, False, False): "general_retain",
}
LABELS: dict[str, str] = {
    "important_value": "重要价值客户",
    "important_develop": "重要发展客户",
    "important_keep": "重要保持客户",
    "important_retain": "重要挽留客户",
    "general_value": "一般价值客户",
    "general_develop": "一般发展客户",
    "general_keep": "一般保持客户",
    "general_retain": "一般挽留客户",
}


@dataclass(frozen=True)
class Purchases:
    member_id: int
    recency_days: int
    frequency: int
    monetary_fen: int


def quintile(value: int, values: list[int]) -> int:
    """1..5: ceil(5 × k / n) for the k of n values ≤ this one, in integers as the SQL does."""
    k = sum(1 for v in values if v <= value)
    return (5 * k + len(values) - 1) // len(values)


def classify(scores: tuple[int, int, int], sums: tuple[int, int, int], n: int) -> str:
    """Above the mean score (score × n > sum of scores, exact) is high."""
    r, f, m = (s * n > total for s, total in zip(scores, sums, strict=True))
    return CLASSES[(r, f, m)]


def class_sql(r: str, f: str, m: str, n: str) -> str:
    """`classify` as a SQL CASE over score columns and their window sums."""
    whens = " ".join(
        f"WHEN ({r} * {n} > sum({r}) OVER ()) = {hr} AND ({f} * {n} > sum({f}) OVER ()) = {hf}"
        f" AND ({m} * {n} > sum({m}) OVER ()) = {hm} THEN '{code}'"
        for (hr, hf, hm), code in CLASSES.items()
    )
    return f"CASE {whens} END"


def score(rows: list[Purchases]) -> dict[int, tuple[int, int, int, str]]:
    """member_id -> (r, f, m, class): the reference the set-based SQL is tested against."""
    recencies = [-p.recency_days for p in rows]  # fewer days is better
    frequencies = [p.frequency for p in rows]
    spends = [p.monetary_fen for p in rows]
    scores = {
        p.member_id: (
            quintile(-p.recency_days, recencies),
            quintile(p.frequency, frequencies),
            quintile(p.monetary_fen, spends),
        )
        for p in rows
    }
    sums = (
        sum(s[0] for s in scores.values()),
        sum(s[1] for s in scores.values()),
        sum(s[2] for s in scores.values()),
    )
    return {k: (*s, classify(s, sums, len(scores))) for k, s in scores.items()}


def churn_risk(recency_days: int, interval_days: int | None, churn_days: int) -> bool:
    """Not churned yet, but overdue against the member's own rhythm: past their usual interval
    and within one more interval of churning (one-purchase members: past half the limit)."""
    if recency_days >= churn_days:
        return False
    if interval_days is None:
        return recency_days >= churn_days // 2
    return recency_days >= max(interval_days, churn_days - interval_days)
