"""Group commit of the callback's dedupe INSERT: each delivery gets its own answer, committed."""

import asyncio
import time

import asyncpg
import pytest
from tortoise.exceptions import OperationalError

from crm_core import clock, jobs
from tests.wechat.callback_support import make_account
from wechat import repository
from wechat.models import InboundEvent
from wechat.service import group_commit, relay
from wechat.service.group_commit import GroupCommit
from wechat.service.replies import config_version
from wechat.xml import parse_xml


def row(account_id: int, key: str, **changes: object) -> dict[str, object]:
    return {
        "account_id": account_id,
        "dedupe_key": key,
        "openid": "o_gc",
        "msg_type": "text",
        "event": "",
        "event_key": "",
        "msg_id": key,
        "create_time": 1,
        "xml": f"<xml>{key}</xml>",
        "reply": f"reply-{key}",
        "received_at": clock.utc_now(),
        **changes,
    }


async def test_concurrent_deliveries_share_statements_and_each_gets_its_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    account = await make_account()
    statements: list[int] = []
    original = repository.insert_events_once

    async def counted(rows: list[dict[str, object]], connection: object = None) -> dict[str, int]:
        statements.append(len(rows))
        return await original(rows, connection)

    monkeypatch.setattr(repository, "insert_events_once", counted)
    await InboundEvent.create(**row(account.id, "k-old"))
    writer = GroupCommit(max_flushes=1)
    keys = [f"k{i}" for i in range(50)] + ["k-old", "k7", "k7"]

    answers = await asyncio.gather(*(writer.insert(row(account.id, k)) for k in keys))

    stored = dict(await InboundEvent.all().values_list("dedupe_key", "id"))
    assert answers == [stored[k] for k in keys[:50]] + [None, None, None]
    assert answers[7] == stored["k7"]
    assert sum(statements) == 51  # the in-batch repeat of k7 never reached the database
    assert len(statements) < 10  # shared statements, not one per delivery
    assert await InboundEvent.all().count() == 51
    assert (await InboundEvent.get(dedupe_key="k-old")).reply == "reply-k-old"


async def test_a_refused_row_fails_alone_and_its_neighbours_are_stored() -> None:
    account = await make_account()
    writer = GroupCommit()
    bad = row(account.id, "k-bad", openid="o" * 65)  # longer than the column allows

    results = await asyncio.gather(
        writer.insert(row(account.id, "k-a")),
        writer.insert(bad),
        writer.insert(row(account.id, "k-b")),
        return_exceptions=True,
    )

    stored = dict(await InboundEvent.all().values_list("dedupe_key", "id"))
    assert (results[0], results[2]) == (stored["k-a"], stored["k-b"])
    assert isinstance(results[1], OperationalError)
    assert isinstance(results[1].__cause__, asyncpg.exceptions.StringDataRightTruncationError)
    assert sorted(stored) == ["k-a", "k-b"]


async def test_the_row_is_committed_when_the_answer_arrives() -> None:
    account = await make_account()
    from tortoise import connections

    client = connections.get("default")
    assert await group_commit.writer.insert(row(account.id, "k-seen")) is not None
    # A session of its own, outside the pool: it sees the row only if it is committed.
    other = await asyncpg.connect(
        host=client.host,
        port=client.port,
        user=client.user,
        password=client.password,
        database=client.database,
    )
    try:
        assert (
            await other.fetchval(
                "SELECT count(*) FROM wechat_inbound_event WHERE dedupe_key = 'k-seen'"
            )
            == 1
        )
    finally:
        await other.close()


async def test_deliveries_arriving_while_drainers_finish_are_not_stranded() -> None:
    account = await make_account()
    writer = GroupCommit(max_flushes=1)

    async def trickle(start: int) -> list[int | None]:
        answers = []
        for i in range(start, start + 20):
            answers.append(await writer.insert(row(account.id, f"t{i}")))
            await asyncio.sleep(0)
        return answers

    done = await asyncio.wait_for(asyncio.gather(*(trickle(n * 100) for n in range(8))), 20)

    assert all(None not in answers for answers in done)
    assert await InboundEvent.all().count() == 160


async def test_config_version_is_fetched_once_by_concurrent_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from crm_core.redis import get_redis
    from wechat.service import replies

    await config_version()
    replies._version[replies.VERSION_KEY] = ("stale", time.monotonic() - 1)
    redis = get_redis()
    calls: list[str] = []
    original = redis.get

    async def counted(key: str) -> object:
        calls.append(key)
        return await original(key)

    monkeypatch.setattr(redis, "get", counted)
    versions = await asyncio.gather(*(config_version() for _ in range(20)))

    assert len(calls) == 1
    assert versions.count("stale") == 19
    assert versions[0] != "stale"


def test_parse_keeps_the_shape_of_nested_and_repeated_elements() -> None:
    data = parse_xml(
        b"<xml><Event>pic_weixin</Event><EventKey></EventKey><SendPicsInfo><Count>2</Count>"
        b"<PicList><item><PicMd5Sum>a</PicMd5Sum></item><item><PicMd5Sum>b</PicMd5Sum></item>"
        b'</PicList></SendPicsInfo><A x="1">t</A></xml>'
    )
    assert data == {
        "Event": "pic_weixin",
        "EventKey": None,
        "SendPicsInfo": {
            "Count": "2",
            "PicList": {"item": [{"PicMd5Sum": "a"}, {"PicMd5Sum": "b"}]},
        },
        "A": {"@x": "1", "#text": "t"},
    }


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            '<?xml version="1.0" encoding="utf-16"?><xml><a>x</a></xml>'.encode("utf-16"),
            id="utf-16",
        ),
        pytest.param(b"<xml><a>\xff</a></xml>", id="not-utf-8"),
    ],
)
def test_only_utf8_bodies_are_parsed(body: bytes) -> None:
    from wechat.errors import MalformedXmlError

    with pytest.raises(MalformedXmlError):
        parse_xml(body)


async def test_the_relay_claims_its_own_fresh_events_by_id(published_jobs: list[jobs.Job]) -> None:
    relay._fresh.clear()  # ids woken by earlier tests of the session
    account = await make_account()
    ids = [await group_commit.writer.insert(row(account.id, f"f{i}")) for i in range(3)]
    stray = await InboundEvent.create(**row(account.id, "f-stray"))  # another process's
    taken = await group_commit.writer.insert(row(account.id, "f-taken"))
    await InboundEvent.filter(id=taken).update(dispatched_at=clock.utc_now())  # swept already
    for event_id in [*ids, taken]:
        relay.wake(event_id)

    assert await relay.dispatch_fresh() == 3

    assert [job.kwargs for job in published_jobs] == [{"event_ids": sorted(ids)}]
    assert await InboundEvent.filter(dispatched_at=None).values_list("id", flat=True) == [stray.id]
    assert await relay.dispatch_fresh() == 0
    assert await relay.dispatch_pending() == 1  # the sweep finds the rest


async def test_the_relay_sweep_has_its_partial_index() -> None:
    from tortoise import connections

    rows = await connections.get("default").execute_query_dict(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'wechat_inbound_event_undispatched'"
    )
    assert [r["indexdef"] for r in rows] == [
        "CREATE INDEX wechat_inbound_event_undispatched ON public.wechat_inbound_event "
        "USING btree (id) WHERE (dispatched_at IS NULL)"
    ]
