"""The WeChat callback's full path (signature, freshness, parse, atomic dedupe and store in
PostgreSQL, relay to Celery in batches, passive reply) against a bare wechatpy echo handler, in
the same process. The relay loop runs alongside, as in a web process, so its cost is counted.

Signed subscribe and text events, each unique so dedupe never short-circuits; closed loops at
rising concurrency give events/s, an open loop at 1,000 events/s gives p99 latency.

Run: python -m bench.webhook
"""

import asyncio
import itertools
import time

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse
from wechatpy import create_reply, parse_message
from wechatpy.utils import check_signature

from bench.support import Result, bench_database, report, run_closed_loop
from crm_core.audit import SYSTEM
from crm_core.celery import app as celery_app
from scrm.app import create_app
from wechat.crypto import random_nonce, sign
from wechat.models import AccountMode, AutoReply, InboundEvent, ReplyKind
from wechat.replies import cdata
from wechat.schemas import AccountCreate
from wechat.service import accounts, relay

APPID, TOKEN = "wxbench000000001", "benchtoken"
LEVELS = (1, 8, 32)
TOTAL = 1500
OPEN_RATE, OPEN_SECONDS = 1000, 3
_numbers = itertools.count(1)


def signed_event() -> tuple[dict[str, str], bytes]:
    number = next(_numbers)
    now = int(time.time())
    head = (f"<xml><ToUserName>{cdata('gh_bench')}</ToUserName>"
            f"<FromUserName>{cdata(f'o_bench_{number}')}</FromUserName>"
            f"<CreateTime>{now}</CreateTime>")
    if number % 2:
        xml = head + (f"<MsgType>{cdata('event')}</MsgType><Event>{cdata('subscribe')}</Event>"
                      f"<EventKey>{cdata('')}</EventKey></xml>")
    else:
        xml = head + (f"<MsgType>{cdata('text')}</MsgType><Content>{cdata('你好')}</Content>"
                      f"<MsgId>{10_000_000 + number}</MsgId></xml>")
    timestamp, nonce = str(now), random_nonce()
    return {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp,
            "nonce": nonce}, xml.encode()


def echo_app() -> FastAPI:
    bare = FastAPI()

    @bare.post("/wechat/{appid}/callback")
    async def echo(appid: str, request: Request) -> PlainTextResponse:
        query = request.query_params
        check_signature(TOKEN, query["signature"], query["timestamp"], query["nonce"])
        message = parse_message(await request.body())
        return PlainTextResponse(create_reply("", message).render() or "success")

    return bare


async def closed(client: httpx.AsyncClient, clients: int) -> Result:
    async def once() -> None:
        query, body = signed_event()
        response = await client.post(f"/wechat/{APPID}/callback", params=query, content=body)
        assert response.status_code == 200, response.text

    return await run_closed_loop(once, clients=clients, total=TOTAL)


async def open_loop(client: httpx.AsyncClient) -> Result:
    latencies: list[float] = []

    async def once() -> None:
        query, body = signed_event()
        started = time.perf_counter()
        await client.post(f"/wechat/{APPID}/callback", params=query, content=body)
        latencies.append((time.perf_counter() - started) * 1000)

    tasks = []
    started = time.perf_counter()
    for index in range(OPEN_RATE * OPEN_SECONDS):
        delay = started + index / OPEN_RATE - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(once()))
    await asyncio.gather(*tasks)
    return Result(len(latencies), time.perf_counter() - started, latencies)


async def main() -> None:
    async with bench_database():
        await accounts.create_account(SYSTEM, AccountCreate(
            appid=APPID, name="压测号", secret="s", token=TOKEN,  # type: ignore[arg-type]
            mode=AccountMode.PLAIN))
        account = (await accounts.list_accounts())[0]
        await AutoReply.create(account_id=account.id, kind=ReplyKind.FOLLOW, content="欢迎关注")
        full = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(boot=False)),
                                 base_url="http://bench")
        echo = httpx.AsyncClient(transport=httpx.ASGITransport(app=echo_app()),
                                 base_url="http://bench")
        stop = asyncio.Event()
        relaying = asyncio.create_task(relay.run_relay(stop))
        async with full, echo:
            await closed(full, 4)  # warm caches and pools
            best: tuple[Result, Result] | None = None
            for clients in LEVELS:
                subject, baseline = await closed(full, clients), await closed(echo, clients)
                print(f"clients={clients}: full {subject.rate:,.0f} events/s, "
                      f"echo {baseline.rate:,.0f} events/s, "
                      f"ratio {subject.rate / baseline.rate:.2f}")
                if best is None or subject.rate > best[0].rate:
                    best = (subject, baseline)
            assert best is not None
            report("webhook full path (best level)", *best, unit="events/s")
            paced = await open_loop(full)
            print(f"open loop at {OPEN_RATE} events/s for {OPEN_SECONDS} s: achieved "
                  f"{paced.rate:,.0f} events/s, p50 {paced.median_ms:.1f} ms, "
                  f"p99 {paced.percentile(0.99):.1f} ms")
        stop.set()
        await relaying
        pending = await InboundEvent.filter(dispatched_at=None).count()
        print(f"relayed to workers: all but {pending} events")
    # The throw-away database is gone; drop the jobs it enqueued.
    celery_app.control.purge()


if __name__ == "__main__":
    asyncio.run(main())
