"""The till's scannable card code: a 60-second HMAC token, resolved by the till API."""

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from crm_core import clock
from crm_core.web import qr as qr_code
from members import card_code
from members.card_code import CardCodeInvalidError
from tests.factories import bearer, make_staff
from tests.members.support import h5_session, make_card_member

NOW = datetime(2026, 11, 26, 8, 0, 30, tzinfo=UTC)


def test_a_fresh_code_names_its_card() -> None:
    code = card_code.mint("88000000000001", NOW)
    assert re.fullmatch(r"88000000000001\.\d+\.[A-Z2-7]{12}", code)
    assert card_code.card_no_of(code, NOW) == "88000000000001"
    # Shown just before a step boundary, it still scans in the next minute.
    assert card_code.card_no_of(code, NOW + timedelta(seconds=60)) == "88000000000001"


@pytest.mark.parametrize(
    "later",
    [timedelta(seconds=120), timedelta(minutes=10), timedelta(days=30), timedelta(seconds=-60)],
    ids=["two-steps", "ten-minutes", "a-month", "from-the-future"],
)
def test_a_screenshot_stops_working(later: timedelta) -> None:
    code = card_code.mint("88000000000001", NOW)
    with pytest.raises(CardCodeInvalidError):
        card_code.card_no_of(code, NOW + later)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c.replace("88000000000001", "88000000000002"),
        lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"),
        lambda c: c.rsplit(".", 1)[0],
        lambda c: "88000000000001",
        lambda c: "",
        lambda c: "not.a.code",
    ],
    ids=["other-card", "mac-changed", "no-mac", "bare-card-no", "empty", "garbage"],
)
def test_forged_codes_are_refused(tamper: object) -> None:
    code = card_code.mint("88000000000001", NOW)
    with pytest.raises(CardCodeInvalidError):
        card_code.card_no_of(tamper(code), NOW)  # type: ignore[operator]


async def test_the_till_resolves_a_fresh_code(client: httpx.AsyncClient) -> None:
    member = await make_card_member()
    guide = await make_staff("guide")
    code = card_code.mint(member.card_no or "")
    response = await client.post(
        "/api/v1/members/card-code/resolve", json={"code": code}, headers=await bearer(guide)
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "id": member.id,
        "name_masked": "张**",
        "phone_masked": "138****8000",
        "card_no": member.card_no,
    }


async def test_expired_and_forged_codes_get_a_stable_error(client: httpx.AsyncClient) -> None:
    member = await make_card_member()
    headers = await bearer(await make_staff("store_manager"))
    with clock.freeze(clock.utc_now() - timedelta(minutes=3)):
        old = card_code.mint(member.card_no or "")
    forged = f"{member.card_no}.{int(clock.utc_now().timestamp()) // 60}.AAAAAAAAAAAA"
    for code in (old, forged, "88999999999999.1.AAAAAAAAAAAA"):
        response = await client.post(
            "/api/v1/members/card-code/resolve", json={"code": code}, headers=headers
        )
        assert response.status_code == 400
        assert response.json()["error"] == "card_code_invalid"


async def test_a_merged_member_code_does_not_resolve(client: httpx.AsyncClient) -> None:
    member = await make_card_member()
    other = await make_card_member(phone="+8613900139000")
    await member.__class__.filter(id=member.id).update(merged_into_id=other.id)
    response = await client.post(
        "/api/v1/members/card-code/resolve",
        json={"code": card_code.mint(member.card_no or "")},
        headers=await bearer(await make_staff("admin")),
    )
    assert response.json()["error"] == "card_code_invalid"


async def test_resolving_needs_the_member_view_permission(client: httpx.AsyncClient) -> None:
    member = await make_card_member()
    response = await client.post(
        "/api/v1/members/card-code/resolve",
        json={"code": card_code.mint(member.card_no or "")},
        headers=await bearer(await make_staff("sales_rep")),
    )
    assert response.status_code == 403


async def test_the_card_page_shows_a_qr_code_that_refreshes(client: httpx.AsyncClient) -> None:
    member = await make_card_member()
    await h5_session(client, member.id)
    with clock.freeze(NOW):
        page = await client.get("/h5/member")
    assert page.status_code == 200
    qr = page.text.split('data-testid="card-qr"', 1)[1].split("</div>", 1)[0]
    # The QR encodes this minute's code for the member's card.
    assert qr_code.svg(card_code.mint(member.card_no or "", NOW), size_px=180) in qr
    fresh = await client.get("/h5/member/card-code")
    assert fresh.status_code == 200
    assert fresh.json()["svg"].startswith("<svg")
    assert fresh.headers["cache-control"] == "no-store"


async def test_no_code_before_a_card_is_bound(client: httpx.AsyncClient) -> None:
    member = await make_card_member()
    await member.__class__.filter(id=member.id).update(card_no=None, phone=None)
    await h5_session(client, member.id)
    page = await client.get("/h5/member")
    assert "尚未开卡" in page.text
    assert 'data-testid="card-qr"' not in page.text
    assert (await client.get("/h5/member/card-code")).json() == {"svg": ""}
    client.cookies.clear()
    assert (await client.get("/h5/member/card-code")).status_code == 401
