"""Red packets from check-in streaks, the big wheel and the mall, paid through the sandbox's
WeChat Pay: exactly one payment per reward, whatever the retries, races and SYSTEMERRORs."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from pydantic import ValidationError

from crm_core import clock, jobs, vault
from crm_core.audit import SYSTEM
from crm_core.config import get_settings
from crm_core.org.models import Department
from loyalty.checkin.models import Checkin, StreakReward
from loyalty.checkin.schemas import StreakRewardSet
from loyalty.checkin.service import AlreadyCheckedInError, check_in
from loyalty.lottery.models import Award, AwardStatus, PrizeKind
from loyalty.lottery.service import draw
from loyalty.mall.models import ExchangeStatus, ItemKind, MallItem, MallOrder
from loyalty.mall.schemas import ExchangeCreate
from loyalty.mall.service import exchange
from loyalty.redpackets import rules
from loyalty.redpackets.models import RedPacket, RedPacketSource, RedPacketStatus
from loyalty.tasks import resume_red_packets, send_red_packet
from members.models import Member, MemberIdentity
from tests.factories import bearer, make_staff
from tests.loyalty.factories import make_activity, make_member, make_prize, make_program
from tests.wechat.conftest import sandbox, sandbox_server  # noqa: F401 - shared fixtures
from tests.wechat.support import APPID, Served
from wechat.models import OfficialAccount
from wechat.sandbox.state import Injection, Merchant, SandboxState
from wechat.schemas import MerchantSet
from wechat.service import pay

MCH_ID = "1900000109"
API_KEY = "sandbox-pay-key-0123456789abcdef"
SEND = "/mmpaymkttransfers/sendredpack"
QUERY = "/mmpaymkttransfers/gethbinfo"


@pytest.fixture
async def paying(
    sandbox: SandboxState,
    sandbox_server: Served,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Merchant]:
    monkeypatch.setenv("WECHAT_PAY_API_BASE", sandbox_server.url)
    get_settings.cache_clear()
    merchant = Merchant(MCH_ID, API_KEY, appids=[APPID], balance_fen=100_000)
    sandbox.merchants[MCH_ID] = merchant
    account = await OfficialAccount.create(
        appid=APPID, name="测试号", secret_sealed=vault.seal("s"), token_sealed=vault.seal("t")
    )
    await pay.set_merchant(
        SYSTEM,
        MerchantSet(account_id=account.id, mch_id=MCH_ID, api_key=API_KEY, send_name="示例品牌"),
    )
    yield merchant
    get_settings.cache_clear()


async def follower(openid: str = "o_alice") -> Member:
    member = await make_member()
    await MemberIdentity.create(
        member=member, kind="openid", appid=APPID, value=openid, created_at=clock.utc_now()
    )
    return member


async def streak_packet(member: Member, fen: int = 888) -> tuple[Checkin, RedPacket]:
    """Two check-ins on consecutive days; the second earns the streak red packet."""
    await make_program(checkin_points=5)
    await StreakReward.create(streak_days=2, points=10, red_packet_fen=fen)
    with clock.freeze(datetime(2026, 3, 1, 2, 0, tzinfo=UTC)):
        await check_in(member.id)
        clock.advance(timedelta(days=1))
        await check_in(member.id)
    checkin = await Checkin.get(member_id=member.id, streak=2)
    return checkin, await RedPacket.get(source=RedPacketSource.CHECKIN, source_id=checkin.id)


async def wheel_packet(member: Member, fen: int = 666) -> RedPacket:
    activity = await make_activity(name="周年庆大转盘")
    await make_prize(
        activity, name="6.66元红包", kind=PrizeKind.RED_PACKET, weight=1, red_packet_fen=fen
    )
    result = await draw(activity.id, member.id, key="draw-1")
    assert result.award_id is not None
    return await RedPacket.get(source=RedPacketSource.LOTTERY, source_id=result.award_id)


def test_bill_number_is_28_characters_and_derived_from_the_cause() -> None:
    number = rules.mch_billno(MCH_ID, RedPacketSource.LOTTERY, 42, date(2026, 3, 2))
    assert number == "1900000109202603022000000042"
    assert len(number) == 28
    assert rules.mch_billno(MCH_ID, RedPacketSource.MALL, 42, date(2026, 3, 2)) != number
    with pytest.raises(ValueError, match="out of range"):
        rules.mch_billno(MCH_ID, RedPacketSource.MALL, 10**9, date(2026, 3, 2))


@pytest.mark.parametrize("fen", [50, 20_001], ids=["under-1-yuan", "over-200-yuan"])
def test_streak_reward_amount_is_validated(fen: int) -> None:
    with pytest.raises(ValidationError):
        StreakRewardSet(streak_days=3, red_packet_fen=fen)


async def test_streak_red_packet_is_recorded_and_its_send_enqueued_after_commit(
    published_jobs: list[jobs.Job],
) -> None:
    member = await follower()
    checkin, packet = await streak_packet(member)
    assert (checkin.red_packet_fen, packet.amount_fen, packet.status) == (
        888,
        888,
        RedPacketStatus.PENDING,
    )
    assert packet.day == date(2026, 3, 2)
    assert packet.mch_billno is None
    assert [j for j in published_jobs if j.name == "loyalty.send_red_packet"] == [
        jobs.Job("loyalty.send_red_packet", {"red_packet_id": packet.id})
    ]


async def test_streak_red_packet_pays_once_when_the_task_runs_twice_concurrently(
    paying: Merchant, sandbox: SandboxState
) -> None:
    member = await follower()
    checkin, packet = await streak_packet(member)
    sandbox.injections.append(Injection(path=SEND, latency_ms=300))
    statuses = await asyncio.gather(send_red_packet(packet.id), send_red_packet(packet.id))
    again = await send_red_packet(packet.id)

    await packet.refresh_from_db()
    assert sorted(statuses) == ["sent", "unknown"]  # the loser saw the winner's lease
    assert again == "sent"
    assert packet.status == RedPacketStatus.SENT
    assert packet.mch_billno == f"{MCH_ID}202603021{checkin.id:09d}"
    assert (packet.openid, packet.attempts, packet.wechat_status) == ("o_alice", 1, "SENT")
    assert packet.send_listid == sandbox.redpacks[(MCH_ID, packet.mch_billno)].send_listid
    assert sandbox.calls[SEND] == 1
    assert len(sandbox.redpacks) == 1
    assert paying.balance_fen == 100_000 - 888


async def test_without_the_lease_two_workers_still_pay_once_on_the_same_bill_number(
    paying: Merchant,
    sandbox: SandboxState,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The last line of defence: both workers send, WeChat pays one bill number once."""
    from loyalty.redpackets import service

    monkeypatch.setattr(service, "LEASE", timedelta(0))
    member = await follower()
    _, packet = await streak_packet(member)
    sandbox.injections.append(Injection(path=SEND, latency_ms=800))

    async def second_worker() -> str:
        await asyncio.sleep(0.15)  # the first send is in flight, its answer not yet back
        return await send_red_packet(packet.id)

    statuses = await asyncio.gather(send_red_packet(packet.id), second_worker())

    await packet.refresh_from_db()
    assert statuses == ["sent", "sent"]
    assert (packet.status, packet.attempts) == (RedPacketStatus.SENT, 2)
    assert (sandbox.calls[SEND], sandbox.calls[QUERY]) == (2, 1)
    assert len(sandbox.redpacks) == 1
    assert paying.balance_fen == 100_000 - 888


