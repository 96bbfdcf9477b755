"""1,000 mixed short and long Chinese SMS through 4 simulated modems, each paced by the network
(the simulator's ``send_rate``), with one `scrm modem-daemon` process per modem.

Prints the parts accepted per second as a ratio to the modems' combined limit over the same
window (target ≥ 0.95), plus lost and duplicated message counts (must be 0).

Run: python -m bench.sms
"""

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter

from bench.support import bench_database
from sms_gateway.models import Modem, ModemState, SmsMessage, SmsPart, SmsStatus
from sms_gateway.service.messages import send_message
from sms_gateway.simulator import ModemSim

MODEMS, MESSAGES = 4, 1000
TIME_SCALE = 0.01
SEND_RATE = 0.05  # parts per simulated second = 3/min per SIM; 5 parts/s each at TIME_SCALE
LONG = (
    "尊敬的会员您好，双十一大促已开启，全场满300减50，会员再享9折，积分可抵现，"
    "活动时间11月1日至11月11日，数量有限，先到先得，详情请登录官网或关注公众号查询。"
)


def text_for(index: int) -> str:
    if index % 3 == 0:
        return f"{LONG}编号{index}" + ("，另赠优惠券一张，限本人使用。" if index % 2 else "")
    return f"您的订单{index:05d}已发货，请注意查收。"


def start_daemon(url: str) -> subprocess.Popen[bytes]:
    # The child daemon inherits the bench database's URLs; the network, not the daemon's own
    # token bucket, is the limit under test.
    settings = {
        "SCRM_SMS__PARTS_PER_MINUTE": "0",
        "SCRM_SMS__POLL_SECONDS": "0.05",
        "SCRM_SMS__HEARTBEAT_SECONDS": "3600",
    }
    env = {**os.environ, **settings}
    return subprocess.Popen(
        [sys.executable, "-m", "scrm.cli", "modem-daemon", "--port", url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )


async def wait_for(check: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not await check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark did not finish in time")
        await asyncio.sleep(0.2)


async def main() -> None:
    async with bench_database() as urls:
        os.environ.update(
            {
                "DATABASE_URL": urls.database,
                "REDIS_URL": urls.redis,
            }
        )
        simulators = [
            ModemSim(
                imsi=f"4600099{index:08d}",
                seed=index,
                time_scale=TIME_SCALE,
                send_rate=SEND_RATE,
                submit_latency=0.5,
                registration=2,
                cnmi_ds_supported=(0, 1),
            )
            for index in range(MODEMS)
        ]
        daemons = [start_daemon(sim.start()) for sim in simulators]
        try:
            messages = [
                await send_message(f"139{index:08d}", text_for(index)) for index in range(MESSAGES)
            ]
            total_parts = sum(m.part_count for m in messages)

            async def online() -> bool:
                return await Modem.filter(state=ModemState.ONLINE).count() == MODEMS

            await wait_for(online, 60)
            # No network yet: every daemon is up and idle. Registration starts the race for all.
            for sim in simulators:
                sim.set_registration(1)
            finals = {SmsStatus.SENT, SmsStatus.DELIVERED, SmsStatus.FAILED, SmsStatus.UNKNOWN}

            async def done() -> bool:
                return not await SmsMessage.exclude(status__in=finals).exists()

            await wait_for(done, 600)
            await report(simulators, messages, total_parts)
        finally:
            for daemon in daemons:
                daemon.terminate()
            for daemon in daemons:
                daemon.wait(30)
            for sim in simulators:
                sim.stop()


async def report(simulators: list[ModemSim], messages: list[SmsMessage], total_parts: int) -> None:
    submits = [submit for sim in simulators for submit in sim.submits]
    first, last = min(s.time for s in submits), max(s.time for s in submits)
    per_modem_limit = SEND_RATE / TIME_SCALE
    # The most the pacing lets through in [first, last]: one part per interval per modem.
    allowed = MODEMS * (per_modem_limit * (last - first) + 1)
    received = Counter(
        (m.destination, m.text) for sim in simulators for m in sim.messages() if m.complete
    )
    wanted = {(m.recipient, m.text) for m in messages}
    lost = len(wanted - set(received))
    duplicated = sum(count - 1 for key, count in received.items() if key in wanted and count > 1)
    statuses = Counter(m.status.value for m in await SmsMessage.all())
    split_sims = await SmsPart.filter(modem_id__isnull=False).values_list("message_id", "modem_id")
    spread = Counter(message_id for message_id, _ in set(split_sims))
    print(
        f"messages: {len(messages)}  parts: {total_parts} (submitted {len(submits)})  "
        f"modems: {MODEMS} × {per_modem_limit:.0f} parts/s"
    )
    print(
        f"throughput: {len(submits) / (last - first):.1f} parts/s over {last - first:.1f} s; "
        f"combined limit {MODEMS * per_modem_limit:.0f} parts/s"
    )
    print(f"ratio: {len(submits) / allowed:.3f} (target ≥ 0.95)")
    print(
        f"lost: {lost}  duplicated: {duplicated}  "
        f"messages split across SIMs: {sum(1 for c in spread.values() if c > 1)}"
    )
    print(f"statuses: {dict(statuses)}")


if __name__ == "__main__":
    asyncio.run(main())
