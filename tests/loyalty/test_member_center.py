"""Member center H5 pages as the member uses them: card with tier progress, coupons, the wheel,
the points mall, purchases and benefits. The session is opened directly (the OAuth dance has
its own tests in tests/members/test_card.py)."""

import re
from datetime import UTC, datetime

import httpx
import pytest

from crm_core import security
from crm_core.sales.models import SalesOrder, SalesOrderLine
from loyalty.coupons.models import Coupon, CouponKind, CouponTemplate
from loyalty.coupons.service import claim_coupon
from loyalty.lottery.models import Award, AwardStatus, Draw, PrizeKind
from loyalty.mall.models import ItemKind, MallItem, MallOrder
from loyalty.points.models import Account, EntryKind, PointsEntry
from loyalty.points.service import rewards
from loyalty.points.service.accounts import earn_points
from members.models import Member
from tests.loyalty.factories import (
    make_activity,
    make_any_store,
    make_member,
    make_prize,
    make_program,
    make_template,
    make_tiers,
)


async def open_session(client: httpx.AsyncClient, member: Member) -> str:
    token, session = await security.create_session(member.id, kind="member", ttl_seconds=600)
    client.cookies.set("scrm_member", token)
    return session.csrf_token


def text_of(page: str, name: str) -> str:
    """The text of the element carrying data-testid=name, tags stripped."""
    found = re.search(rf'data-testid="{name}"[^>]*>(.*?)</(div|span|b|a)>', page, re.S)
    assert found is not None, name
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


async def balance(member: Member) -> int:
    return (await Account.get(member_id=member.id)).balance


@pytest.fixture
async def member() -> Member:
    found = await make_member(name="王小明")
    await Member.filter(id=found.id).update(card_no="88000000000001", phone="+8613800138000")
    return await Member.get(id=found.id)


async def test_card_shows_points_tier_and_the_way_to_the_next_tier(
    client: httpx.AsyncClient, member: Member
) -> None:
    await make_tiers()
    await earn_points(member.id, 400, kind=EntryKind.CHECKIN, key="seed:card:1")
    await open_session(client, member)
    page = (await client.get("/h5/member")).text
    assert text_of(page, "card-no") == "88000000000001"
    assert text_of(page, "tier") == "普卡"
    assert text_of(page, "card-points") == "400"
    assert text_of(page, "tier-progress") == "再获得 600 积分升级为银卡"
    assert 'style="width: 40%"' in page
    benefits = (await client.get("/h5/member/benefits")).text
    assert text_of(benefits, "to-next") == "再获得 600 积分升级为银卡"
    assert "积分 1.5 倍" in benefits
    assert "购物 9.5 折" in benefits


async def test_claim_a_coupon_once_and_show_its_code(
    client: httpx.AsyncClient, member: Member
) -> None:
    template = await make_template(name="新人券", claimable=True, stock=5, per_member_limit=1)
    csrf = await open_session(client, member)
    page = (await client.get("/h5/member/coupons")).text
    assert (
        "新人券"
        in page.split('data-testid="claimable"', 1)[1].split('data-testid="wallet-tabs"', 1)[0]
    )
    form = {"csrf_token": csrf, "key": "tap-0000001"}
    first = await client.post(f"/h5/member/coupons/claim/{template.id}", data=form)
    again = await client.post(f"/h5/member/coupons/claim/{template.id}", data=form)
    coupon = await Coupon.get(member_id=member.id)
    assert first.headers["location"] == f"/h5/member/coupons/{coupon.id}"
    assert again.headers["location"] == "/h5/member/coupons"
    shown = (await client.get(first.headers["location"])).text
    assert "领取成功" in shown
    assert text_of(shown, "coupon-code") == coupon.code
    assert "<svg" in shown.split('data-testid="coupon-qr"', 1)[1][:200]
    assert await Coupon.filter(member_id=member.id).count() == 1
    assert (await CouponTemplate.get(id=template.id)).stock == 4
    listing = (await client.get("/h5/member/coupons")).text
    assert 'data-testid="claimable"' not in listing
    assert "新人券" in listing.split('data-testid="wallet"', 1)[1]


async def test_a_sold_out_coupon_changes_nothing(client: httpx.AsyncClient, member: Member) -> None:
    template = await make_template(name="限量券", claimable=True, stock=0)
    csrf = await open_session(client, member)
    refused = await client.post(
        f"/h5/member/coupons/claim/{template.id}", data={"csrf_token": csrf, "key": "tap-0000002"}
    )
    page = (await client.get(refused.headers["location"])).text
    assert "限量券已抢光" in page
    assert await Coupon.all().count() == 0


