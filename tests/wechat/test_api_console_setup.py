"""QR codes, menus, auto-reply previews and the pay merchant as /api/v1 serves them."""

from datetime import date

import httpx

from crm_core.org.models import DataScope, Department, Role
from tests.factories import bearer, make_staff, make_store
from tests.wechat.callback_support import make_account
from wechat.models import (
    AutoReply,
    Menu,
    MenuStatus,
    PayMerchant,
    QrCode,
    QrDailyStat,
    QrKind,
    QrStatus,
    ReplyKind,
)

BUTTONS = [{"type": "click", "name": "会员中心", "key": "MEMBER"}]


async def world() -> dict[str, object]:
    east = await Department.create(name="华东")
    south = await Department.create(name="华南")
    east_store = await make_store(east, code="E01", name="南京西路店")
    south_store = await make_store(south, code="S01", name="天河店")
    account = await make_account()
    guide = await make_staff("guide", department=east, store=east_store, is_guide=True)
    await guide.__class__.filter(id=guide.id).update(name="小李")
    codes = {}
    for name, scene, store_id, guide_id, kind, status in (
        ("小李导购码", "g_li", east_store.id, guide.id, QrKind.GUIDE, QrStatus.ACTIVE),
        ("南京西路门店码", "store_e01", east_store.id, None, QrKind.STORE, QrStatus.PENDING),
        ("天河门店码", "store_s01", south_store.id, None, QrKind.STORE, QrStatus.ACTIVE),
    ):
        codes[scene] = await QrCode.create(
            account=account,
            kind=kind,
            name=name,
            scene=scene,
            store_id=store_id,
            guide_id=guide_id,
            status=status,
            channel="门店",
        )
    for day, scans, new in ((date(2026, 11, 1), 5, 2), (date(2026, 11, 2), 3, 1)):
        await QrDailyStat.create(
            qrcode=codes["g_li"], day=day, scans=scans, new_follows=new, re_follows=1, unfollows=0
        )
    editor = await Role.create(
        code="reply_editor",
        name="回复编辑",
        permissions=["wechat.autoreply:view"],
        data_scope=DataScope.DEPARTMENT,
    )
    scoped_editor = await make_staff(None, department=east, store=east_store)
    await scoped_editor.roles.add(editor)
    return {
        "account": account,
        "codes": codes,
        "manager": await make_staff("store_manager", department=east, store=east_store),
        "admin": await make_staff("admin"),
        "editor": scoped_editor,
    }


async def test_qrcode_list_pages_searches_and_carries_totals(client: httpx.AsyncClient):
    data = await world()
    headers = await bearer(data["manager"])  # type: ignore[arg-type]
    response = await client.get("/api/v1/wechat/qrcodes", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], body["page"], body["page_size"]) == (2, 1, 50)
    first, second = body["items"]
    assert (first["scene"], first["scans"], first["new_follows"], first["re_follows"]) == (
        "g_li",
        8,
        3,
        2,
    )
    assert (second["scene"], second["scans"], second["unfollows"]) == ("store_e01", 0, 0)

    async def scenes(query: str) -> tuple[int, list[str]]:
        found = (await client.get(f"/api/v1/wechat/qrcodes?{query}", headers=headers)).json()
        return found["total"], [row["scene"] for row in found["items"]]

    assert await scenes("q=导购") == (1, ["g_li"])
    assert await scenes("q=STORE_") == (1, ["store_e01"])
    assert await scenes("status=pending") == (1, ["store_e01"])
    assert await scenes("kind=guide") == (1, ["g_li"])
    assert await scenes("sort=-scene") == (2, ["store_e01", "g_li"])
    assert await scenes("page=2&page_size=1") == (2, ["store_e01"])
    assert await scenes("q=天河") == (0, [])


async def test_menu_check_update_and_get(client: httpx.AsyncClient):
    data = await world()
    headers = await bearer(data["admin"])  # type: ignore[arg-type]
    bad = [{"type": "view", "name": "官网", "url": "ftp://x"}, *BUTTONS, *BUTTONS, *BUTTONS]
    check = await client.post("/api/v1/wechat/menus/check", headers=headers, json={"buttons": bad})
    assert check.json() == {
        "valid": False,
        "problems": ["一级菜单需要 1～3 个", "第 1 个一级菜单 需要以 http(s):// 开头的网址"],
    }
    good = await client.post(
        "/api/v1/wechat/menus/check", headers=headers, json={"buttons": BUTTONS}
    )
    assert good.json() == {"valid": True, "problems": []}

    menu = await Menu.create(
        account=data["account"], name="默认", buttons=BUTTONS, status=MenuStatus.PUBLISHED
    )
    url = f"/api/v1/wechat/menus/{menu.id}"
    refused = await client.patch(url, headers=headers, json={"buttons": bad[:1]})
    assert (refused.status_code, refused.json()["error"]) == (422, "wechat_invalid_menu")
    assert refused.json()["detail"] == "第 1 个一级菜单 需要以 http(s):// 开头的网址"
    assert (await Menu.get(id=menu.id)).status == MenuStatus.PUBLISHED
    changed = await client.patch(url, headers=headers, json={"name": "冬季菜单", "tag_id": 2})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["tag_id"], changed.json()["status"]) == (
        "冬季菜单",
        2,
        "draft",
    )
    shown = (await client.get(url, headers=headers)).json()
    assert (shown["name"], shown["buttons"], shown["tag_id"]) == ("冬季菜单", BUTTONS, 2)
    cleared = await client.patch(url, headers=headers, json={"tag_id": None})
    assert cleared.json()["tag_id"] is None
    missing = await client.get("/api/v1/wechat/menus/999999", headers=headers)
    assert (missing.status_code, missing.json()["error"]) == (404, "wechat_local_menu_not_found")
    listed = await client.get("/api/v1/wechat/menus?q=冬季", headers=headers)
    assert [m["id"] for m in listed.json()] == [menu.id]
    assert (await client.get("/api/v1/wechat/menus?q=夏", headers=headers)).json() == []


