from typing import Any

from tortoise.models import Model


def snapshot(obj: Model, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value
