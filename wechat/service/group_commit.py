"""Group commit for the callback's dedupe INSERT.

Each callback still waits for its own row to be committed before it replies, and still learns
whether its delivery was new or a duplicate; but deliveries arriving while a commit is in
flight are written together by the next statement (one round trip, one WAL flush). No timer:
when the database is idle a lone delivery is written at once, and under load the batch is what
arrived during the previous commit, so the wait never exceeds one commit. Up to MAX_FLUSHES
statements run at once (on separate pool connections), so the CPU work of one batch overlaps
the WAL flush of another.

A batch that fails as a whole (a row the database refuses, a deadlock) is retried row by row,
so one bad delivery never fails its neighbours.
"""

import asyncio
import contextvars
import logging

from wechat import repository

log = logging.getLogger(__name__)
MAX_ROWS = 200
MAX_BYTES = 4 * 1024 * 1024
MAX_FLUSHES = 4

Row = dict[str, object]


class GroupCommit:
    def __init__(
        self,
        *,
        max_rows: int = MAX_ROWS,
        max_bytes: int = MAX_BYTES,
        max_flushes: int = MAX_FLUSHES,
    ) -> None:
        self.max_rows, self.max_bytes, self.max_flushes = max_rows, max_bytes, max_flushes
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: list[tuple[Row, asyncio.Future[int | None]]] = []
        self._drainers: set[asyncio.Task[None]] = set()
        self._starting = False  # a drainer is scheduled but has not taken its batch yet

    async def insert(self, row: Row) -> int | None:
        """The id of this delivery's row once inserted and committed; None for a duplicate."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (a test, a fresh process): start clean
            self._loop, self._pending, self._drainers, self._starting = loop, [], set(), False
        future: asyncio.Future[int | None] = loop.create_future()
        self._pending.append((row, future))
        self._kick(loop)
        return await future

    def _kick(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._pending and not self._starting and len(self._drainers) < self.max_flushes:
            # Started on the next loop turn, so deliveries arriving in this one join its batch.
            # A context of its own: the drainer writes for every request, in none's transaction.
            self._starting = True
            drainer = loop.create_task(self._drain(), context=contextvars.Context())
            self._drainers.add(drainer)

    def _take(self) -> list[tuple[Row, asyncio.Future[int | None]]]:
        size = 0
        for count, (row, _) in enumerate(self._pending):
            size += len(str(row["xml"]))
            if count and (count >= self.max_rows or size > self.max_bytes):
                break
        else:
            count = len(self._pending)
        batch, self._pending = self._pending[:count], self._pending[count:]
        return batch

    async def _drain(self) -> None:
        batch: list[tuple[Row, asyncio.Future[int | None]]] = []
        self._starting = False
        try:
            try:
                async with repository.held_connection() as connection:
                    while self._pending:
                        batch = self._take()
                        await self._flush(batch, connection)
            except Exception:
                # No connection to hold (the database is down?): row by row through the pool,
                # so each waiting delivery gets its own answer or its own error.
                log.warning("group commit: no connection; writing rows one by one", exc_info=True)
                while self._pending:
                    batch = self._take()
                    await self._one_by_one(batch)
        finally:
            for _, future in batch:  # only if cancelled mid-flush
                if not future.done():
                    future.set_exception(RuntimeError("group commit interrupted"))
            # Deliveries that came while this drainer was giving its connection back.
            current = asyncio.current_task()
            if current is not None:
                self._drainers.discard(current)
            if self._loop is not None:
                self._kick(self._loop)

    async def _flush(
        self, batch: list[tuple[Row, asyncio.Future[int | None]]], connection: object
    ) -> None:
        first: dict[str, Row] = {}
        for row, _ in batch:
            first.setdefault(str(row["dedupe_key"]), row)
        try:
            inserted = await repository.insert_events_once(
                [first[k] for k in sorted(first)], connection
            )
        except Exception:
            log.warning(
                "group commit: batch of %d refused; writing rows one by one",
                len(first),
                exc_info=True,
            )
            await self._one_by_one(batch)
            return
        answered: set[str] = set()
        for row, future in batch:
            key = str(row["dedupe_key"])
            # Two deliveries of one event in the same batch: the first is new, the second not.
            _resolve(future, None if key in answered else inserted.get(key))
            answered.add(key)

    async def _one_by_one(self, batch: list[tuple[Row, asyncio.Future[int | None]]]) -> None:
        for row, future in batch:
            try:
                new = await repository.insert_event_once(**row)
            except Exception as error:
                if not future.done():
                    future.set_exception(error)
            else:
                _resolve(future, new)


def _resolve(future: asyncio.Future[int | None], value: int | None) -> None:
    if not future.done():  # the request may have gone (client disconnect)
        future.set_result(value)


writer = GroupCommit()
