"""The member center's brand look: name, colour, logo and home-page banners (装修)."""

import hashlib
import io
import time
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from crm_core import audit, clock
from crm_core.cache import local_cache
from crm_core.db import unit_of_work
from crm_core.errors import NotFoundError, ValidationError
from crm_core.permissions import Principal
from members import rules
from members.models import CenterBanner, CenterImage, CenterTheme

MAX_IMAGE_BYTES = 1024 * 1024
MAX_BANNERS = 6
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
_CACHE_SECONDS = 5.0
_cache = local_cache()


class ImageInvalidError(ValidationError):
    code = "image_invalid"
    message = "图片无法识别，请上传 PNG、JPG、GIF 或 WebP 图片"


class ImageTooLargeError(ValidationError):
    status_code = 413
    code = "image_too_large"
    message = "图片不能超过 1 MB"


class ThemeInvalidError(ValidationError):
    code = "theme_invalid"
    message = "{why}"


class BannerNotFoundError(NotFoundError):
    code = "banner_not_found"
    message = "轮播图不存在或已删除"


@dataclass(frozen=True)
class Theme:
    brand_name: str
    primary_color: str
    logo_id: int | None


@dataclass(frozen=True)
class Banner:
    id: int
    image_id: int
    title: str
    link: str
    position: int
    is_active: bool


async def theme() -> Theme:
    """Read on every H5 page, so held for a few seconds per process."""
    cached = _cache.get("theme")
    if cached and cached[0] > time.monotonic():
        return cached[1]  # type: ignore[no-any-return]
    row = await CenterTheme.get_or_none(id=1)
    value = (
        Theme(row.brand_name, row.primary_color, row.logo_id)
        if row
        else Theme("会员中心", "#07c160", None)
    )
    _cache["theme"] = (time.monotonic() + _CACHE_SECONDS, value)
    return value


async def banners(*, active_only: bool = True) -> list[Banner]:
    query = CenterBanner.filter(is_active=True) if active_only else CenterBanner.all()
    return [
        Banner(b.id, b.image_id, b.title, b.link, b.position, b.is_active)
        for b in await query.order_by("position", "id")
    ]


async def image(image_id: int) -> CenterImage:
    row = await CenterImage.get_or_none(id=image_id)
    if row is None:
        raise NotFoundError()
    return row


def _inspect(data: bytes, field: str) -> tuple[str, int, int]:
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageTooLargeError(field=field)
    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.verify()
            kind, (width, height) = picture.format or "", picture.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageInvalidError(field=field) from error
    if kind not in FORMATS or not (0 < width <= 4096 and 0 < height <= 4096):
        raise ImageInvalidError(field=field)
    return FORMATS[kind], width, height


async def _store_image(data: bytes, field: str) -> CenterImage:
    content_type, width, height = _inspect(data, field)
    return await CenterImage.create(
        content=data,
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
        created_at=clock.utc_now(),
    )


async def update_theme(
    principal: Principal,
    *,
    brand_name: str,
    primary_color: str,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Theme:
    brand_name = brand_name.strip()
    if not 1 <= len(brand_name) <= 32:
        raise ThemeInvalidError(why="品牌名称须为 1–32 个字", field="brand_name")
    if not rules.is_colour(primary_color):
        raise ThemeInvalidError(why="主题色须为 #RRGGBB 格式，例如 #07c160", field="primary_color")
    async with unit_of_work():
        row, _ = await CenterTheme.get_or_create(id=1)
        before = {
            "brand_name": row.brand_name,
            "primary_color": row.primary_color,
            "logo_id": row.logo_id,
        }
        row.brand_name, row.primary_color = brand_name, primary_color.lower()
        row.updated_at = clock.utc_now()
        if logo:
            row.logo_id = (await _store_image(logo, "logo")).id
        elif remove_logo:
            row.logo_id = None
        await row.save()
        await audit.record(
            audit.actor_of(principal),
            "member_center.theme_update",
            target_type="member_center",
            target_id=1,
            before=before,
            after={
                "brand_name": row.brand_name,
                "primary_color": row.primary_color,
                "logo_id": row.logo_id,
            },
        )
    _cache.clear()
    return await theme()


async def add_banner(
    principal: Principal, *, picture: bytes, title: str, link: str, position: int
) -> Banner:
    title, link = title.strip(), link.strip()
    if len(title) > 32:
        raise ThemeInvalidError(why="标题不能超过 32 个字", field="title")
    if not rules.is_safe_link(link) or len(link) > 255:
        raise ThemeInvalidError(why="链接须以 / 开头（站内页面）或以 https:// 开头", field="link")
    async with unit_of_work():
        if await CenterBanner.all().count() >= MAX_BANNERS:
            raise ThemeInvalidError(why=f"最多 {MAX_BANNERS} 张轮播图，请先删除旧的")
        stored = await _store_image(picture, "image")
        row = await CenterBanner.create(
            image_id=stored.id,
            title=title,
            link=link,
            position=position,
            created_at=clock.utc_now(),
        )
        await audit.record(
            audit.actor_of(principal),
            "member_center.banner_add",
            target_type="member_center_banner",
            target_id=row.id,
            after={"title": title, "link": link},
        )
    return Banner(row.id, row.image_id, row.title, row.link, row.position, row.is_active)


async def remove_banner(principal: Principal, banner_id: int) -> None:
    async with unit_of_work():
        row = await CenterBanner.select_for_update().get_or_none(id=banner_id)
        if row is None:
            raise BannerNotFoundError()
        await row.delete()
        await CenterImage.filter(id=row.image_id).delete()
        await audit.record(
            audit.actor_of(principal),
            "member_center.banner_remove",
            target_type="member_center_banner",
            target_id=banner_id,
            before={"title": row.title, "link": row.link},
        )


def asset_url(image_id: int) -> str:
    """Where the H5 pages (and the console's previews) load a stored picture from."""
    return f"/h5/member/assets/{image_id}"
