"""A refusal about one input names that input in the 422, so the console shows it under the
field: cross-field rules of a body (FieldValueError) and domain errors raised with field=..."""

import httpx

from tests.factories import bearer, make_staff


async def test_a_cross_field_rule_is_placed_at_its_field(client: httpx.AsyncClient) -> None:
    admin = await bearer(await make_staff("admin"))
    refused = await client.post(
        "/api/v1/loyalty/follow-gifts", json={"name": "空礼包", "points": 0}, headers=admin
    )
    assert refused.status_code == 422
    [problem] = refused.json()["fields"]
    assert problem["loc"] == ["body", "points"]
    assert problem["msg"].endswith("关注礼须包含积分或优惠券")


async def test_a_domain_refusal_about_an_input_names_it(client: httpx.AsyncClient) -> None:
    admin = await bearer(await make_staff("admin"))
    refused = await client.post(
        "/api/v1/member-center/banners",
        files={"image": ("banner.png", b"not a picture", "image/png")},
        data={"title": "周年庆", "link": "/h5/member/wheel"},
        headers=admin,
    )
    assert refused.status_code == 422
    body = refused.json()
    assert body["error"] == "image_invalid"
    assert body["fields"] == [
        {"loc": ["body", "image"], "msg": body["detail"], "type": "value_error"}
    ]
