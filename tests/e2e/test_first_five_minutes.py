"""The first five minutes of the demo (ARCHITECTURE.md §7), step by step, with the real processes
(WeChat sandbox, web, Celery worker, modem daemon on a pty) and the demo data `scrm seed` loads.

1. `scrm seed`: the brand, stores, guides with their codes, tiers, follow gift, wheel and mall; the
   demo logins per role sign in to the console.
2. In the phone simulator a WeChat user scans 张小美's guide code in 上海南京西路店: the welcome
   message and the follow gift arrive.
3. The member center: bind a card with the SMS code the modem simulator delivered, check in, spin
   the wheel, redeem in the mall.
4. In the console as 王店长 (that store's manager): the member sits under that guide and store, the
   guide's ranking moved, the timeline shows every step, and a reply to the fan's chat message
   reaches the phone simulator.
5. As the marketer: a channel QR code, its poster, an auto-reply changed and answered with.

The steps share one stack and one database, in order: each test is one step and needs the ones
before it.
"""

import asyncio
import contextlib
import io
import os
import re
import sys
from asyncio.subprocess import PIPE
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image

from crm_core import cache
from crm_core.org.models import Staff, Store
from loyalty.lottery.models import Activity, Draw
from loyalty.mall.models import MallItem, MallOrder
from loyalty.points.models import Account
from members.models import Member
from scrm.demo_data import DEMO_PASSWORD, STAFF
from tests.e2e.conftest import ROOT, eventually, free_port, spawn, stop_all, wait_for
from tests.e2e.spa import ConsoleTab, open_console
from tests.factories import bearer
from wechat.models import AutoReply, Fan, QrCode
from wechat.sandbox.__main__ import DEMO_APP

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PHONE = "13700005555"
CHAT = "请问周末店里有新品吗？"
ANSWER = "周末有新品到店，欢迎来试穿！"
START = 240  # seconds for a process to answer: the CI machine is shared and slow
NEW_REPLY = "会员积分可抵现金，每 100 积分抵 1 元，详情点菜单「会员中心」。"
# What the steps learn and the later steps check (the steps run in file order).
STATE: dict[str, Any] = {}


@pytest.fixture(autouse=True)
async def clean_state() -> None:
    """Overrides the suite's per-test truncation: the five steps carry one demo forward."""


@pytest.fixture(scope="module")
async def stack(booted: object) -> Any:
    from crm_core.redis import get_redis
    from tests.conftest import reset_database

    await reset_database()
    await get_redis().flushdb()
    cache.clear_all()
    with demo_stack() as urls:
        yield urls


@contextlib.contextmanager
def demo_stack() -> Iterator[dict[str, str]]:
    """conftest's member_card_stack (sandbox with its SMS inbox on the modem simulator's
    handsets, web, modem daemon, worker), with start-up timeouts for a loaded machine."""
    from scrm.demo_sms import serve_handsets
    from sms_gateway.simulator import ModemSim

    web_port, sandbox_port, handset_port = free_port(), free_port(), free_port()
    web, sandbox = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{sandbox_port}"
    simulator = ModemSim(imsi="460001234560005", seed=5)
    device = simulator.start()
    handsets = serve_handsets([simulator], handset_port)
    env = {**os.environ, "WECHAT_API_BASE": sandbox, "SCRM_BASE_URL": web, "SCRM_ENV": "test"}
    callback = f"{web}/wechat/{DEMO_APP['appid']}/callback"
    inbox = f"http://127.0.0.1:{handset_port}/sms"
    processes = [
        spawn(
            "five-sandbox",
            [
                "wechat.sandbox",
                *("--port", str(sandbox_port), "--webhook", callback, "--sms-inbox", inbox),
            ],
            env,
        ),
        spawn("five-web", ["scrm.cli", "serve", "--port", str(web_port)], env),
        spawn("five-daemon", ["scrm.cli", "modem-daemon", "--port", device], env),
        spawn("five-worker", ["scrm.cli", "worker", "--pool", "solo", "--concurrency", "1"], env),
    ]
    try:
        wait_for(f"{sandbox}/sandbox/api/apps", processes[0], timeout=START)
        wait_for(f"{web}/healthz", processes[1], timeout=START)
        yield {"web": web, "sandbox": sandbox}
    finally:
        stop_all(processes)
        handsets.shutdown()
        simulator.stop()


def phone(stack: dict[str, str]) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=stack["sandbox"], timeout=30)


