"""The member center's look (装修): brand name, colour, logo and banners set in the console and
shown on the member's phone; bad input changes nothing."""

import io

import httpx
from PIL import Image

from crm_core import security
from crm_core.audit import AuditLog
from members.models import CenterBanner, CenterImage, CenterTheme, Member
from tests.factories import console_login, make_staff
from tests.loyalty.factories import make_member


def png(width: int = 60, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


async def as_admin(client: httpx.AsyncClient) -> str:
    staff = await make_staff("admin")
    return await console_login(client, staff.username)


async def member_page(client: httpx.AsyncClient, member: Member, path: str = "/h5/member") -> str:
    token, _ = await security.create_session(member.id, kind="member", ttl_seconds=600)
    client.cookies.set("scrm_member", token)
    response = await client.get(path)
    assert response.status_code == 200
    return response.text


async def test_brand_look_and_banners_reach_the_member_center(client: httpx.AsyncClient) -> None:
    csrf = await as_admin(client)
    saved = await client.post(
        "/admin/members/center",
        data={"csrf_token": csrf, "brand_name": "星巴克会员", "primary_color": "#00704A"},
        files={"logo": ("logo.png", png(), "image/png")},
    )
    assert saved.status_code == 303
    theme = await CenterTheme.get(id=1)
    assert (theme.brand_name, theme.primary_color) == ("星巴克会员", "#00704a")
    assert theme.logo_id is not None
    added = await client.post(
        "/admin/members/center/banners",
        data={"csrf_token": csrf, "title": "双十二", "link": "/h5/member/wheel", "position": "1"},
        files={"image": ("b.png", png(750, 300), "image/png")},
    )
    assert added.status_code == 303
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
    csrf = await as_admin(client)
    refused = await client.post(
        "/admin/members/center",
        data={"csrf_token": csrf, "brand_name": "品牌", "primary_color": "red;}body{display:none"},
    )
    assert refused.status_code == 303
    page = (await client.get("/admin/members/center")).text
    assert "主题色须为 #RRGGBB 格式" in page
    assert 'value="品牌"' in page
    assert await CenterTheme.all().count() == 0
    not_image = await client.post(
        "/admin/members/center/banners",
        data={"csrf_token": csrf, "title": "x", "link": "/h5/member"},
        files={"image": ("x.png", b"<svg onload=alert(1)>", "image/png")},
    )
    assert not_image.status_code == 303
    assert "图片无法识别" in (await client.get("/admin/members/center")).text
    script_link = await client.post(
        "/admin/members/center/banners",
        data={"csrf_token": csrf, "title": "x", "link": "javascript:alert(1)"},
        files={"image": ("b.png", png(), "image/png")},
    )
    assert script_link.status_code == 303
    assert "链接须以 / 开头" in (await client.get("/admin/members/center")).text
    huge = await client.post(
        "/admin/members/center/banners",
        data={"csrf_token": csrf, "title": "x", "link": ""},
        files={"image": ("b.png", b"\x89PNG" + b"0" * 1_100_000, "image/png")},
    )
    assert huge.status_code == 303
    assert "图片不能超过 1 MB" in (await client.get("/admin/members/center")).text
    assert await CenterBanner.all().count() == 0
    assert await CenterImage.all().count() == 0


async def test_default_look_without_configuration(client: httpx.AsyncClient) -> None:
    member = await make_member()
    page = await member_page(client, member)
    assert 'data-testid="brand-name">会员中心<' in page
    assert "--weui-BRAND: #07c160;" in page
    assert 'data-testid="banners"' not in page


async def test_only_permitted_staff_edit_the_look(client: httpx.AsyncClient) -> None:
    guide = await make_staff("guide")
    csrf = await console_login(client, guide.username)
    assert (await client.get("/admin/members/center")).status_code == 403
    refused = await client.post(
        "/admin/members/center",
        data={"csrf_token": csrf, "brand_name": "x", "primary_color": "#000000"},
    )
    assert refused.status_code == 403
    assert await CenterTheme.all().count() == 0
