"""The tag list (conditional menus, tag pickers) and the fan list's source QR code filter."""

import httpx

from tests.factories import bearer
from tests.wechat.test_api_console_fans import world
from wechat.models import FanTag


async def test_tags_of_an_account_by_name(client: httpx.AsyncClient):
    data = await world()
    account_id = data["fans"]["o_alice"].account_id  # type: ignore[index]
    await FanTag.create(account_id=account_id, name="A 新客", wx_tag_id=101)
    headers = await bearer(data["manager"])  # type: ignore[arg-type]
    response = await client.get(f"/api/v1/wechat/tags?account_id={account_id}", headers=headers)
    assert response.status_code == 200, response.text
    assert [(t["name"], t["wx_tag_id"]) for t in response.json()] == [
        ("A 新客", 101),
        ("VIP", None),
    ]
    other = await client.get(f"/api/v1/wechat/tags?account_id={account_id + 1}", headers=headers)
    assert other.json() == []


async def test_fans_by_source_qrcode(client: httpx.AsyncClient):
    data = await world()
    headers = await bearer(data["manager"])  # type: ignore[arg-type]
    code_id = data["code"].id  # type: ignore[attr-defined]
    response = await client.get(f"/api/v1/wechat/fans?qrcode_id={code_id}", headers=headers)
    assert (response.headers["X-Total-Count"], [f["openid"] for f in response.json()]) == (
        "1",
        ["o_alice"],
    )
    none = await client.get(f"/api/v1/wechat/fans?qrcode_id={code_id + 1}", headers=headers)
    assert (none.headers["X-Total-Count"], none.json()) == ("0", [])