async def feed(stack: dict[str, str], openid: str) -> list[dict[str, Any]]:
    async with phone(stack) as http:
        entries = (await http.get("/sandbox/api/feed", params={"openid": openid})).json()
    return list(entries["entries"])


async def texts_to_fan(stack: dict[str, str], openid: str) -> list[str]:
    """What the phone simulator shows from the account: passive replies and customer service
    messages, oldest first."""
    shown = []
    for entry in await feed(stack, openid):
        if entry["kind"] == "passive":
            shown.append(entry["payload"].get("Content", ""))
        elif entry["kind"] == "custom":
            shown.append(entry["payload"].get("text", {}).get("content", ""))
    return shown


async def menu(tab: ConsoleTab, group: str | None, label: str) -> None:
    """Click through the side menu, opening the group first when it is closed."""
    page = tab.page
    item = page.locator(".aside .el-menu-item", has_text=re.compile(f"^\\s*{label}\\s*$"))
    if group is not None and not await item.first.is_visible():
        title = re.compile(f"^\\s*{group}\\s*$")
        await page.locator(".aside .el-sub-menu__title", has_text=title).click()
    await item.first.click()
    await page.wait_for_load_state("networkidle")


async def test_1_demo_data_and_logins_per_role(stack: dict[str, str], browser: Any) -> None:
    env = {
        **os.environ,
        "WECHAT_API_BASE": stack["sandbox"],
        "SCRM_BASE_URL": stack["web"],
        "SCRM_ENV": "test",
    }
    seeding = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "scrm.cli", "seed", env=env, cwd=ROOT, stdout=PIPE, stderr=PIPE
    )
    out, err = await asyncio.wait_for(seeding.communicate(), timeout=240)
    assert seeding.returncode == 0, err.decode()
    assert out.decode().strip() == "已导入演示数据：7 个部门、3 家门店、14 名员工"
    assert await Store.all().order_by("code").values_list("name", flat=True) == [
        "杭州湖滨银泰店",
        "上海南京西路店",
        "深圳万象城店",
    ]
    guides = await Staff.filter(is_guide=True).order_by("id").values_list("name", flat=True)
    assert guides == ["张小美", "刘佳佳", "周婷", "吴昊", "郑琪", "黄磊"]
    # The worker asks the sandbox for every code's ticket.
    code = await eventually(
        lambda: QrCode.get_or_none(scene="guide_guide_sh1", status="active"), timeout=120
    )
    assert code.name == "张小美的导购码"
    assert await QrCode.filter(kind="guide").count() == 6
    STATE["guide_ticket"] = code.ticket

    # Every demo login opens a console session with its role.
    for username, name, role, *_ in STAFF:
        async with httpx.AsyncClient(base_url=stack["web"], timeout=30) as http:
            signed = await http.post(
                "/api/v1/auth/session",
                json={"username": username, "password": DEMO_PASSWORD},
                headers={"Origin": stack["web"]},
            )
        assert signed.status_code == 200, (username, signed.text)
        me = signed.json()["me"]
        assert (me["name"], [r["code"] for r in me["roles"]]) == (name, [role])

    # The store manager's workbench before anyone scanned: no guide has brought a fan yet.
    tab = await open_console(browser, stack["web"], "sh_manager", DEMO_PASSWORD)
    try:
        await tab.page.wait_for_selector("text=导购导粉排行（近30天）")
        card = tab.page.locator(".el-card", has_text="导购导粉排行（近30天）").last
        await card.locator("text=近30天还没有数据").wait_for()
        assert "".join((await tab.page.inner_text("[data-test=user-menu]")).split()) == (
            "王店长（店长）"
        )
        tab.assert_clean()
    finally:
        await tab.screenshot(f"five-minutes-last-{tab.page.url.rsplit('/', 1)[-1]}")
        await tab.close()
    # The marketer's login works too, and lands on the workbench with its marketing figures.
    tab = await open_console(browser, stack["web"], "marketer", DEMO_PASSWORD)
    try:
        await tab.page.wait_for_selector("text=营销概览（近30天）")
        tab.assert_clean()
    finally:
        await tab.screenshot(f"five-minutes-last-{tab.page.url.rsplit('/', 1)[-1]}")
        await tab.close()


