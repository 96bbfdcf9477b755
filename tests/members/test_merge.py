"""One person, one member: merging B into A moves identities, touches and every loyalty asset;
the undo puts back exactly what moved. Balances equal the ledger sums throughout."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from tortoise import connections

from crm_core import clock
from crm_core.audit import AuditLog
from crm_core.db import unit_of_work
from loyalty.coupons.models import Coupon, CouponSource
from loyalty.coupons.service import issue_coupon
from loyalty.gifts.models import FollowGift, FollowGiftGrant
from loyalty.lottery.models import Award, AwardStatus, Draw, DrawOutcome, PrizeKind
from loyalty.mall.models import ExchangeStatus, ItemKind, MallItem, MallOrder
from loyalty.points.models import Account, EntryKind, PointsEntry, PointsLot
from loyalty.points.service.accounts import check_invariants, earn_points, redeem_points
from members import merge, service
from members.merge import MemberAlreadyMergedError
from members.models import Member, MemberIdentity, MemberMerge, MemberTouch, ProfileCompletion
from tests.factories import bearer, make_staff
from tests.loyalty.factories import make_activity, make_prize, make_program, make_template
from tests.members.support import h5_session, make_card_member
from wechat.models import Fan, OfficialAccount

T1 = datetime(2026, 1, 10, 2, 0, tzinfo=UTC)
T2 = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)

SNAPSHOT = {
    "members_member": "SELECT * FROM members_member",
    "members_identity": "SELECT id, member_id, kind, appid, value FROM members_identity",
    "members_touch": "SELECT id, member_id, event_id FROM members_touch",
    "members_profile_completion": "SELECT member_id, field FROM members_profile_completion",
    "wechat_fan": "SELECT id, member_id FROM wechat_fan",
    "loyalty_account": "SELECT member_id, balance, lifetime_earned, tier_id FROM loyalty_account",
    "loyalty_coupon": "SELECT id, member_id, seq, status FROM loyalty_coupon",
    "loyalty_lottery_award": "SELECT id, member_id, win_seq FROM loyalty_lottery_award",
    "loyalty_mall_order": "SELECT id, member_id, seq FROM loyalty_mall_order",
    "loyalty_follow_gift_grant": "SELECT id, member_id FROM loyalty_follow_gift_grant",
    "loyalty_checkin": "SELECT id, member_id FROM loyalty_checkin",
    "loyalty_lottery_draw": "SELECT id, member_id FROM loyalty_lottery_draw",
}


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    connection = connections.get("default")
    return {
        table: await connection.execute_query_dict(f"{sql} ORDER BY 1, 2")
        for table, sql in SNAPSHOT.items()
    }


async def balance_per_ledger(member_id: int) -> tuple[int, int]:
    account = await Account.get(member_id=member_id)
    entries = await PointsEntry.filter(account_id=account.id).values_list("delta", flat=True)
    return account.balance, sum(int(d) for d in entries)


async def make_world() -> dict[str, Any]:
    """A (card, phone, 100 points, one coupon) and B, the same person through another account
    (card, phone, 60 points in lots of two expiry dates, a coupon of the same template,
    a prize, a mall order, the follow gift, a check-in-free history)."""
    await make_program(points_validity_days=365)
    template = await make_template(per_member_limit=5)
    account = await OfficialAccount.create(
        appid="wxmerge0000001", name="号", secret_sealed="", token_sealed=""
    )
    a = await make_card_member(name="张三", phone="+8613800000001")
    b = await make_card_member(name="", phone="+8613800000002")
    await Member.filter(id=b.id).update(address="文三路 1 号", province="浙江省", city="杭州市")
    await ProfileCompletion.create(member_id=b.id, field="region", completed_at=T1)
    now = clock.utc_now()
    await MemberIdentity.create(
        member_id=a.id, kind="openid", appid="wxa", value="o_a", created_at=now
    )
    for kind, appid, value in (("openid", "wxb", "o_b"), ("unionid", "", "u_person")):
        await MemberIdentity.create(
            member_id=b.id, kind=kind, appid=appid, value=value, created_at=now
        )
    await MemberTouch.create(member_id=b.id, event_id=1, kind="follow", at=now)
    fan = await Fan.create(account=account, openid="o_b", member_id=b.id)
    await earn_points(a.id, 100, kind=EntryKind.ADJUST, key="seed-a")
    with clock.freeze(T1):
        await earn_points(b.id, 40, kind=EntryKind.ADJUST, key="seed-b1")
    with clock.freeze(T2):
        await earn_points(b.id, 30, kind=EntryKind.ADJUST, key="seed-b2")
    await redeem_points(b.id, 10, key="spend-b")
    await issue_coupon(template.id, a.id, source=CouponSource.HAND, key="coupon-a")
    await issue_coupon(template.id, b.id, source=CouponSource.HAND, key="coupon-b")
    activity = await make_activity()
    prize = await make_prize(activity, kind=PrizeKind.PHYSICAL, weight=1, stock=5)
    draw = await Draw.create(
        activity_id=activity.id,
        member_id=b.id,
        day=date(2026, 1, 10),
        seq=1,
        idempotency_key="draw-b",
        rng_value=0,
        total_weight=1,
        config_hash="x",
        outcome=DrawOutcome.WIN,
        prize_id=prize.id,
        created_at=now,
    )
    await Award.create(
        draw_id=draw.id,
        activity_id=activity.id,
        member_id=b.id,
        prize_id=prize.id,
        win_seq=1,
        status=AwardStatus.AWAITING_ADDRESS,
        created_at=now,
    )
    item = await MallItem.create(name="杯子", kind=ItemKind.PHYSICAL, points_price=10, stock=5)
    await MallOrder.create(
        item_id=item.id,
        member_id=b.id,
        seq=1,
        idempotency_key="mall-b",
        points=10,
        points_entry_id=1,
        status=ExchangeStatus.SHIPPED,
        created_at=now,
    )
    gift = await FollowGift.create(name="关注礼", points=0, coupon_template_id=template.id)
    await FollowGiftGrant.create(member_id=b.id, gift_id=gift.id, created_at=now)
    return {"a": a, "b": b, "fan": fan, "template": template}


async def test_merge_moves_everything_and_undo_restores_exactly(client: httpx.AsyncClient) -> None:
    world = await make_world()
    a, b = world["a"], world["b"]
    admin = await make_staff("admin")
    headers = await bearer(admin)
    before = await snapshot()

    response = await client.post(
        f"/api/v1/members/{a.id}/merges",
        json={"source": b.card_no, "reason": "同一顾客"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    merge_id = response.json()["id"]

    assert await MemberIdentity.filter(member_id=a.id).count() == 3
    assert await MemberTouch.filter(member_id=a.id).count() == 1
    assert (await Fan.get(id=world["fan"].id)).member_id == a.id
    merged_a, merged_b = await Member.get(id=a.id), await Member.get(id=b.id)
    assert (merged_b.merged_into_id, merged_a.card_no, merged_a.phone) == (
        a.id,
        a.card_no,
        "+8613800000001",
    )
    assert (merged_b.card_no, merged_b.phone) == (b.card_no, "+8613800000002")
    # A's blank profile fields were filled from B; the name A already had is kept.
    assert (merged_a.name, merged_a.address, merged_a.city) == ("张三", "文三路 1 号", "杭州市")
    assert await ProfileCompletion.filter(member_id=a.id, field="region").exists()
    assert await balance_per_ledger(a.id) == (160, 160)
    assert await balance_per_ledger(b.id) == (0, 0)
    assert (await Account.get(member_id=a.id)).lifetime_earned == 170
    keys = sorted(
        await PointsEntry.filter(source_type="member_merge").values_list(
            "idempotency_key", flat=True
        )
    )
    assert keys == [f"merge:{merge_id}:in", f"merge:{merge_id}:in:2", f"merge:{merge_id}:out"]
    # B's points keep their expiry dates on A.
    lots = await PointsLot.filter(entry__idempotency_key__startswith=f"merge:{merge_id}:in")
    assert sorted((lot.remaining, lot.expires_at) for lot in lots) == [
        (30, T1 + timedelta(days=365)),
        (30, T2 + timedelta(days=365)),
    ]
    assert await MallOrder.filter(member_id=a.id).count() == 1
    assert await Award.filter(member_id=a.id).values_list("win_seq", flat=True) == [1]
    assert sorted(await Coupon.filter(member_id=a.id).values_list("seq", flat=True)) == [1, 2]
    assert (await FollowGiftGrant.get()).member_id == a.id
    # Draws (append-only) and check-ins stay with B as history.
    assert (await Draw.get()).member_id == b.id
    assert await check_invariants() == []
    listed = await client.get("/api/v1/members", headers=headers)
    assert [m["id"] for m in listed.json()] == [a.id]

    undone = await client.post(f"/api/v1/members/merges/{merge_id}/undo", headers=headers)
    assert undone.status_code == 200, undone.text
    assert undone.json()["status"] == "undone"
    assert await snapshot() == before
    assert await balance_per_ledger(a.id) == (100, 100)
    assert await balance_per_ledger(b.id) == (60, 60)
    restored = await PointsLot.filter(entry__idempotency_key__startswith=f"merge:{merge_id}:undo")
    assert sorted((lot.remaining, lot.expires_at) for lot in restored) == [
        (30, T1 + timedelta(days=365)),
        (30, T2 + timedelta(days=365)),
    ]
    assert await check_invariants() == []

    again = await client.post(f"/api/v1/members/merges/{merge_id}/undo", headers=headers)
    assert (again.status_code, again.json()["error"]) == (409, "merge_already_undone")
    audit = await AuditLog.filter(action__startswith="member.merge").order_by("id")
    assert [(e.action, e.actor_id, e.target_id) for e in audit] == [
        ("member.merge", admin.id, str(a.id)),
        ("member.merge_undo", admin.id, str(a.id)),
    ]
    assert audit[0].before == {"source_id": b.id, "source_merged_into": None}
    assert audit[0].after["source_merged_into"] == a.id
    assert audit[0].after["moved"]["loyalty.points"] == 60
    assert audit[1].after["source_merged_into"] is None


async def test_target_without_card_takes_the_source_card_and_phone_back_and_forth() -> None:
    a = await make_card_member(phone="+8613800000001")
    await Member.filter(id=a.id).update(card_no=None, phone=None, card_bound_at=None)
    b = await make_card_member(phone="+8613800000002")
    before = await snapshot()
    done = await merge.merge(a.id, b.id)
    merged_a, merged_b = await Member.get(id=a.id), await Member.get(id=b.id)
    assert (merged_a.card_no, merged_a.phone) == (b.card_no, "+8613800000002")
    assert (merged_b.card_no, merged_b.phone) == (None, None)
    await merge.undo(done.id)
    assert await snapshot() == before


@pytest.mark.parametrize("case", ["self", "into-merged", "merged-source"])
async def test_refused_merges_get_409_and_change_nothing(
    client: httpx.AsyncClient, case: str
) -> None:
    a, b, c = [await make_card_member(phone=f"+861380000000{i}") for i in range(3)]
    await merge.merge(a.id, b.id)
    headers = await bearer(await make_staff("admin"))
    target, source, code = {
        "self": (c.id, c.id, "merge_same_member"),
        "into-merged": (b.id, c.id, "member_already_merged"),
        "merged-source": (c.id, b.id, "member_already_merged"),
    }[case]
    before = await snapshot()
    response = await client.post(
        f"/api/v1/members/{target}/merges", json={"source": str(source)}, headers=headers
    )
    assert (response.status_code, response.json()["error"]) == (409, code)
    assert await snapshot() == before
    assert await MemberMerge.all().count() == 1


async def test_concurrent_double_merges_let_one_through() -> None:
    world = await make_world()
    a, b = world["a"], world["b"]
    results = await asyncio.gather(
        merge.merge(a.id, b.id),
        merge.merge(a.id, b.id),
        merge.merge(b.id, a.id),
        return_exceptions=True,
    )
    done = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(done) == 1
    assert all(isinstance(r, MemberAlreadyMergedError) for r in refused), refused
    assert await MemberMerge.all().count() == 1
    kept = done[0].target_id
    assert await balance_per_ledger(kept) == (160, 160)
    assert await check_invariants() == []


async def test_undo_is_refused_once_the_moved_points_are_spent() -> None:
    world = await make_world()
    a, b = world["a"], world["b"]
    done = await merge.merge(a.id, b.id)
    await redeem_points(a.id, 150, key="spend-after-merge")
    before = await snapshot()
    with pytest.raises(Exception, match="无法撤销合并") as refused:
        await merge.undo(done.id)
    assert getattr(refused.value, "code", "") == "merge_undo_points_spent"
    assert await snapshot() == before
    assert (await MemberMerge.get(id=done.id)).status == "done"


async def test_a_known_unionid_on_another_member_unifies_them(published_jobs: list[Any]) -> None:
    older = await make_card_member(phone="+8613800000001")
    newer = await make_card_member(phone="+8613800000002")
    await Member.filter(id=older.id).update(card_no=None, phone=None)
    now = clock.utc_now()
    await MemberIdentity.create(
        member_id=older.id, kind="openid", appid="wx1", value="o_1", created_at=now
    )
    await MemberIdentity.create(
        member_id=newer.id, kind="unionid", appid="", value="u_1", created_at=now
    )
    async with unit_of_work():
        member = await service._member_for("wx1", "o_1", "u_1")
    # The member with the card is kept, whatever the age.
    assert member.id == newer.id
    assert (await Member.get(id=older.id)).merged_into_id == newer.id
    assert await MemberIdentity.filter(member_id=newer.id).count() == 2
    record = await MemberMerge.get()
    assert (record.actor_name, record.reason) == ("system", "同一微信 unionid 自动合并")


async def test_console_previews_merges_and_undoes(client: httpx.AsyncClient) -> None:
    """What the member detail screen does: preview, merge, see the history, undo."""
    world = await make_world()
    a, b = world["a"], world["b"]
    admin = await bearer(await make_staff("admin", username="boss"))
    preview = await client.post(
        f"/api/v1/members/{a.id}/merges/preview", json={"source": "+8613800000002"}, headers=admin
    )
    assert preview.status_code == 200, preview.text
    items = dict(preview.json()["items"])
    assert (items["可用积分"], items["优惠券"]) == ("60", "1")
    assert preview.json()["source_id"] == b.id
    missing = await client.post(
        f"/api/v1/members/{a.id}/merges/preview", json={"source": "42424242"}, headers=admin
    )
    assert missing.status_code == 404
    assert "找不到要合并的会员" in missing.json()["detail"]
    assert await MemberMerge.all().count() == 0
    done = await client.post(
        f"/api/v1/members/{a.id}/merges",
        json={"source": str(b.id), "reason": "重复"},
        headers=admin,
    )
    assert done.status_code == 201, done.text
    shown = (await client.get(f"/api/v1/members/{a.id}/detail", headers=admin)).json()
    assert [(m["source_id"], m["status"], m["reason"]) for m in shown["merges"]] == [
        (b.id, "done", "重复")
    ]
    merged = (await client.get(f"/api/v1/members/{b.id}/detail", headers=admin)).json()
    assert merged["member"]["merged_into_id"] == a.id
    record = await MemberMerge.get()
    undone = await client.post(f"/api/v1/members/merges/{record.id}/undo", headers=admin)
    assert undone.status_code == 200, undone.text
    assert undone.json()["status"] == "undone"
    assert (await Member.get(id=b.id)).merged_into_id is None
    actions = [e.action for e in await AuditLog.filter(action__startswith="member.merge")]
    assert sorted(actions) == ["member.merge", "member.merge_undo"]


async def test_merging_needs_the_edit_permission(client: httpx.AsyncClient) -> None:
    a = await make_card_member(phone="+8613800000001")
    b = await make_card_member(phone="+8613800000002")
    response = await client.post(
        f"/api/v1/members/{a.id}/merges",
        json={"source": str(b.id)},
        headers=await bearer(await make_staff("guide")),
    )
    assert response.status_code == 403
    assert await MemberMerge.all().count() == 0


async def test_a_merged_members_h5_session_continues_as_the_kept_member(
    client: httpx.AsyncClient,
) -> None:
    a = await make_card_member(name="张三", phone="+8613800000001")
    b = await make_card_member(name="", phone="+8613800000002")
    await h5_session(client, b.id)
    await merge.merge(a.id, b.id)
    page = await client.get("/h5/member")
    assert page.text.split('data-testid="card-no">', 1)[1].startswith(a.card_no or "")
