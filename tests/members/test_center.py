"""The member center's look (装修): brand name, colour, logo and banners set in the console and
shown on the member's phone; bad input changes nothing."""

import io

import httpx
from PIL import Image

from crm_core import security
from crm_core.audit import AuditLog
from members.models import CenterBanner, CenterImage, CenterTheme, Member
from tests.factories import bearer, make_staff
from tests.loyalty.factories import make_member


def png(width: int = 60, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


async def as_admin() -> dict[str, str]:
    return await bearer(await make_staff("admin"))


async def member_page(client: httpx.AsyncClient, member: Member, path: str = "/h5/member") -> str:
    token, _ = await security.create_session(member.id, kind="member", ttl_seconds=600)
    client.cookies.set("scrm_member", token)
    response = await client.get(path)
    assert response.status_code == 200
    return response.text


async def test_brand_look_and_banners_reach_the_member_center(client: httpx.AsyncClient) -> None:
    admin = await as_admin()
    saved = await client.put(
        "/api/v1/member-center/theme",
        data={"brand_name": "星巴克会员", "primary_color": "#00704A"},
        files={"logo": ("logo.png", png(), "image/png")},
        headers=admin,
    )
    assert saved.status_code == 200, saved.text
    theme = await CenterTheme.get(id=1)
    assert (theme.brand_name, theme.primary_color) == ("星巴克会员", "#00704a")
    assert theme.logo_id is not None
    added = await client.post(
        "/api/v1/member-center/banners",
        data={"title": "双十二", "link": "/h5/member/wheel", "position": "1"},
        files={"image": ("b.png", png(750, 300), "image/png")},
        headers=admin,
    )
    assert added.status_code == 201, added.text
    banner = await CenterBanner.get()
    member = await make_member()
    await Member.filter(id=member.id).update(card_no="88000000000009")
    page = await member_page(client, member)
    assert 'data-testid="brand-name">星巴克会员<' in page
    assert "--weui-BRAND: #00704a;" in page
    assert f'src="/h5/member/assets/{theme.logo_id}"' in page
    assert f'<a href="/h5/member/wheel"><img src="/h5/member/assets/{banner.image_id}"' in page
    picture = await client.get(f"/h5/member/assets/{banner.image_id}")
    assert (picture.status_code, picture.headers["content-type"]) == (200, "image/png")
    assert picture.content == png(750, 300)
    cached = await client.get(
        f"/h5/member/assets/{banner.image_id}", headers={"If-None-Match": picture.headers["etag"]}
    )
    assert (cached.status_code, cached.content) == (304, b"")
    actions = {a.action for a in await AuditLog.all()}
    assert {"member_center.theme_update", "member_center.banner_add"} <= actions


async def test_bad_colour_name_or_picture_changes_nothing(client: httpx.AsyncClient) -> None:
    admin = await as_admin()
    refused = await client.put(
        "/api/v1/member-center/theme",
        data={"brand_name": "品牌", "primary_color": "red;}body{"},
        headers=admin,
    )
    assert refused.status_code == 422
    assert "主题色须为 #RRGGBB 格式" in refused.text
    assert await CenterTheme.all().count() == 0
    for files, data, message, status in (
        (
            {"image": ("x.png", b"<svg onload=alert(1)>", "image/png")},
            {"link": "/h5"},
            "图片无法识别",
            422,
        ),
        (
            {"image": ("b.png", png(), "image/png")},
            {"link": "javascript:alert(1)"},
            "链接须以 / 开头",
            422,
        ),
        (
            {"image": ("b.png", b"\x89PNG" + b"0" * 1_100_000, "image/png")},
            {"link": ""},
            "图片不能超过 1 MB",
            413,
        ),
    ):
        bad = await client.post(
            "/api/v1/member-center/banners", data={"title": "x", **data}, files=files, headers=admin
        )
        assert bad.status_code == status, bad.text
        assert message in bad.text
    assert await CenterBanner.all().count() == 0
    assert await CenterImage.all().count() == 0


async def test_default_look_without_configuration(client: httpx.AsyncClient) -> None:
    member = await make_member()
    page = await member_page(client, member)
    assert 'data-testid="brand-name">会员中心<' in page
    assert "--weui-BRAND: #07c160;" in page
    assert 'data-testid="banners"' not in page


async def test_only_permitted_staff_edit_the_look(client: httpx.AsyncClient) -> None:
    guide = await bearer(await make_staff("guide"))
    assert (await client.get("/api/v1/member-center/theme", headers=guide)).status_code == 403
    refused = await client.put(
        "/api/v1/member-center/theme",
        data={"brand_name": "x", "primary_color": "#000000"},
        headers=guide,
    )
    assert refused.status_code == 403
    assert await CenterTheme.all().count() == 0