async def test_someone_elses_coupon_is_not_found(client: httpx.AsyncClient, member: Member) -> None:
    other = await make_member()
    template = await make_template(claimable=True)
    coupon = await claim_coupon(other.id, template.id, key="other-claim-1")
    await open_session(client, member)
    response = await client.get(f"/h5/member/coupons/{coupon.id}")
    assert response.status_code == 404
    assert coupon.code not in response.text


async def test_spin_the_wheel_then_give_an_address_for_the_prize(
    client: httpx.AsyncClient, member: Member
) -> None:
    activity = await make_activity(name="周年庆大转盘", free_draws_per_day=1)
    prize = await make_prize(activity, name="保温杯", kind=PrizeKind.PHYSICAL, stock=3)
    csrf = await open_session(client, member)
    page = (await client.get(f"/h5/member/wheel/{activity.id}")).text
    assert text_of(page, "allowance") == "今日已抽 0 次，还可免费抽 1 次"
    assert f'data-prize="{prize.id}"' in page
    spun = await client.post(
        f"/h5/member/wheel/{activity.id}/draw",
        data={"csrf_token": csrf, "key": "spin-000001"},
        headers={"Accept": "application/json"},
    )
    assert spun.status_code == 200
    award = await Award.get(member_id=member.id)
    assert spun.json() == {
        "outcome": "win",
        "prize_id": prize.id,
        "message": "恭喜您抽中「保温杯」！请填写收货地址，我们会尽快寄出",
        "allowance": "今日已抽 1 次",
        "award_id": award.id,
        "needs_address": True,
        "cost": 0,
        "balance": 0,
    }
    none_left = await client.post(
        f"/h5/member/wheel/{activity.id}/draw",
        data={"csrf_token": csrf, "key": "spin-000002"},
        headers={"Accept": "application/json"},
    )
    assert none_left.status_code == 409
    assert none_left.json()["error"] == "draw_limit_reached"
    assert await Draw.all().count() == 1
    bad = await client.post(
        f"/h5/member/awards/{award.id}/address",
        data={
            "csrf_token": csrf,
            "recipient": "王小明",
            "phone": "123",
            "address": "上海市黄浦区南京东路1号",
        },
    )
    assert "电话：格式不正确" in (await client.get(bad.headers["location"])).text
    assert (await Award.get(id=award.id)).status == AwardStatus.AWAITING_ADDRESS
    ok = await client.post(
        f"/h5/member/awards/{award.id}/address",
        data={
            "csrf_token": csrf,
            "recipient": "王小明",
            "phone": "13800138000",
            "address": "上海市黄浦区南京东路1号",
        },
    )
    assert "收货地址已提交" in (await client.get(ok.headers["location"])).text
    saved = await Award.get(id=award.id)
    assert (saved.status, saved.recipient, saved.phone) == (
        AwardStatus.AWAITING_SHIPMENT,
        "王小明",
        "13800138000",
    )


async def test_draws_are_rate_limited_per_member(client: httpx.AsyncClient, member: Member) -> None:
    activity = await make_activity(free_draws_per_day=100)
    await make_prize(activity, name="谢谢参与", kind=PrizeKind.NONE, weight=1)
    csrf = await open_session(client, member)
    codes = []
    for number in range(7):
        response = await client.post(
            f"/h5/member/wheel/{activity.id}/draw",
            data={"csrf_token": csrf, "key": f"burst-{number:06d}"},
            headers={"Accept": "application/json"},
        )
        codes.append(response.status_code)
    assert codes == [200] * 5 + [429] * 2
    assert response.json()["error"] == "rate_limited"
    assert await Draw.all().count() == 5