@pytest.mark.parametrize(
    ("effective", "sends"),
    [(False, 2), (True, 1)],
    ids=["error-before-paying", "paid-but-answer-lost"],
)
async def test_wheel_red_packet_after_systemerror_pays_exactly_once(
    paying: Merchant,
    sandbox: SandboxState,
    effective: bool,
    sends: int,
) -> None:
    member = await follower()
    packet = await wheel_packet(member)
    award = await Award.get(id=packet.source_id)
    assert award.status == AwardStatus.PENDING_PAYOUT
    sandbox.injections.append(Injection(path=SEND, err_code="SYSTEMERROR", effective=effective))

    assert await send_red_packet(packet.id) == "sent"

    await packet.refresh_from_db()
    await award.refresh_from_db()
    assert (packet.status, packet.attempts, packet.err_code) == (RedPacketStatus.SENT, 1, "")
    assert award.status == AwardStatus.GRANTED
    assert (sandbox.calls[SEND], sandbox.calls[QUERY]) == (sends, 1)
    assert [p.total_amount for p in sandbox.redpacks.values()] == [666]
    assert paying.balance_fen == 100_000 - 666


async def test_unanswered_query_stays_unknown_and_the_next_run_queries_before_sending(
    paying: Merchant, sandbox: SandboxState
) -> None:
    member = await follower()
    packet = await wheel_packet(member)
    sandbox.injections += [
        Injection(path=SEND, err_code="SYSTEMERROR", effective=True),
        Injection(path=QUERY, err_code="SYSTEMERROR"),
    ]

    assert await send_red_packet(packet.id) == "unknown"
    await packet.refresh_from_db()
    assert (packet.status, packet.err_code, packet.lease_until) == (
        RedPacketStatus.UNKNOWN,
        "SYSTEMERROR",
        None,
    )
    assert (await Award.get(id=packet.source_id)).status == AwardStatus.PENDING_PAYOUT

    assert await send_red_packet(packet.id) == "sent"
    await packet.refresh_from_db()
    assert (packet.status, packet.attempts, packet.wechat_status) == (
        RedPacketStatus.SENT,
        2,
        "SENT",
    )
    assert (sandbox.calls[SEND], sandbox.calls[QUERY]) == (1, 2)
    assert len(sandbox.redpacks) == 1
    assert paying.balance_fen == 100_000 - 666


