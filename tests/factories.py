"""Typed async factories for tests."""

import functools
import itertools

import httpx

from crm_core import security
from crm_core.org.models import Department, Role, Staff, Store
from crm_core.org.service.auth import issue_token

PASSWORD = "secret123"
_counter = itertools.count(1)


@functools.cache
def password_hash() -> str:
    # Hash once: argon2 costs ~70 ms by design, and factories make many accounts.
    return security.hash_password(PASSWORD)


async def make_department(name: str | None = None, parent: Department | None = None) -> Department:
    return await Department.create(name=name or f"部门{next(_counter)}", parent=parent)


async def make_store(department: Department, code: str | None = None, **values: object) -> Store:
    number = next(_counter)
    values.setdefault("name", f"门店{number}")
    return await Store.create(code=code or f"S{number:03d}", department=department, **values)


async def make_staff(
    role: str | None = "admin",
    *,
    department: Department | None = None,
    store: Store | None = None,
    username: str | None = None,
    is_guide: bool = False,
    is_active: bool = True,
) -> Staff:
    staff = await Staff.create(
        username=username or f"user{next(_counter)}",
        name="测试员工",
        password_hash=password_hash(),
        department=department,
        store=store,
        is_guide=is_guide,
        is_active=is_active,
    )
    if role:
        await staff.roles.add(await Role.get(code=role))
    return staff


async def bearer(staff: Staff) -> dict[str, str]:
    return {"Authorization": f"Bearer {await issue_token(staff.id, ttl_seconds=3600)}"}


async def post_login(client: httpx.AsyncClient, data: dict[str, str]) -> httpx.Response:
    """Submit the login form as a browser does: load it first (pre-session cookie and token)."""
    page = await client.get("/admin/login")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    return await client.post("/admin/login", data={**data, "csrf_token": token})


async def console_login(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the form and return the CSRF token of the new session."""
    response = await post_login(client, {"username": username, "password": password})
    assert response.status_code == 303, response.text
    page = await client.get("/admin/departments")
    marker = 'name="csrf_token" value="'
    text = page.text if marker in page.text else (await client.get("/admin")).text
    return text.split(marker, 1)[1].split('"', 1)[0]


async def api_session_login(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> str:
    """Log in as the SPA does (JSON, session cookie) and return the session's CSRF token."""
    response = await client.post(
        "/api/v1/auth/session", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["csrf_token"]
    return token


async def sms_code_sent_to(phone: str) -> str:
    """The verification code as the handset receives it: decoded from the queued PDUs."""
    import re

    from sms_gateway.models import SmsMessage, SmsPart
    from sms_gateway.pdu import decode_submit
    from sms_gateway.service.messages import sendable_pdu

    message = await SmsMessage.filter(recipient=phone).order_by("-id").first()
    assert message is not None
    parts = await SmsPart.filter(message_id=message.id).order_by("sequence")
    pdus = [sendable_pdu(message.purpose, part.pdu_hex) for part in parts]
    text = "".join(decode_submit(pdu).text for pdu in pdus)
    found = re.search(r"验证码是(\d{6})", text)
    assert found is not None, text
    return found.group(1)
