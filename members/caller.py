"""The caller ID card (来电弹屏): the member behind a number and their purchases.

Registered with the SMS gateway from scrm; sms_gateway never imports members. Whoever may see
incoming calls (``sms.call:view``) sees who is calling: that is the phone desk's job. A link is
offered only when the viewer's permissions and data scope will show what is behind it.
"""

from urllib.parse import urlencode

from crm_core import clock
from crm_core.org.models import Store
from crm_core.permissions import Principal
from crm_core.sales import service as sales
from members import service as member_service
from members.models import Member
from sms_gateway.errors import InvalidNumberError
from sms_gateway.schemas import CallerCard, CardField, CardLink, CardSection
from sms_gateway.service.messages import normalize_recipient
from wechat.service import fans as wechat_fans


def yuan(fen: int) -> str:
    return f"¥{fen / 100:,.2f}"


def _search_link(phone: str, label: str) -> CardLink:
    return CardLink(label=label, href="/admin/members?" + urlencode({"phone": phone}))


def phone_of(number: str) -> str | None:
    try:
        return normalize_recipient(number)
    except InvalidNumberError:
        return None  # withheld or not a mobile number: nothing to look up


async def member_calling(number: str) -> Member | None:
    phone = phone_of(number)
    return await Member.get_or_none(phone=phone) if phone else None


async def caller_card(number: str, viewer: Principal) -> CallerCard | None:
    phone = phone_of(number)
    if phone is None:
        return None
    member = await Member.get_or_none(phone=phone)
    can_search = viewer.can("members.member:view")
    if member is None:
        return CallerCard(
            known=False,
            title="陌生来电",
            links=[_search_link(phone, "新建会员检索")] if can_search else [],
        )
    store = await Store.get_or_none(id=member.first_store_id) if member.first_store_id else None
    member_section = CardSection(
        title="会员",
        fields=[
            CardField(label="会员", value=member.name or "未填写姓名"),
            CardField(label="会员卡号", value=member.card_no or "未开卡"),
            CardField(label="归属门店", value=store.name if store else "—"),
            CardField(label="会员编号", value=str(member.id)),
        ],
    )
    summary = await sales.purchase_summary(member.id)
    last = summary.last_order
    customer = CardSection(
        title="客户",
        fields=[
            CardField(label="订单数", value=f"{summary.order_count} 笔"),
            CardField(label="累计消费", value=yuan(summary.net_fen)),
            CardField(
                label="退款",
                value=f"{summary.refund_count} 笔，{yuan(summary.refunded_fen)}"
                if summary.refund_count
                else "无",
            ),
            CardField(
                label="最近订单",
                value="—"
                if last is None
                else f"{clock.to_local(last.paid_at):%Y-%m-%d %H:%M} · {last.store_name} · "
                f"{yuan(last.total_fen)} · {last.order_no}",
            ),
        ],
    )
    # Only a link that will show the member: the member list applies the viewer's data scope.
    visible = can_search and await member_service.is_visible(viewer, member.id)
    links = [_search_link(phone, "会员资料")] if visible else []
    if viewer.can("wechat.fan:view"):
        links += [
            CardLink(label="微信粉丝", href=f"/admin/wechat/fans/{fan_id}")
            for fan_id in (await wechat_fans.visible_fan_ids_of_member(viewer, member.id))[:3]
        ]
    return CallerCard(
        known=True,
        title=member.name or "未填写姓名",
        sections=[member_section, customer],
        links=links,
    )
