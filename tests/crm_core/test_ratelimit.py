"""The sliding-window limiter against the session's real Redis: tasks, processes, boundaries."""

import asyncio
import multiprocessing
from collections.abc import Awaitable, Callable
from multiprocessing.synchronize import Barrier
from typing import Any

import pytest

from crm_core import ratelimit
from crm_core.errors import RateLimitedError
from crm_core.redis import connect, get_redis

# (Redis time before the call, Redis time after it returned): the slot was taken in between.
Call = tuple[float, float]
Acquire = Callable[[str, int, float], Awaitable[Any]]


async def redis_now() -> float:
    seconds, microseconds = await get_redis().time()
    return seconds + microseconds / 1_000_000


async def timed(acquire: Acquire, key: str, limit: int, window: float) -> Call:
    before = await redis_now()
    await acquire(key, limit, window)
    return before, await redis_now()


def most_in_one_window(calls: list[Call], window: float) -> int:
    """The most calls certainly inside one window (ends included): those that started at or
    after a call's start and returned within `window` of it."""
    return max(
        sum(1 for before, after in calls if before >= start and after <= start + window)
        for start, _ in calls
    )


async def fixed_window(key: str, limit: int, window: float) -> None:
    """What a fixed window does (crm_core.ratelimit.take), polled: the counter the test rejects."""
    while True:
        try:
            await ratelimit.take([(key, limit, int(window))])
        except RateLimitedError:
            await asyncio.sleep(0.01)
        else:
            return


async def test_a_full_window_answers_the_wait_and_takes_nothing() -> None:
    assert [await ratelimit.try_acquire("rl:full", 3, 0.5) for _ in range(3)] == [0.0] * 3
    wait = await ratelimit.try_acquire("rl:full", 3, 0.5)
    assert 0 < wait <= 0.5
    assert await get_redis().zcard("rl:full") == 3
    assert 0.4 < await get_redis().pttl("rl:full") / 1000 <= 1.5


@pytest.mark.parametrize("limit", [0, -1], ids=["zero", "negative"])
async def test_a_window_needs_a_positive_limit(limit: int) -> None:
    with pytest.raises(ValueError, match="limit >= 1"):
        await ratelimit.try_acquire("rl:bad", limit, 1)
    assert await get_redis().exists("rl:bad") == 0


@pytest.mark.parametrize(
    ("acquire", "most"),
    [
        pytest.param(ratelimit.acquire, 3, id="sliding-holds"),
        pytest.param(fixed_window, 5, id="fixed-lets-the-boundary-through"),
    ],
)
async def test_no_window_across_a_boundary_holds_more_than_the_limit(
    acquire: Acquire, most: int
) -> None:
    """One call, then two late in the first second, then three more: a fixed window opens a
    fresh count at the boundary and lets five through within a second; the sliding one makes
    the last two wait for the late pair to leave."""
    calls = [await timed(acquire, "rl:edge", 3, 1.0)]
    await asyncio.sleep(0.6)
    calls += [await timed(acquire, "rl:edge", 3, 1.0) for _ in range(5)]
    assert most_in_one_window(calls, 1.0) == most


async def test_the_fourth_call_waits_for_the_first_to_leave() -> None:
    first = await timed(ratelimit.acquire, "rl:wait", 3, 0.5)
    for _ in range(2):
        await ratelimit.acquire("rl:wait", 3, 0.5)
    before = await redis_now()
    waited = await ratelimit.acquire("rl:wait", 3, 0.5)
    after = await redis_now()
    assert after - first[0] >= 0.5
    assert 0 < waited <= after - before


async def test_a_held_slot_counts_from_the_end_of_its_call() -> None:
    """A 0.3 s call in a 0.5 s window: the next slot opens 0.5 s after the call ended, not
    0.5 s after it started."""
    before = await redis_now()
    async with ratelimit.hold("rl:held", 1, 0.5):
        await asyncio.sleep(0.3)
    wait = await ratelimit.try_acquire("rl:held", 1, 0.5)
    after = await redis_now()
    # The call ended after before + 0.3 and the wait was asked before `after`.
    assert wait >= before + 0.3 + 0.5 - after
    assert await get_redis().zcard("rl:held") == 1


async def test_a_paced_call_counts_from_its_end_written_with_the_next_slot() -> None:
    """A Pace writes a call's end with the next call's slot: one Redis call per call, and the
    second of two 0.3 s calls in a 0.5 s window (limit 2) starts the window from its end."""
    pace = ratelimit.Pace("rl:paced", 2, 0.5)
    async with pace.hold():
        await asyncio.sleep(0.3)
    first_ended = await redis_now()
    async with pace.hold():
        await asyncio.sleep(0.3)
    before_close = await redis_now()
    await pace.aclose()
    scores = sorted(
        score for _, score in await get_redis().zrange("rl:paced", 0, -1, withscores=True)
    )
    # The first end was written when the second slot was taken (after the first call ended),
    # the second end by aclose: neither counts from its call's start.
    assert len(scores) == 2
    assert scores[0] / 1_000_000 >= first_ended - 0.01
    assert scores[1] / 1_000_000 >= before_close - 0.01
    wait = await ratelimit.try_acquire("rl:paced", 2, 0.5)
    assert wait >= scores[0] / 1_000_000 + 0.5 - await redis_now()


async def test_a_slot_released_by_a_failing_call_still_counts() -> None:
    with pytest.raises(RuntimeError, match="upstream"):
        async with ratelimit.hold("rl:failed", 1, 0.5):
            raise RuntimeError("upstream")
    assert 0 < await ratelimit.try_acquire("rl:failed", 1, 0.5) <= 0.5


async def test_concurrent_tasks_share_one_window() -> None:
    async def caller() -> list[Call]:
        return [await timed(ratelimit.acquire, "rl:tasks", 5, 0.4) for _ in range(3)]

    calls = [
        call for calls in await asyncio.gather(*(caller() for _ in range(12))) for call in calls
    ]
    assert len(calls) == 36
    assert most_in_one_window(calls, 0.4) == 5
    # 36 calls at 5 per window: the 36th comes at least 7 windows after the first.
    assert max(after for _, after in calls) - min(before for before, _ in calls) >= 7 * 0.4


def _process(url: str, start: Barrier, results: "multiprocessing.Queue[list[Call]]") -> None:
    async def run() -> list[Call]:
        connect(url)
        calls = [await timed(ratelimit.acquire, "rl:processes", 4, 0.5) for _ in range(4)]
        await get_redis().aclose()
        return calls

    start.wait()
    results.put(asyncio.run(run()))


async def test_processes_share_one_window(booted: Any) -> None:
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(4), context.Queue()
    processes = [
        context.Process(target=_process, args=(booted.redis, start, results)) for _ in range(4)
    ]
    for process in processes:
        process.start()
    gathered = [await asyncio.to_thread(results.get, True, 60) for _ in processes]
    for process in processes:
        await asyncio.to_thread(process.join, 10)
    calls = [call for calls in gathered for call in calls]
    assert [process.exitcode for process in processes] == [0] * 4
    assert len(calls) == 16
    assert most_in_one_window(calls, 0.5) == 4
    assert max(after for _, after in calls) - min(before for before, _ in calls) >= 3 * 0.5
