"""The member screens of the console over /api/v1: search with totals, detail in one read,
member center look (multipart uploads), Excel export; scoped, permissioned, bad input changes
nothing."""

import io
from typing import Any

import httpx
import openpyxl
from PIL import Image

from crm_core import clock
from crm_core.audit import AuditLog
from crm_core.org.models import DataScope, Department, Role
from members.models import CenterBanner, CenterImage, CenterTheme, Member
from tests.factories import bearer, make_staff, make_store
from tests.loyalty.factories import make_member


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


async def two_stores() -> dict[str, Any]:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东", parent=root)
    south = await Department.create(name="华南", parent=root)
    sh = await make_store(east, code="SH001", name="上海店")
    sz = await make_store(south, code="SZ001", name="深圳店")
    world: dict[str, Any] = {
        "admin": await make_staff("admin"),
        "sz_manager": await make_staff("store_manager", department=south, store=sz),
    }
    await Role.create(
        code="member_clerk",
        name="会员专员",
        permissions=["members.member:view", "members.member:export"],
        data_scope=DataScope.SUBTREE,
    )
    world["sz_clerk"] = await make_staff("member_clerk", department=south, store=sz)
    for name, store, phone, card in (
        ("张三", sh, "+8613800000001", "880001"),
        ("李四", sz, "+8613900000002", "880002"),
        ("李小四", sz, None, None),
    ):
        member = await make_member(points=30, name=name)
        await Member.filter(id=member.id).update(first_store_id=store.id, phone=phone, card_no=card)
        world[name] = member.id
    return world


async def test_search_pages_and_matches_name_phone_or_card(client: httpx.AsyncClient) -> None:
    world = await two_stores()
    admin = await bearer(world["admin"])
    found = await client.get("/api/v1/members/search", params={"q": "李"}, headers=admin)
    assert found.status_code == 200
    body = found.json()
    assert (body["total"], body["page"], body["page_size"]) == (2, 1, 30)
    assert [m["name"] for m in body["items"]] == ["李小四", "李四"]
    by_phone = await client.get("/api/v1/members/search", params={"q": "0001"}, headers=admin)
    assert [m["name"] for m in by_phone.json()["items"]] == ["张三"]
    by_card = await client.get("/api/v1/members", params={"q": "880002"}, headers=admin)
    assert [m["name"] for m in by_card.json()] == ["李四"]
    paged = await client.get(
        "/api/v1/members/search", params={"page_size": 1, "page": 2}, headers=admin
    )
    assert (paged.json()["total"], [m["name"] for m in paged.json()["items"]]) == (3, ["李四"])
    manager = await bearer(world["sz_manager"])
    scoped = await client.get("/api/v1/members/search", params={"q": "0001"}, headers=manager)
    assert scoped.json() == {"items": [], "total": 0, "page": 1, "page_size": 30}


