"""Segment I/O. Rule JSON is checked here against the whitelist in rules.py, so a bad field,
operator or value answers 422 at that very place (`loc`), with a stable `type` and Chinese text."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from campaigns.segments import rules
from members.schemas import MemberRead
from sms_gateway.errors import InvalidNumberError
from sms_gateway.service.messages import normalize_recipient

Match = Literal["all", "any"]


def _refuse(error: rules.RuleError) -> PydanticCustomError:
    return PydanticCustomError(error.code, error.message)


def _phone(number: str) -> str:
    """Imported numbers compare in the stored E.164 form."""
    try:
        return normalize_recipient(number)
    except InvalidNumberError:
        raise PydanticCustomError(
            "segment_bad_value", "导入手机号中有无效号码：{number}", {"number": number[:32]}
        ) from None


class ConditionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(max_length=32)
    op: str = Field(max_length=16)
    value: Any

    @field_validator("field")
    @classmethod
    def _known_field(cls, field: str) -> str:
        try:
            rules.check_field(field)
        except rules.RuleError as error:
            raise _refuse(error) from None
        return field

    @field_validator("op")
    @classmethod
    def _known_operator(cls, op: str, info: ValidationInfo) -> str:
        if "field" in info.data:
            try:
                rules.check_operator(info.data["field"], op)
            except rules.RuleError as error:
                raise _refuse(error) from None
        return op

    @field_validator("value")
    @classmethod
    def _fitting_value(cls, value: Any, info: ValidationInfo) -> Any:
        if "field" in info.data and "op" in info.data:
            try:
                value = rules.check_value(info.data["field"], info.data["op"], value)
            except rules.RuleError as error:
                raise _refuse(error) from None
            if info.data["field"] == "phone":
                return sorted({_phone(n) for n in value})
        return value


class GroupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    match: Match = "all"
    conditions: Annotated[list[ConditionIn], Field(min_length=1, max_length=20)]


class RuleIn(BaseModel):
    """Groups joined by `match`; each group's conditions joined by its own `match`. No groups:
    every member in the data scope."""

    model_config = ConfigDict(extra="forbid")

    match: Match = "all"
    groups: Annotated[list[GroupIn], Field(max_length=10)] = []

    def to_rule(self) -> rules.Rule:
        return rules.Rule(
            self.match,
            tuple(
                rules.Group(
                    g.match, tuple(rules.Condition(c.field, c.op, c.value) for c in g.conditions)
                )
                for g in self.groups
            ),
        )


class SegmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    description: str = Field("", max_length=255)
    rule: RuleIn


class SegmentUpdate(SegmentCreate):
    pass


class PreviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: RuleIn


class SegmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    rule: RuleIn
    # Counted in the saver's data scope when saved; the preview and members count live.
    member_count: int
    counted_at: datetime | None
    created_by_name: str
    created_at: datetime
    updated_at: datetime


class PreviewRead(BaseModel):
    count: int
    members: list[MemberRead]


class ExplainRead(BaseModel):
    """`total`: members in the data scope; `groups[i][j]`: condition j of group i on its own."""

    total: int
    groups: list[list[int]]


class SegmentMemberPage(BaseModel):
    items: list[MemberRead]
    total: int
    page: int
    page_size: int


class FieldOptionRead(BaseModel):
    field: str
    label: str
    kind: str
    operators: dict[str, str]
    choices: list[str | int]