async def test_a_crashed_worker_leaves_unknown_and_the_sweeper_queries_instead_of_paying_again(
    paying: Merchant,
    sandbox: SandboxState,
    published_jobs: list[jobs.Job],
) -> None:
    member = await follower()
    packet = await wheel_packet(member)
    assert await send_red_packet(packet.id) == "sent"
    # As if the worker died after WeChat paid but before recording it.
    await RedPacket.filter(id=packet.id).update(
        status=RedPacketStatus.UNKNOWN, lease_until=clock.utc_now() - timedelta(1)
    )
    with clock.freeze(clock.utc_now() + timedelta(minutes=5)):
        published_jobs.clear()
        assert await resume_red_packets() == 1
    assert published_jobs == [jobs.Job("loyalty.send_red_packet", {"red_packet_id": packet.id})]
    assert await send_red_packet(packet.id) == "sent"
    assert (sandbox.calls[SEND], sandbox.calls[QUERY]) == (1, 1)
    assert paying.balance_fen == 100_000 - 666


async def test_not_enough_balance_fails_then_a_retry_resends_the_same_bill(
    paying: Merchant, sandbox: SandboxState
) -> None:
    paying.balance_fen = 100
    member = await follower()
    packet = await wheel_packet(member)

    assert await send_red_packet(packet.id) == "failed"
    await packet.refresh_from_db()
    billno = packet.mch_billno
    assert (packet.status, packet.err_code) == (RedPacketStatus.FAILED, "NOTENOUGH")
    assert "余额不足" in packet.err_message
    assert await send_red_packet(packet.id) == "failed"  # a plain redelivery does not resend
    assert sandbox.calls[SEND] == 1
    assert sandbox.redpacks == {}
    assert (await Award.get(id=packet.source_id)).status == AwardStatus.PENDING_PAYOUT

    paying.balance_fen = 1000
    assert await send_red_packet(packet.id, retry_failed=True) == "sent"
    await packet.refresh_from_db()
    assert packet.mch_billno == billno
    assert list(sandbox.redpacks) == [(MCH_ID, billno)]
    assert paying.balance_fen == 334