async def test_2_scan_a_guide_code_welcome_and_follow_gift(stack: dict[str, str]) -> None:
    assert "guide_ticket" in STATE, "step 1 did not run"
    async with phone(stack) as http:
        user = (
            await http.post(
                "/sandbox/api/users", json={"appid": DEMO_APP["appid"], "nickname": "林小雨"}
            )
        ).json()
        scanned = (
            await http.post(
                "/sandbox/api/act",
                json={"openid": user["openid"], "action": "scan", "ticket": STATE["guide_ticket"]},
            )
        ).json()
    openid = user["openid"]
    STATE["openid"] = openid
    welcome = "欢迎来到上海南京西路店，我是您的专属导购张小美，有问题随时找我！"
    assert scanned["user_visible_error"] is False
    assert scanned["reply_parsed"]["Content"] == welcome
    gift = "感谢关注，已赠送 50 积分和一张「新人满199减30」优惠券"

    async def gift_arrived() -> list[str] | None:
        shown = await texts_to_fan(stack, openid)
        return shown if gift in shown else None

    assert await eventually(gift_arrived, timeout=60) == [welcome, gift]
    guide = await Staff.get(username="guide_sh1")
    member = await eventually(lambda: Member.get_or_none(first_guide_id=guide.id))
    store = await Store.get(code="SH001")
    assert (member.first_store_id, member.last_guide_id) == (store.id, guide.id)
    fan = await Fan.get(openid=openid)
    assert (fan.member_id, fan.store_id, fan.guide_id) == (member.id, store.id, guide.id)
    STATE.update(member_id=member.id, fan_id=fan.id)
    account = await eventually(lambda: Account.get_or_none(member_id=member.id, balance__gt=0))
    assert account.balance == 50


async def test_3_member_center_card_checkin_wheel_mall(stack: dict[str, str]) -> None:
    assert "member_id" in STATE, "step 2 did not run"
    openid, member_id = STATE["openid"], STATE["member_id"]
    async with (
        httpx.AsyncClient(timeout=30) as http,
        httpx.AsyncClient(base_url=stack["web"], timeout=30) as h5,
    ):
        # The menu's 会员中心 opens the H5 through WeChat OAuth as the same user.
        start = await h5.get("/h5/member")
        authorize = start.headers["location"].split("#", 1)[0]
        granted = await http.get(f"{authorize}&__as={openid}")
        back = urlsplit(granted.headers["location"])
        assert (await h5.get(f"{back.path}?{back.query}")).status_code == 303
        token = csrf_of((await h5.get("/h5/member")).text)

        sent = await h5.post("/h5/member/code", data={"phone": PHONE, "csrf_token": token})
        assert "notice=sent" in sent.headers["location"]

        async def code_on_phone() -> str | None:
            messages = (await http.get(f"{stack['sandbox']}/sandbox/api/sms")).json()["messages"]
            found = [
                re.search(r"验证码是(\d{6})", m["text"])
                for m in messages
                if m["to"] == f"+86{PHONE}"
            ]
            return found[-1].group(1) if found and found[-1] else None

        sms_code = await eventually(code_on_phone, timeout=90)
        bound = await h5.post(
            "/h5/member/bind", data={"phone": PHONE, "code": sms_code, "csrf_token": token}
        )
        assert bound.status_code == 303, bound.text
        member = await Member.get(id=member_id)
        assert member.card_no
        assert member.phone == f"+86{PHONE}"
        STATE["card_no"] = member.card_no

        await h5.post("/h5/member/checkin", data={"csrf_token": token})
        assert (await Account.get(member_id=member_id)).balance == 55

        wheel = await Activity.get(name="周年庆幸运大转盘")
        spun = await h5.post(
            f"/h5/member/wheel/{wheel.id}/draw",
            data={"csrf_token": token, "key": "five-minutes-spin"},
            headers={"Accept": "application/json"},
        )
        assert spun.status_code == 200, spun.text
        draw = await Draw.get(member_id=member_id)
        assert spun.json()["outcome"] == draw.outcome.value
        STATE["draw_outcome"] = draw.outcome.value
        after_wheel = (await Account.get(member_id=member_id)).balance

        # The cheapest mall item costs 300 points, more than a new member has: a ¥300 purchase
        # at the store's till (the till API) earns them first.
        admin = await Staff.get(username="admin")
        store = await Store.get(code="SH001")
        order = await h5.post(
            "/api/v1/sales/orders",
            json={
                "order_no": "FIVE-MINUTES-1",
                "store_id": store.id,
                "member_id": member_id,
                "paid_at": datetime.now(UTC).isoformat(),
                "lines": [
                    {
                        "product_code": "SKU-SCARF",
                        "product_name": "羊绒围巾",
                        "quantity": 1,
                        "unit_price_fen": 30_000,
                    }
                ],
            },
            headers=await bearer(admin),
        )
        assert order.status_code == 201, order.text
        await eventually(
            lambda: Account.get_or_none(member_id=member_id, balance=after_wheel + 300)
        )
        bag = await MallItem.get(name="品牌帆布袋")
        bought = await h5.post(
            f"/h5/member/mall/{bag.id}/exchange",
            data={"csrf_token": token, "key": "five-minutes-bag"},
        )
        assert bought.headers["location"] == "/h5/member/mall/orders"
        assert await MallOrder.filter(member_id=member_id, item_id=bag.id).count() == 1
        assert (await Account.get(member_id=member_id)).balance == after_wheel
        home = (await h5.get("/h5/member")).text
        assert f'data-testid="card-points">{after_wheel}<' in home
        STATE["balance"] = after_wheel


