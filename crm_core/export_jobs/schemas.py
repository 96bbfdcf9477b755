from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

State = Literal["queued", "running", "done", "failed"]


class ExportStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9-]*$")
    # The list's filters, as the list's own query parameters (each source validates them).
    params: dict[str, str] = Field(default_factory=dict, max_length=16)


class ExportJobRead(BaseModel):
    id: str
    kind: str
    label: str
    state: State
    done: int
    total: int
    filename: str
    error: str


class NoFilter(BaseModel):
    """For a list exported whole (in the caller's data scope)."""

    model_config = ConfigDict(extra="forbid")
