"""Helpers for member tests: members with cards, and an H5 member session without OAuth."""

import itertools

import httpx

from crm_core import clock, security
from members import card
from members.models import Member

_counter = itertools.count(1)


async def make_card_member(
    name: str = "张三丰", phone: str = "+8613800138000", card_no: str | None = None
) -> Member:
    n = next(_counter)
    return await Member.create(
        name=name,
        phone=phone,
        card_no=card_no or f"88{n:012d}",
        card_bound_at=clock.utc_now(),
        created_at=clock.utc_now(),
    )


async def h5_session(client: httpx.AsyncClient, member_id: int) -> str:
    """Sign the client in as the member (the OAuth dance is tested in test_card.py)."""
    token, data = await security.create_session(
        member_id, kind=card.SESSION_KIND, ttl_seconds=card.SESSION_TTL
    )
    client.cookies.set("scrm_member", token)
    return data.csrf_token