def csrf_of(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


async def test_4_store_manager_sees_member_ranking_timeline_and_replies(
    stack: dict[str, str], browser: Any
) -> None:
    assert "balance" in STATE, "step 3 did not run"
    openid, member_id, fan_id = STATE["openid"], STATE["member_id"], STATE["fan_id"]
    async with phone(stack) as http:
        await http.post(
            "/sandbox/api/act", json={"openid": openid, "action": "text", "content": CHAT}
        )
    tab = await open_console(browser, stack["web"], "sh_manager", DEMO_PASSWORD)
    page = tab.page
    try:
        # The member sits under that guide and that store.
        await menu(tab, "会员", "会员列表")
        await page.fill(".search input", PHONE)
        async with page.expect_response(re.compile(rf".*/api/v1/members/search\?.*{PHONE}.*")):
            await page.keyboard.press("Enter")
        await page.wait_for_load_state("networkidle")
        rows = page.locator(".el-table__row")
        await rows.first.wait_for()
        assert await rows.count() == 1
        await rows.first.locator(".el-link").click()
        await page.wait_for_url(re.compile(f".*/admin/members/{member_id}$"))
        await page.wait_for_load_state("networkidle")
        assert await page.inner_text("[data-test=card-no]") == STATE["card_no"]
        assert await page.inner_text("[data-test=points]") == str(STATE["balance"])
        stat = page.locator(".stat")
        assert await stat.filter(has_text="归属门店").locator(".value").inner_text() == (
            "上海南京西路店"
        )
        assert await stat.filter(has_text="归属导购").locator(".value").inner_text() == "张小美"

        # Its timeline shows every step, newest first.
        await page.get_by_role("tab", name="时间线").click()
        items = page.locator("[data-test=timeline] .el-timeline-item__content")
        await items.first.wait_for()
        codes = re.compile(r"（[0-9A-Z]{12}）")
        shown = [codes.sub("（券码）", " ".join(t.split())) for t in await items.all_inner_texts()]
        balance = STATE["balance"]
        outcome = {"win": "中奖", "none": "未中奖"}[STATE["draw_outcome"]]
        steps = [
            "自动回复 · 收到您的消息啦，客服会尽快回复您。",
            f"发来文字 · {CHAT}",
            "积分兑换 · 品牌帆布袋，300 积分",
            "获得优惠券 · 到店领取帆布袋（券码）",
            f"积分 -300 · 积分商城，余额 {balance}",
            f"积分 +300 · 消费积分，余额 {balance + 300}",
            "消费 · 上海南京西路店 单号 FIVE-MINUTES-1 ¥300",
            f"大转盘：{outcome} · 周年庆幸运大转盘",
            "积分 +5 · 签到，余额 55",
            "客服回复 · 感谢关注，已赠送 50 积分和一张「新人满199减30」优惠券",
            "获得优惠券 · 新人满199减30（券码）",
            "积分 +50 · 关注有礼，余额 50",
        ]
        # The scan's follow, its event and the welcome reply share one second: any order.
        follow = {
            "关注（新粉丝）",
            "关注公众号 · 二维码：张小美的导购码",
            "自动回复 · 欢迎来到上海南京西路店，我是您的专属导购张小美，有问题随时找我！",
        }
        known = [line for line in shown if line in steps or line in follow]
        assert known[: len(steps)] == steps, shown
        assert set(known[len(steps) :]) == follow, shown
        assert len(known) == len(steps) + len(follow), shown
        # Only a prize won on the wheel adds lines of its own (its points or coupon).
        assert len(shown) - len(known) <= (2 if outcome == "中奖" else 0), shown

        # Reply to the fan's chat message: the phone simulator receives it.
        await menu(tab, "微信公众号", "消息列表")
        await page.click(f"[data-test=conversation-{fan_id}]")
        incoming = page.locator("[data-test=message-in]", has_text=CHAT)
        await incoming.wait_for()
        await page.fill("textarea[name=content]", ANSWER)
        await page.click("[data-test=send]")
        await page.locator("[data-test=message-out]", has_text=ANSWER).wait_for()

        async def answered() -> bool:
            return ANSWER in await texts_to_fan(stack, openid)

        assert await eventually(answered, timeout=60)
        await tab.screenshot("five-minutes-inbox")
        tab.assert_clean()
    finally:
        await tab.screenshot(f"five-minutes-last-{tab.page.url.rsplit('/', 1)[-1]}")
        await tab.close()


async def test_5_marketer_qrcode_poster_and_auto_reply(stack: dict[str, str], browser: Any) -> None:
    assert "openid" in STATE, "step 2 did not run"
    openid = STATE["openid"]
    tab = await open_console(browser, stack["web"], "marketer", DEMO_PASSWORD)
    page = tab.page
    try:
        # A QR code for a channel.
        await menu(tab, "微信公众号", "渠道二维码")
        await page.click("[data-test=create]")
        dialog = page.locator(".el-dialog")
        await dialog.locator("[data-test=kind]").get_by_text("渠道码").click()
        await dialog.locator("input[name=name]").fill("地铁广告码")
        await dialog.locator("input[name=channel]").fill("地铁广告")
        await dialog.locator("[data-test=save]").click()
        code = await eventually(lambda: QrCode.get_or_none(name="地铁广告码", status="active"))
        assert (code.kind, code.channel) == ("channel", "地铁广告")
        await page.reload()
        await page.wait_for_load_state("networkidle")
        row = page.locator(".el-table__row", has_text="地铁广告码")
        await row.wait_for()
        assert "渠道码" in await row.inner_text()
        assert "可用" in await row.inner_text()

        # Its poster: a PNG with the code on it, saved as a download.
        aborted: list[tuple[str, str]] = []
        page.on("requestfailed", lambda request: aborted.append((request.url, request.failure)))
        async with page.expect_download() as waiting:
            await row.get_by_text("下载海报").click()
        download = await waiting.value
        poster = (await download.path()).read_bytes()
        assert download.suggested_filename.endswith(".png")
        # Chromium ends the link's request when it turns into a download: not a failure.
        poster_url = f"{stack['web']}/api/v1/wechat/qrcodes/{code.id}/poster"
        await eventually(lambda: asyncio.sleep(0, aborted))
        assert aborted == [(poster_url, "net::ERR_ABORTED")]
        # tests/e2e/spa.py does not count an aborted request as an error.
        assert not [e for e in tab.errors if "requestfailed" in e]
        assert poster[:8] == b"\x89PNG\r\n\x1a\n"
        assert Image.open(io.BytesIO(poster)).size == (600, 730)
        assert len(poster) > 5_000
        await row.locator("a", has_text="地铁广告码").click()
        async with page.expect_response(re.compile(rf".*/qrcodes/{code.id}/poster$")) as shown:
            await page.locator("[data-test=poster]").wait_for()
        image = await shown.value
        assert image.headers["content-type"] == "image/png"
        assert await image.body() == poster

        # Change the keyword reply for 会员|积分 and see the preview answer with it.
        await menu(tab, "微信公众号", "自动回复")
        await page.locator("[data-test=kinds]").get_by_role("tab", name="关键词回复").click()
        await page.wait_for_load_state("networkidle")
        reply_row = page.locator(".el-table__row", has_text="会员|积分")
        await reply_row.get_by_role("button", name="编辑").click()
        dialog = page.locator(".el-dialog", has_text="编辑关键词回复")
        await dialog.locator("textarea[name=content]").fill(NEW_REPLY)
        await dialog.locator("[data-test=preview-text]", has_text=NEW_REPLY).wait_for()
        await dialog.locator("[data-test=save]").click()
        await page.locator(".el-table__row", has_text=NEW_REPLY).wait_for()
        assert await AutoReply.filter(keyword="会员|积分", content=NEW_REPLY).count() == 1
        await tab.screenshot("five-minutes-replies")
        tab.assert_clean()
    finally:
        await tab.screenshot(f"five-minutes-last-{tab.page.url.rsplit('/', 1)[-1]}")
        await tab.close()

    # The phone simulator asks about points and gets the new answer.
    async with phone(stack) as http:
        said = (
            await http.post(
                "/sandbox/api/act",
                json={"openid": openid, "action": "text", "content": "积分怎么用？"},
            )
        ).json()
    assert said["reply_parsed"]["Content"] == NEW_REPLY