async def test_detail_composes_cards_profile_and_timeline(client: httpx.AsyncClient) -> None:
    world = await two_stores()
    response = await client.get(
        f"/api/v1/members/{world['李四']}/detail", headers=await bearer(world["admin"])
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["member"]["card_no"] == "880002"
    assert (body["first_store_name"], body["first_guide_name"]) == ("深圳店", "")
    assert body["summary"] == {"points": 30, "tier_name": "", "coupons": 0}
    assert body["profile"]["name"] == "李四"
    assert (body["fan_ids"], body["merges"]) == ([], [])
    assert [(e["kind"], e["title"]) for e in body["timeline"]] == [("points", "积分 +30")]
    outside = await client.get(
        f"/api/v1/members/{world['张三']}/detail", headers=await bearer(world["sz_manager"])
    )
    assert (outside.status_code, outside.json()["error"]) == (404, "member_not_found")


async def test_member_center_theme_and_banners(client: httpx.AsyncClient) -> None:
    admin = await bearer(await make_staff("admin"))
    default = await client.get("/api/v1/member-center/theme", headers=admin)
    assert default.json() == {
        "brand_name": "会员中心",
        "primary_color": "#07c160",
        "logo_id": None,
        "logo_url": None,
    }
    saved = await client.put(
        "/api/v1/member-center/theme",
        data={"brand_name": "星巴克会员", "primary_color": "#00704A"},
        files={"logo": ("logo.png", png(), "image/png")},
        headers=admin,
    )
    assert saved.status_code == 200, saved.text
    logo_id = (await CenterTheme.get(id=1)).logo_id
    assert saved.json() == {
        "brand_name": "星巴克会员",
        "primary_color": "#00704a",
        "logo_id": logo_id,
        "logo_url": f"/h5/member/assets/{logo_id}",
    }
    added = await client.post(
        "/api/v1/member-center/banners",
        data={"title": "新品", "link": "/h5/member/wheel", "position": "2"},
        files={"image": ("b.png", png(), "image/png")},
        headers=admin,
    )
    assert added.status_code == 201, added.text
    banner = await CenterBanner.get()
    listed = await client.get("/api/v1/member-center/banners", headers=admin)
    assert listed.json() == [
        {
            "id": banner.id,
            "image_id": banner.image_id,
            "image_url": f"/h5/member/assets/{banner.image_id}",
            "title": "新品",
            "link": "/h5/member/wheel",
            "position": 2,
            "is_active": True,
        }
    ]
    removed = await client.delete(f"/api/v1/member-center/banners/{banner.id}", headers=admin)
    assert removed.status_code == 204
    assert await CenterBanner.all().count() == 0
    assert await CenterImage.all().count() == 1  # the logo stays


async def test_bad_theme_or_banner_changes_nothing(client: httpx.AsyncClient) -> None:
    admin = await bearer(await make_staff("admin"))
    bad_colour = await client.put(
        "/api/v1/member-center/theme",
        data={"brand_name": "品牌", "primary_color": "red"},
        headers=admin,
    )
    assert (bad_colour.status_code, bad_colour.json()["error"]) == (422, "theme_invalid")
    not_image = await client.post(
        "/api/v1/member-center/banners",
        files={"image": ("b.png", b"not a picture", "image/png")},
        headers=admin,
    )
    assert (not_image.status_code, not_image.json()["error"]) == (422, "image_invalid")
    too_big = await client.post(
        "/api/v1/member-center/banners",
        files={"image": ("b.png", b"x" * (1024 * 1024 + 5), "image/png")},
        headers=admin,
    )
    assert (too_big.status_code, too_big.json()["error"]) == (413, "image_too_large")
    guide = await bearer(await make_staff("guide"))
    refused = await client.put(
        "/api/v1/member-center/theme",
        data={"brand_name": "品牌", "primary_color": "#000000"},
        headers=guide,
    )
    assert refused.status_code == 403
    missing = await client.delete("/api/v1/member-center/banners/999", headers=admin)
    assert (missing.status_code, missing.json()["error"]) == (404, "banner_not_found")
    assert await CenterTheme.all().count() == 0
    assert await CenterBanner.all().count() == 0
    assert await CenterImage.all().count() == 0


async def test_member_export_is_scoped_exact_and_audited(client: httpx.AsyncClient) -> None:
    world = await two_stores()
    response = await client.get(
        "/api/v1/exports/members.xlsx", headers=await bearer(world["sz_clerk"])
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    created = {
        m.id: clock.to_local(m.created_at).strftime("%Y-%m-%d %H:%M:%S") for m in await Member.all()
    }
    assert rows == [
        ["会员编号", "姓名", "手机", "会员卡号", "首次门店", "首次导购", "首次渠道", "注册时间"],
        [
            world["李四"],
            "李四",
            "+8613900000002",
            "880002",
            "深圳店",
            None,
            None,
            created[world["李四"]],
        ],
        [world["李小四"], "李小四", None, None, "深圳店", None, None, created[world["李小四"]]],
    ]
    entry = await AuditLog.get(action="member.export")
    assert entry.after == {"rows": 2, "format": "xlsx", "filter": ""}
    refused = await client.get(
        "/api/v1/exports/members.xlsx", headers=await bearer(world["sz_manager"])
    )
    assert (refused.status_code, refused.json()["error"]) == (403, "permission_denied")
    assert await AuditLog.filter(action="member.export").count() == 1
