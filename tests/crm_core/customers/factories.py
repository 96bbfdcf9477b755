"""A small sales organisation: two reps and their manager in 华东, a rep in 华南, an admin."""

from dataclasses import dataclass
from typing import Any

from crm_core import clock
from crm_core.customers import rules
from crm_core.customers.models import Customer
from crm_core.org.models import Department, Staff
from tests.factories import make_staff


@dataclass
class Team:
    admin: Staff
    manager: Staff
    rep: Staff
    mate: Staff
    far: Staff
    east: Department
    south: Department


async def make_team() -> Team:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东", parent=root)
    south = await Department.create(name="华南", parent=root)
    return Team(
        admin=await make_staff("admin", department=root, username="admin"),
        manager=await make_staff("sales_manager", department=east, username="manager"),
        rep=await make_staff("sales_rep", department=east, username="rep"),
        mate=await make_staff("sales_rep", department=east, username="mate"),
        far=await make_staff("sales_rep", department=south, username="far"),
        east=east,
        south=south,
    )


async def make_customer(owner: Staff | None, name: str, phone: str, **values: Any) -> Customer:
    now = clock.utc_now()
    return await Customer.create(
        name=name,
        name_key=rules.name_key(name),
        phone=rules.normalize_phone(phone),
        owner_id=owner.id if owner else None,
        department_id=owner.department_id if owner else None,  # type: ignore[attr-defined]
        created_at=now,
        updated_at=now,
        **values,
    )
