"""QR posters (PNG), a store's guide posters (zip) and the guide workbench H5."""

import io
import zipfile

import httpx
from PIL import Image

from tests.factories import bearer, console_login, make_staff
from tests.wechat.callback_support import make_account, make_shop
from wechat.models import Fan, QrCode, QrKind, QrStatus


async def _code(account_id: int, store_id: int, guide_id: int | None, scene: str) -> QrCode:
    return await QrCode.create(
        account_id=account_id,
        kind=QrKind.GUIDE if guide_id else QrKind.STORE,
        name=scene,
        scene=scene,
        store_id=store_id,
        guide_id=guide_id,
        status=QrStatus.ACTIVE,
        ticket=f"T_{scene}",
        url=f"http://weixin.qq.com/q/{scene}",
    )


async def test_poster_png_and_the_stores_guide_zip(client: httpx.AsyncClient) -> None:
    shop = await make_shop()
    account = await make_account()
    second = await make_staff("guide", store=shop.store, is_guide=True)
    first_code = await _code(account.id, shop.store.id, shop.guide.id, "g1")
    await _code(account.id, shop.store.id, second.id, "g2")
    pending = await QrCode.create(
        account=account, kind=QrKind.CHANNEL, name="未生成", scene="c1", status=QrStatus.PENDING
    )
    headers = await bearer(await make_staff("admin"))
    poster = await client.get(f"/api/v1/wechat/qrcodes/{first_code.id}/poster", headers=headers)
    assert (poster.status_code, poster.headers["content-type"]) == (200, "image/png")
    image = Image.open(io.BytesIO(poster.content))
    assert image.format == "PNG"
    assert image.size[1] > image.size[0] > 300  # a portrait poster with room for the label
    archive = await client.get(f"/api/v1/stores/{shop.store.id}/guide-posters", headers=headers)
    assert archive.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert len(names) == 2
    assert all(name.endswith(".png") for name in names)
    not_ready = await client.get(f"/api/v1/wechat/qrcodes/{pending.id}/poster", headers=headers)
    assert not_ready.status_code == 409


async def test_guide_workbench_shows_my_code_fans_and_ranking(client: httpx.AsyncClient) -> None:
    shop = await make_shop()
    account = await make_account()
    code = await _code(account.id, shop.store.id, shop.guide.id, "g1")
    for number in range(3):
        await Fan.create(
            account=account,
            openid=f"o_{number}",
            subscribed=True,
            store_id=shop.store.id,
            guide_id=shop.guide.id,
        )
    await console_login(client, shop.guide.username)
    page = await client.get("/h5/guide")
    assert page.status_code == 200
    assert 'data-testid="my-ranking"' in page.text
    assert f"/h5/guide/poster/{code.id}.png" in page.text
    mine = await client.get(f"/h5/guide/poster/{code.id}.png")
    assert mine.headers["content-type"] == "image/png"
