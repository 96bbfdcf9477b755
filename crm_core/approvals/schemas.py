"""Pydantic I/O of approvals. Amounts are integer fen."""

from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crm_core.approvals.models import ActionKind, RequestStatus, StepStatus
from crm_core.validation import FieldValueError, Id

AmountFen = int
MAX_FEN = 10**13


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class FlowStep(Input):
    name: str = Field(min_length=1, max_length=64)
    approver_type: Literal["role", "staff"]
    role: str | None = Field(None, max_length=32)
    staff_id: Id | None = None
    min_amount_fen: int | None = Field(None, ge=0, le=MAX_FEN)
    max_amount_fen: int | None = Field(None, ge=1, le=MAX_FEN)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.approver_type == "role" and not self.role:
            raise FieldValueError("role", "请选择审批角色")
        if self.approver_type == "staff" and self.staff_id is None:
            raise FieldValueError("staff_id", "请选择审批人")
        low, high = self.min_amount_fen, self.max_amount_fen
        if low is not None and high is not None and low >= high:
            raise FieldValueError("max_amount_fen", "金额上限必须大于下限")
        return self


class FlowUpdate(Input):
    steps: list[FlowStep] = Field(min_length=1, max_length=10)
    remind_after_hours: int = Field(24, ge=1, le=720)


class FlowRead(BaseModel):
    kind: str
    label: str
    steps: list[FlowStep]
    remind_after_hours: int
    saved: bool
    updated_at: datetime | None


class KindRead(BaseModel):
    code: str
    label: str
    detail_url: str


class RequestCreate(Input):
    kind: str = Field(min_length=1, max_length=32)
    record_id: Id
    # The amount asked for, when the kind takes it from the request (a credit limit); kinds
    # whose records carry an amount (a contract's total) ignore it.
    amount_fen: int | None = Field(None, ge=0, le=MAX_FEN)
    reason: str = Field("", max_length=255)


class Decision(Input):
    step: int = Field(ge=1, le=100)
    version: int = Field(ge=0, le=2**31 - 1)
    comment: str = Field("", max_length=255)


class Refusal(Input):
    """Reject or return: the reason is required."""

    step: int = Field(ge=1, le=100)
    version: int = Field(ge=0, le=2**31 - 1)
    comment: str = Field(min_length=1, max_length=255)


class Delegation(Decision):
    to_staff_id: Id


class Withdrawal(Input):
    version: int = Field(ge=0, le=2**31 - 1)


class Resubmission(Input):
    version: int = Field(ge=0, le=2**31 - 1)
    amount_fen: int | None = Field(None, ge=0, le=MAX_FEN)
    reason: str = Field("", max_length=255)


class StepRead(BaseModel):
    seq: int
    name: str
    approver_id: int | None
    approver_name: str
    assigned_id: int | None
    assigned_name: str
    status: StepStatus
    comment: str
    decided_at: datetime | None


class ActionRead(BaseModel):
    step_seq: int
    action: ActionKind
    actor_id: int | None
    actor_name: str
    target_name: str
    comment: str
    at: datetime


class RequestRead(BaseModel):
    id: int
    kind: str
    kind_label: str
    record_id: int
    detail_url: str
    title: str
    amount_fen: int
    reason: str
    requester_id: int
    requester_name: str
    status: RequestStatus
    current_step: int
    current_approver_id: int | None
    current_approver_name: str
    version: int
    locked: bool
    submitted_at: datetime
    decided_at: datetime | None
    reminders: int


class RequestDetail(RequestRead):
    steps: list[StepRead]
    actions: list[ActionRead]


class RequestPage(BaseModel):
    items: list[RequestRead]
    total: int
    page: int
    page_size: int


Box = Literal["todo", "mine", "done", "all"]
