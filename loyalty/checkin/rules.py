"""Pure check-in rules."""

from datetime import date, timedelta


def next_streak(last_day: date | None, last_streak: int, today: date) -> int:
    """Consecutive days including today; a missed day starts again at 1."""
    return last_streak + 1 if last_day == today - timedelta(days=1) else 1
