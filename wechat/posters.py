"""Printable PNG posters: the QR code of a ticket's URL with a label (and an optional logo).

Labels are Chinese, so a CJK font is looked up (fonts-noto-cjk, wqy); without one Pillow's
default font draws the ASCII scene instead of tofu boxes.
"""

import io
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]
WIDTH = 600


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            try:
                return ImageFont.truetype(candidate, size)
            except OSError:
                continue
    return ImageFont.load_default()


def has_cjk_font() -> bool:
    return isinstance(_font(28), ImageFont.FreeTypeFont)


def _fit(text: str, fallback: str) -> str:
    return text if has_cjk_font() or text.isascii() else fallback


def render_poster(
    url: str, *, title: str, subtitle: str = "", fallback: str = "", logo: bytes | None = None
) -> bytes:
    code = qrcode.QRCode(border=2, box_size=10, error_correction=qrcode.constants.ERROR_CORRECT_H)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    image = image.resize((WIDTH - 80, WIDTH - 80))
    if logo:
        mark = Image.open(io.BytesIO(logo)).convert("RGB")
        mark.thumbnail((image.width // 5, image.height // 5))
        image.paste(mark, ((image.width - mark.width) // 2, (image.height - mark.height) // 2))
    poster = Image.new("RGB", (WIDTH, WIDTH + 130), "white")
    poster.paste(image, (40, 30))
    draw = ImageDraw.Draw(poster)
    for text, size, top in (
        (_fit(title, fallback), 32, WIDTH - 30),
        (_fit(subtitle, ""), 22, WIDTH + 20),
    ):
        if not text:
            continue
        font = _font(size)
        width = draw.textlength(text, font=font)
        draw.text(((WIDTH - width) / 2, top), text, fill="#222222", font=font)
    draw.text(
        (WIDTH / 2 - 70, WIDTH + 70),
        "微信扫码关注" if has_cjk_font() else "Scan in WeChat",
        fill="#07c160",
        font=_font(22),
    )
    output = io.BytesIO()
    poster.save(output, format="PNG", optimize=True)
    return output.getvalue()