async def test_auto_reply_preview_fills_the_placeholders_of_a_code(client: httpx.AsyncClient):
    data = await world()
    codes: dict[str, QrCode] = data["codes"]  # type: ignore[assignment]
    account = data["account"]
    headers = await bearer(data["editor"])  # type: ignore[arg-type]
    body = {
        "account_id": account.id,  # type: ignore[attr-defined]
        "content": "欢迎光临{store}，我是导购{guide}（{account}）",
        "qrcode_id": codes["g_li"].id,
    }
    response = await client.post("/api/v1/wechat/auto-replies/preview", headers=headers, json=body)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "reply_type": "text",
        "content": "欢迎光临南京西路店，我是导购小李（测试服务号）",
        "media_id": "",
        "title": "",
        "url": "",
        "picurl": "",
    }
    plain = await client.post(
        "/api/v1/wechat/auto-replies/preview",
        headers=headers,
        json={**body, "qrcode_id": None},
    )
    assert plain.json()["content"] == "欢迎光临，我是导购（测试服务号）"
    news = await client.post(
        "/api/v1/wechat/auto-replies/preview",
        headers=headers,
        json={**body, "reply_type": "news", "title": "{store}新品", "url": "https://e.com"},
    )
    assert (news.json()["title"], news.json()["url"]) == ("南京西路店新品", "https://e.com")
    empty = await client.post(
        "/api/v1/wechat/auto-replies/preview",
        headers=headers,
        json={**body, "content": ""},
    )
    assert (empty.status_code, empty.json()["error"]) == (422, "wechat_invalid_autoreply")


async def test_auto_reply_preview_of_a_code_outside_the_scope_is_not_found(
    client: httpx.AsyncClient,
):
    data = await world()
    codes: dict[str, QrCode] = data["codes"]  # type: ignore[assignment]
    headers = await bearer(data["editor"])  # type: ignore[arg-type]
    body = {"account_id": data["account"].id, "content": "您好"}  # type: ignore[attr-defined]
    hidden = await client.post(
        "/api/v1/wechat/auto-replies/preview",
        headers=headers,
        json={**body, "qrcode_id": codes["store_s01"].id},
    )
    missing = await client.post(
        "/api/v1/wechat/auto-replies/preview",
        headers=headers,
        json={**body, "qrcode_id": 999999},
    )
    assert (hidden.status_code, hidden.json()["error"]) == (404, "wechat_qrcode_not_found")
    assert hidden.json() == missing.json()


async def test_auto_reply_list_filters(client: httpx.AsyncClient):
    data = await world()
    account = data["account"]
    headers = await bearer(data["admin"])  # type: ignore[arg-type]
    for kind, keyword, content, active in (
        (ReplyKind.KEYWORD, "营业时间", "10:00-22:00", True),
        (ReplyKind.KEYWORD, "地址", "南京西路 1 号", False),
        (ReplyKind.FOLLOW, "", "欢迎关注", True),
    ):
        await AutoReply.create(
            account=account, kind=kind, keyword=keyword, content=content, is_active=active
        )

    async def contents(query: str) -> list[str]:
        rows = (await client.get(f"/api/v1/wechat/auto-replies?{query}", headers=headers)).json()
        return [row["content"] for row in rows]

    assert await contents("q=南京") == ["南京西路 1 号"]
    assert await contents("q=营业") == ["10:00-22:00"]
    assert await contents("kind=follow") == ["欢迎关注"]
    assert await contents("is_active=false") == ["南京西路 1 号"]


async def test_pay_merchant_is_shown_without_its_key_and_set(client: httpx.AsyncClient):
    data = await world()
    account = data["account"]
    admin = await bearer(data["admin"])  # type: ignore[arg-type]
    assert (await client.get("/api/v1/wechat/pay-merchant", headers=admin)).json() is None
    body = {
        "account_id": account.id,  # type: ignore[attr-defined]
        "mch_id": "1900000109",
        "api_key": "secret-key-123",
        "send_name": "示例商城",
    }
    saved = await client.put("/api/v1/wechat/pay-merchant", headers=admin, json=body)
    assert saved.status_code == 200, saved.text
    shown = (await client.get("/api/v1/wechat/pay-merchant", headers=admin)).json()
    assert {k: v for k, v in shown.items() if k != "id"} == {
        "account_id": account.id,  # type: ignore[attr-defined]
        "mch_id": "1900000109",
        "send_name": "示例商城",
        "client_ip": "127.0.0.1",
        "has_certificate": False,
        "is_active": True,
    }
    manager = await bearer(data["manager"])  # type: ignore[arg-type]
    refused = await client.put(
        "/api/v1/wechat/pay-merchant", headers=manager, json={**body, "mch_id": "1900000110"}
    )
    assert (refused.status_code, refused.json()["error"]) == (403, "permission_denied")
    assert [m.mch_id for m in await PayMerchant.all()] == ["1900000109"]
