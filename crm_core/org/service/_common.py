from typing import Any

from tortoise.models import Model

from crm_core.audit import Actor
from crm_core.permissions import Principal


def actor_of(principal: Principal) -> Actor:
    return Actor(id=principal.staff_id, name=principal.username, ip=principal.ip,
                 user_agent=principal.user_agent)


def snapshot(obj: Model, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value
