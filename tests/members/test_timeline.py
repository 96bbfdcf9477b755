"""The member's one timeline in the console: follows, WeChat messages, purchases, points,
coupons, draws and exchanges, each shown only to staff allowed to see that kind."""

from datetime import UTC, datetime

import httpx
import pytest

import loyalty.api  # noqa: F401 - registers loyalty's timeline source, as the app does
from crm_core.errors import NotFoundError
from crm_core.org.service.auth import principal_for
from crm_core.sales.models import SalesOrder
from loyalty.coupons.models import CouponSource
from loyalty.coupons.service import issue_coupon
from loyalty.lottery.models import PrizeKind
from loyalty.lottery.service import draw
from loyalty.mall.models import ItemKind, MallItem
from loyalty.mall.schemas import ExchangeCreate
from loyalty.mall.service import exchange
from loyalty.points.models import EntryKind
from loyalty.points.service.accounts import earn_points
from members.models import Member, MemberTouch
from members.timeline import member_timeline
from tests.factories import bearer, make_department, make_staff, make_store
from tests.loyalty.factories import make_activity, make_prize, make_template
from wechat.models import Direction, Fan, FanMessage, MessageStatus, OfficialAccount


async def _member_with_history() -> tuple[Member, int]:
    department = await make_department("华东")
    store = await make_store(department, code="SH9", name="静安店")
    member = await Member.create(
        name="赵会员", first_store_id=store.id, created_at=datetime(2026, 11, 1, tzinfo=UTC)
    )
    await MemberTouch.create(
        member=member,
        event_id=1,
        kind="follow",
        store_id=store.id,
        channel="门店海报",
        at=datetime(2026, 11, 1, 1, tzinfo=UTC),
    )
    account = await OfficialAccount.create(
        appid="wxtimeline000001", name="测试号", secret_sealed="x", token_sealed="t"
    )
    fan = await Fan.create(
        account=account,
        openid="o_timeline",
        member_id=member.id,
        store_id=store.id,
        subscribed=True,
    )
    await FanMessage.create(
        fan=fan,
        direction=Direction.OUT,
        msg_type="text",
        content="您好，欢迎光临",
        status=MessageStatus.SENT,
        created_at=datetime(2026, 11, 1, 2, tzinfo=UTC),
    )
    await SalesOrder.create(
        store=store,
        order_no="TL-1",
        member_id=member.id,
        total_fen=8800,
        paid_at=datetime(2026, 11, 2, tzinfo=UTC),
        request_hash="h",
        created_at=datetime(2026, 11, 2, tzinfo=UTC),
    )
    await earn_points(member.id, 200, kind=EntryKind.CHECKIN, key="timeline:earn:1")
    template = await make_template(name="时间线券")
    await issue_coupon(template.id, member.id, source=CouponSource.HAND, key="timeline:c:1")
    activity = await make_activity(name="时间线转盘")
    await make_prize(activity, name="谢谢参与", kind=PrizeKind.NONE)
    await draw(activity.id, member.id, key="timeline-draw-1")
    item = await MallItem.create(name="帆布袋", kind=ItemKind.PHYSICAL, points_price=50, stock=2)
    await exchange(
        item.id,
        ExchangeCreate(
            member_id=member.id,
            idempotency_key="timeline-buy-1",
            recipient="赵",
            phone="13800000000",
            address="上海市静安区某路1号",
        ),
    )
    return member, department.id


async def test_admin_sees_every_kind_newest_first() -> None:
    member, _ = await _member_with_history()
    admin = await principal_for((await make_staff("admin")).id)
    assert admin is not None
    entries = await member_timeline(admin, member.id)
    titles = [e.title for e in entries]
    assert {
        "关注（新粉丝）",
        "客服回复",
        "消费",
        "积分 +200",
        "获得优惠券",
        "大转盘：未中奖",
        "积分兑换",
        "积分 -50",
    } <= set(titles)
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    order = next(e for e in entries if e.title == "消费")
    assert order.detail == "静安店 单号 TL-1 ¥88"
    exchanged = next(e for e in entries if e.title == "积分兑换")
    assert exchanged.detail == "帆布袋，50 积分"


async def test_each_kind_needs_its_permission() -> None:
    member, _ = await _member_with_history()
    finance = await principal_for((await make_staff("finance")).id)
    assert finance is not None
    kinds = {e.kind for e in await member_timeline(finance, member.id)}
    # Finance may see orders and points, not WeChat messages, coupons, draws or exchanges.
    assert kinds == {"touch", "order", "points"}


async def test_a_member_outside_the_scope_is_not_found() -> None:
    member, _ = await _member_with_history()
    elsewhere = await make_department("华南")
    guide = await make_staff("guide", department=elsewhere)
    principal = await principal_for(guide.id)
    assert principal is not None
    with pytest.raises(NotFoundError):
        await member_timeline(principal, member.id)


async def test_member_detail_carries_the_timeline(client: httpx.AsyncClient) -> None:
    member, _ = await _member_with_history()
    staff = await make_staff("admin")
    detail = await client.get(f"/api/v1/members/{member.id}/detail", headers=await bearer(staff))
    assert detail.status_code == 200, detail.text
    shown = [f"{e['title']} {e['detail']}" for e in detail.json()["timeline"]]
    assert any("帆布袋，50 积分" in line for line in shown)
    assert any("静安店 单号 TL-1 ¥88" in line for line in shown)
    assert any("大转盘：未中奖" in line for line in shown)
    assert detail.json()["summary"]["points"] == 150
