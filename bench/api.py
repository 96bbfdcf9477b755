"""GET /api/v1/staff through the whole stack (bearer token, permission, data scope, query,
serialisation) against a bare FastAPI handler returning the same JSON, in the same process.

Run: python -m bench.api
"""

import asyncio

import httpx
from fastapi import FastAPI

from bench.support import bench_database, report, run_closed_loop
from crm_core import security
from crm_core.org.models import Department, Role, Staff
from crm_core.org.service.auth import issue_token
from scrm.app import create_app

CLIENTS, TOTAL = 16, 2000


async def seed() -> str:
    department = await Department.create(name="总部")
    password_hash = security.hash_password("bench-pass-1")
    admin_role = await Role.get(code="admin")
    for number in range(50):
        staff = await Staff.create(
            username=f"staff{number}",
            name=f"员工{number}",
            password_hash=password_hash,
            department=department,
        )
        await staff.roles.add(admin_role)
    return await issue_token(1, ttl_seconds=3600)


async def main() -> None:
    async with bench_database():
        token = await seed()
        app = create_app(boot=False)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            sample = (await client.get("/api/v1/staff?page_size=20", headers=headers)).json()
            bare = FastAPI()
            bare.get("/api/v1/staff")(lambda: sample)
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=bare), base_url="http://bench"
            ) as bare_client:
                baseline = await run_closed_loop(
                    lambda: bare_client.get("/api/v1/staff", headers=headers),
                    clients=CLIENTS,
                    total=TOTAL,
                )
            subject = await run_closed_loop(
                lambda: client.get("/api/v1/staff?page_size=20", headers=headers),
                clients=CLIENTS,
                total=TOTAL,
            )
        report("api staff list (full stack)", subject, baseline)


if __name__ == "__main__":
    asyncio.run(main())
