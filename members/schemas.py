"""Pydantic I/O of members."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class MemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    phone: str | None
    first_store_id: int | None
    first_guide_id: int | None
    first_channel: str
    first_touch_at: datetime | None
    last_store_id: int | None
    last_guide_id: int | None
    last_channel: str
    last_touch_at: datetime | None
    created_at: datetime