async def test_member_without_openid_fails_without_calling_wechat(
    paying: Merchant, sandbox: SandboxState
) -> None:
    member = await make_member()
    packet = await wheel_packet(member)
    assert await send_red_packet(packet.id) == "failed"
    await packet.refresh_from_db()
    assert (packet.err_code, packet.mch_billno, packet.attempts) == ("no_openid", None, 0)
    assert sandbox.calls[SEND] == 0


async def test_no_merchant_configured_fails_and_pays_nothing(sandbox: SandboxState) -> None:
    member = await follower()
    packet = await wheel_packet(member)
    assert await send_red_packet(packet.id) == "failed"
    await packet.refresh_from_db()
    assert (packet.err_code, packet.mch_billno) == ("no_merchant", None)
    assert sandbox.calls[SEND] == 0


async def test_mall_red_packet_completes_the_order_once_paid(
    paying: Merchant, sandbox: SandboxState
) -> None:
    member = await make_member(points=500)
    await MemberIdentity.create(
        member=member, kind="openid", appid=APPID, value="o_bob", created_at=clock.utc_now()
    )
    item = await MallItem.create(
        name="5元微信红包", kind=ItemKind.RED_PACKET, points_price=300, stock=10, red_packet_fen=500
    )
    order = await exchange(
        item.id, ExchangeCreate(member_id=member.id, idempotency_key="mall-rp-1")
    )
    assert order.status == ExchangeStatus.PENDING_PAYOUT
    packet = await RedPacket.get(source=RedPacketSource.MALL, source_id=order.id)
    assert await send_red_packet(packet.id) == "sent"
    assert (await MallOrder.get(id=order.id)).status == ExchangeStatus.COMPLETED
    assert [(p.openid, p.total_amount) for p in sandbox.redpacks.values()] == [("o_bob", 500)]


async def test_a_refused_second_check_in_records_no_second_red_packet(
    published_jobs: list[jobs.Job],
) -> None:
    member = await follower()
    await streak_packet(member)
    published_jobs.clear()
    with clock.freeze(datetime(2026, 3, 2, 3, 0, tzinfo=UTC)), pytest.raises(AlreadyCheckedInError):
        await check_in(member.id)
    assert await RedPacket.all().count() == 1
    assert published_jobs == []


async def test_console_lists_red_packets_and_retries_unknown_ones(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    member = await follower()
    packet = await wheel_packet(member)
    await RedPacket.filter(id=packet.id).update(
        status=RedPacketStatus.UNKNOWN, mch_billno="1900000109202603022000000001"
    )
    admin = await make_staff(
        "admin", username="boss", department=await Department.create(name="总部")
    )
    headers = await bearer(admin)
    listed = await client.get(
        "/api/v1/loyalty/red-packets", params={"status": "unknown"}, headers=headers
    )
    assert listed.status_code == 200
    assert [(p["id"], p["mch_billno"]) for p in listed.json()] == [
        (packet.id, "1900000109202603022000000001")
    ]
    published_jobs.clear()
    response = await client.post(f"/api/v1/loyalty/red-packets/{packet.id}/retry", headers=headers)
    assert response.status_code == 202, response.text
    assert published_jobs == [
        jobs.Job("loyalty.send_red_packet", {"red_packet_id": packet.id, "retry_failed": True})
    ]


async def test_retry_of_a_sent_red_packet_is_refused_and_enqueues_nothing(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    member = await follower()
    packet = await wheel_packet(member)
    await RedPacket.filter(id=packet.id).update(status=RedPacketStatus.SENT)
    marketer = await make_staff("marketer", department=await Department.create(name="总部"))
    published_jobs.clear()
    response = await client.post(
        f"/api/v1/loyalty/red-packets/{packet.id}/retry", headers=await bearer(marketer)
    )
    assert response.status_code == 409
    assert response.json()["error"] == "red_packet_wrong_state"
    assert published_jobs == []
    listed = await client.get("/api/v1/loyalty/red-packets", headers=await bearer(marketer))
    assert [(p["id"], p["status"]) for p in listed.json()] == [(packet.id, "sent")]