async def test_exchange_in_the_mall_and_refuse_when_points_are_short(
    client: httpx.AsyncClient, member: Member
) -> None:
    template = await make_template(name="10元券")
    item = await MallItem.create(
        name="10元代金券",
        kind=ItemKind.COUPON,
        points_price=300,
        stock=10,
        coupon_template_id=template.id,
    )
    pricey = await MallItem.create(
        name="电饭煲", kind=ItemKind.PHYSICAL, points_price=5000, stock=1
    )
    await earn_points(member.id, 500, kind=EntryKind.ADJUST, key="seed:mall:1")
    csrf = await open_session(client, member)
    listing = (await client.get("/h5/member/mall")).text
    assert text_of(listing, "mall-balance") == "500"
    assert "10元代金券" in listing
    assert "电饭煲" in listing
    done = await client.post(
        f"/h5/member/mall/{item.id}/exchange", data={"csrf_token": csrf, "key": "buy-0000001"}
    )
    assert done.headers["location"] == "/h5/member/mall/orders"
    orders = (await client.get("/h5/member/mall/orders")).text
    assert "兑换成功" in orders
    assert "10元代金券" in orders
    assert "查看券码" in orders
    assert await balance(member) == 200
    refused = await client.post(
        f"/h5/member/mall/{pricey.id}/exchange",
        data={
            "csrf_token": csrf,
            "key": "buy-0000002",
            "recipient": "王小明",
            "phone": "13800138000",
            "address": "上海市黄浦区南京东路1号",
        },
    )
    assert refused.headers["location"] == f"/h5/member/mall/{pricey.id}"
    assert "积分不足" in (await client.get(refused.headers["location"])).text
    assert await balance(member) == 200
    assert (await MallItem.get(id=pricey.id)).stock == 1
    assert await MallOrder.all().count() == 1
    assert await PointsEntry.filter(kind=EntryKind.MALL).count() == 1


async def test_purchases_page_lists_the_members_orders(
    client: httpx.AsyncClient, member: Member
) -> None:
    store = await make_any_store()
    order = await SalesOrder.create(
        store=store,
        order_no="T-1001",
        member_id=member.id,
        total_fen=12_850,
        paid_at=datetime(2026, 11, 1, 4, tzinfo=UTC),
        request_hash="x",
        created_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    await SalesOrderLine.create(
        order=order,
        product_code="SKU1",
        product_name="拿铁",
        quantity=2,
        unit_price_fen=6425,
        amount_fen=12_850,
    )
    other = await make_member()
    await SalesOrder.create(
        store=store,
        order_no="T-1002",
        member_id=other.id,
        total_fen=999,
        paid_at=datetime(2026, 11, 2, tzinfo=UTC),
        request_hash="y",
        created_at=datetime(2026, 11, 2, tzinfo=UTC),
    )
    await open_session(client, member)
    page = (await client.get("/h5/member/orders")).text
    assert "T-1001" in page
    assert "¥128.50" in page
    assert "拿铁 × 2" in page
    assert store.name in page
    assert "2026-11-01 12:00" in page
    assert "T-1002" not in page


async def test_pages_need_a_member_session(client: httpx.AsyncClient) -> None:
    for path in (
        "/h5/member/coupons",
        "/h5/member/wheel",
        "/h5/member/mall",
        "/h5/member/orders",
        "/h5/member/benefits",
        "/h5/member/mall/orders",
    ):
        response = await client.get(path)
        assert (response.status_code, response.headers["location"]) == (303, "/h5/member")
    template = await make_template(claimable=True)
    forged = await client.post(
        f"/h5/member/coupons/claim/{template.id}", data={"csrf_token": "x", "key": "forged-0001"}
    )
    assert forged.status_code == 403
    assert await Coupon.all().count() == 0


async def test_discount_coupon_shows_its_rate(client: httpx.AsyncClient, member: Member) -> None:
    await make_template(
        name="八五折券",
        kind=CouponKind.DISCOUNT,
        amount_off_fen=0,
        discount_percent=85,
        claimable=True,
    )
    await open_session(client, member)
    page = (await client.get("/h5/member/coupons")).text
    assert "<b>8.5</b>折" in page


async def test_profile_reward_rows_name_the_field_they_reward(
    client: httpx.AsyncClient, member: Member
) -> None:
    await make_program(profile_points=20)
    await rewards.reward_profile_field(member.id, "birthday")
    await open_session(client, member)
    history = (await client.get("/h5/member/points")).text.split('data-testid="history"', 1)[1]
    assert "完善资料：填写生日" in history
    assert ">+20<" in history
    page = (await client.get("/h5/member/profile")).text
    listed = page.split('data-testid="profile-rewards"', 1)[1].split('data-testid="profile-form"')[
        0
    ]
    assert re.findall(r'填写(\S+) <span class="h5-plus">\+(\d+) 积分', listed) == [
        ("姓名", "20"),
        ("性别", "20"),
        ("生日", "20"),
        ("所在地区（省市）", "20"),
        ("详细地址", "20"),
    ]
