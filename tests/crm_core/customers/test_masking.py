"""The PII leak scanner (SEC-6): as a rep, crawl every customers GET, the search, the export
and the duplicate answer: no full number of a customer someone else owns shows anywhere, and
the audit log and the logs hold no full number at all."""

import io
import logging
import re

import httpx
import openpyxl
import pytest

from crm_core import clock
from crm_core.audit import AuditLog
from crm_core.export_jobs import tasks
from crm_core.org.models import Staff
from scrm.app import create_app
from tests.crm_core.customers.factories import make_customer, make_team
from tests.factories import bearer


def forms(phone: str) -> list[str]:
    national = phone.removeprefix("+86")
    return [phone, national, national[:3] + " " + national[3:7] + " " + national[7:]]


def customer_gets() -> list[str]:
    paths = []
    routes = []
    for route in create_app(boot=False).routes:
        # Included routers answer through effective contexts that carry their prefixes.
        if hasattr(route, "effective_route_contexts"):
            routes += [c for c in route.effective_route_contexts() if hasattr(c, "dependant")]
        else:
            routes.append(route)
    for route in routes:
        path = getattr(route, "path", "")
        crm = path.startswith(("/api/v1/customers", "/api/v1/pool"))
        if crm and "GET" in getattr(route, "methods", ()):
            paths.append(path)
    return sorted(paths)


def test_the_crawl_covers_every_customers_get() -> None:
    assert customer_gets() == [
        "/api/v1/customers",
        "/api/v1/customers/{customer_id}",
        "/api/v1/customers/{customer_id}/contacts",
        "/api/v1/customers/{customer_id}/follow-ups",
        "/api/v1/customers/{customer_id}/overview",
        "/api/v1/customers/{customer_id}/transfers",
        "/api/v1/pool",
        "/api/v1/pool/reminders",
        "/api/v1/pool/rules",
        "/api/v1/pool/settings",
    ]


@pytest.mark.parametrize("who", ["rep", "manager"])
async def test_no_full_number_of_anothers_customer_reaches_a_viewer(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, who: str
) -> None:
    # The levels crm_core.logging sets: the app at INFO, library chatter (SQL) at WARNING.
    caplog.set_level(logging.INFO)
    for noisy in ("tortoise", "httpx"):
        caplog.set_level(logging.WARNING, logger=noisy)
    team = await make_team()
    viewer: Staff = getattr(team, who)
    headers = await bearer(viewer)
    customers = []
    for n, owner in enumerate((team.rep, team.mate, team.far, team.manager, team.rep)):
        customer = await make_customer(owner, f"客户{n}", f"1380013800{n}", tags=["标签"])
        customers.append(customer)
        await client.post(
            f"/api/v1/customers/{customer.id}/contacts",
            json={"name": f"联系人{n}", "phone": f"1390013900{n}"},
            headers=await bearer(team.admin),
        )
        await client.post(
            f"/api/v1/customers/{customer.id}/follow-ups",
            json={"kind": "call", "content": "电话沟通"},
            headers=await bearer(team.admin),
        )
    # The public pool: one dropped from the viewer, one in its recycle bin. Nobody owns them,
    # so nobody, their previous owner included, sees their numbers.
    for n, trashed in ((5, None), (6, clock.utc_now())):
        customers.append(
            await make_customer(
                None, f"客户{n}", f"1380013800{n}", previous_owner_id=viewer.id, trashed_at=trashed
            )
        )
    await client.post(
        "/api/v1/customers/transfers",
        json={"customer_ids": [customers[4].id], "to_staff_id": team.mate.id},
        headers=await bearer(team.admin),
    )
    secret = [
        form
        for c in customers
        if (await c.refresh_from_db()) is None and c.owner_id != viewer.id
        for number in (c.phone, "+86" + "1390013900" + c.name[-1])
        for form in forms(number)
    ]
    bodies: list[str] = []
    for path in customer_gets():
        for customer in customers:
            url = path.format(customer_id=customer.id)
            for params in (
                {},
                {"q": "13800138001"},
                {"q": "客户"},
                {"q": "0001"},
                {"tag": "标签"},
                {"trashed": "true"},
                {"q": "13800138005"},
            ):
                bodies.append((await client.get(url, params=params, headers=headers)).text)
    for customer in customers:
        duplicate = await client.post(
            "/api/v1/customers",
            json={"name": customer.name, "phone": customer.phone},
            headers=headers,
        )
        assert duplicate.status_code == 409 if who == "manager" or customer.owner_id else True
        bodies.append(duplicate.text)
    job = await client.post(
        "/api/v1/export-jobs", json={"kind": "customers", "params": {}}, headers=headers
    )
    assert await tasks.run_export(job.json()["id"]) == "done"
    file = await client.get(f"/api/v1/export-jobs/{job.json()['id']}/file", headers=headers)
    sheet = openpyxl.load_workbook(io.BytesIO(file.content), read_only=True).active
    assert sheet is not None
    exported = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(exported) > 1
    bodies.append(str(exported))
    crawled = "\n".join(bodies)
    assert [s for s in secret if s in crawled] == []
    # The viewer's own customers do show in full: the scanner would notice a blanket mask.
    own = [c for c in customers if c.owner_id == viewer.id]
    assert all(c.phone.removeprefix("+86") in crawled for c in own)
    # The pool's list and recycle bin were crawled: their customers show, masked.
    assert "138****8005" in crawled
    assert "138****8006" in crawled
    audit = str([(e.before, e.after) for e in await AuditLog.all()])
    digits = re.compile(r"1[3-9]\d{9}")
    assert digits.findall(audit) == []
    assert digits.findall(caplog.text) == []
