"""Demo data of the WeChat channel: an account wired to the sandbox, QR codes for the three
stores and six guides, a welcome reply, keyword replies and a menu.

The sandbox keeps its state in memory, so every demo start asks it again for the tickets and
publishes the menu again (the worker does both). Links into our own H5 pages follow the base URL
of this start: another `--port` moves them.
"""

from typing import Any

from pydantic import SecretStr

from crm_core import jobs
from crm_core.audit import SYSTEM
from crm_core.config import get_settings
from crm_core.org.models import Staff, Store
from wechat.models import (
    AccountMode,
    AutoReply,
    MatchMode,
    Menu,
    MenuStatus,
    OfficialAccount,
    QrCode,
    QrKind,
    QrStatus,
    ReplyKind,
)
from wechat.sandbox.__main__ import DEMO_APP, DEMO_MERCHANT
from wechat.schemas import AccountCreate, MerchantSet
from wechat.service import accounts, pay

MENU: list[dict[str, Any]] = [
    {"type": "view", "name": "会员中心", "url": "{base_url}/h5/member"},
    {"type": "click", "name": "附近门店", "key": "STORES"},
    {
        "name": "更多",
        "sub_button": [
            {"type": "click", "name": "联系客服", "key": "SERVICE"},
            {"type": "view", "name": "品牌官网", "url": "https://example.com"},
        ],
    },
]


async def seed_wechat() -> str:
    account = await OfficialAccount.get_or_none(appid=DEMO_APP["appid"])
    if account is None:
        await accounts.create_account(
            SYSTEM,
            AccountCreate(
                appid=DEMO_APP["appid"],
                name=DEMO_APP["name"],
                secret=DEMO_APP["secret"],
                token=DEMO_APP["token"],  # type: ignore[arg-type]
                aes_key=DEMO_APP["aes_key"],
                mode=AccountMode.SAFE,
            ),
        )  # type: ignore[arg-type]
        account = await OfficialAccount.get(appid=DEMO_APP["appid"])
        await _seed_records(account)
    if await pay.get_merchant() is None:
        # The sandbox's merchant: red packet rewards are paid there (no certificate needed).
        await pay.set_merchant(
            SYSTEM,
            MerchantSet(
                account_id=account.id,
                mch_id=str(DEMO_MERCHANT["mch_id"]),
                api_key=SecretStr(str(DEMO_MERCHANT["api_key"])),
                send_name="演示品牌",
            ),
        )
    await QrCode.filter(account_id=account.id).update(status=QrStatus.PENDING, ticket="")
    for code_id in await QrCode.filter(account_id=account.id).values_list("id", flat=True):
        jobs.enqueue("wechat.issue_qrcode", qrcode_id=code_id)
    base_url = get_settings().base_url
    for each in await Menu.filter(account_id=account.id):
        each.buttons = _rebased(each.buttons, base_url)
        await each.save(update_fields=["buttons"])
    menu = await Menu.filter(account_id=account.id).first()
    if menu is not None:
        menu.status = MenuStatus.PUBLISHING
        await menu.save(update_fields=["status"])
        jobs.enqueue("wechat.publish_menu", menu_id=menu.id)
    return (
        f"公众号 {DEMO_APP['name']}（{DEMO_APP['appid']}）已接入沙箱，"
        f"微信支付商户号 {DEMO_MERCHANT['mch_id']}"
    )


def _rebased(buttons: list[dict[str, Any]], base_url: str) -> list[dict[str, Any]]:
    rebased = []
    for button in buttons:
        button = dict(button)
        url = str(button.get("url", ""))
        if "/h5/" in url:
            button["url"] = base_url.rstrip("/") + url[url.index("/h5/") :]
        if "sub_button" in button:
            button["sub_button"] = _rebased(button["sub_button"], base_url)
        rebased.append(button)
    return rebased


async def _seed_records(account: OfficialAccount) -> None:
    for store in await Store.all().order_by("code"):
        await QrCode.create(
            account=account,
            kind=QrKind.STORE,
            name=store.name,
            scene=f"store_{store.code}",
            store_id=store.id,
            welcome_text="欢迎光临{store}！回复「会员」了解会员权益。",
        )
    for guide in await Staff.filter(is_guide=True).order_by("id"):
        await QrCode.create(
            account=account,
            kind=QrKind.GUIDE,
            name=f"{guide.name}的导购码",
            scene=f"guide_{guide.username}",
            store_id=guide.store_id,  # type: ignore[attr-defined]
            guide_id=guide.id,
            welcome_text="欢迎来到{store}，我是您的专属导购{guide}，有问题随时找我！",
        )
    await QrCode.create(
        account=account,
        kind=QrKind.CHANNEL,
        name="包裹卡",
        scene="channel_parcel",
        channel="包裹卡",
    )
    await AutoReply.create(
        account=account,
        kind=ReplyKind.FOLLOW,
        content="感谢关注{account}！点击菜单「会员中心」领取会员卡。",
    )
    await AutoReply.create(
        account=account,
        kind=ReplyKind.KEYWORD,
        match_mode=MatchMode.CONTAINS,
        keyword="会员|积分",
        priority=10,
        content="会员可享积分、生日礼和专属优惠，点击菜单「会员中心」开卡。",
    )
    await AutoReply.create(
        account=account, kind=ReplyKind.DEFAULT, content="收到您的消息啦，客服会尽快回复您。"
    )
    base_url = get_settings().base_url
    buttons = [{**b, "url": b["url"].format(base_url=base_url)} if "url" in b else b for b in MENU]
    await Menu.create(account=account, name="默认菜单", buttons=buttons)
