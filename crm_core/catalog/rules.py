"""Pure rules of the catalogue: custom field values by their definition, the category tree."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from crm_core.catalog.models import FieldKind

MAX_TEXT = 200
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True)
class FieldDef:
    key: str
    label: str
    kind: FieldKind
    options: Sequence[str] = ()
    required: bool = False


class CustomValueError(ValueError):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def _clean(field: FieldDef, value: object) -> object:
    label = field.label
    if field.kind == FieldKind.TEXT:
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise CustomValueError(field.key, f"{label}须为不超过 {MAX_TEXT} 字的文本")
        return value.strip()
    if field.kind == FieldKind.NUMBER:
        # bool is an int to Python, never a number to a user.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CustomValueError(field.key, f"{label}须为数字")
        return value
    if field.kind == FieldKind.BOOL:
        if not isinstance(value, bool):
            raise CustomValueError(field.key, f"{label}须为是或否")
        return value
    if field.kind == FieldKind.DATE:
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise CustomValueError(field.key, f"{label}须为日期（YYYY-MM-DD）") from None
    if value not in field.options:
        raise CustomValueError(field.key, f"{label}须为以下之一：{'、'.join(field.options)}")
    return value


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_custom(fields: Sequence[FieldDef], values: Mapping[str, object]) -> dict[str, object]:
    """The values a product keeps: only defined keys, each of its kind; empty ones dropped.
    Raises CustomValueError for the first bad or missing value, or an unknown key."""
    known = {f.key: f for f in fields}
    for key in values:
        if key not in known:
            raise CustomValueError(key, f"未定义的自定义字段：{key}")
    cleaned: dict[str, object] = {}
    for field in fields:
        value = values.get(field.key)
        if _empty(value):
            if field.required:
                raise CustomValueError(field.key, f"{field.label}为必填项")
            continue
        cleaned[field.key] = _clean(field, value)
    return cleaned


def ancestors(category_id: int, parents: Mapping[int, int | None]) -> list[int]:
    """The chain above a category, nearest first (a broken, cyclic chain stops at the repeat)."""
    chain: list[int] = []
    node = parents.get(category_id)
    while node is not None and node not in chain and node != category_id:
        chain.append(node)
        node = parents.get(node)
    return chain


def would_cycle(
    category_id: int, new_parent: int | None, parents: Mapping[int, int | None]
) -> bool:
    """Moving a category under itself or one of its descendants would cut it off the tree."""
    if new_parent is None:
        return False
    return new_parent == category_id or category_id in ancestors(new_parent, parents)
