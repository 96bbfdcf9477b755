"""Pydantic I/O of red packets."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from loyalty.redpackets.models import RedPacketSource, RedPacketStatus


class RedPacketRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    member_id: int
    source: RedPacketSource
    source_id: int
    day: date
    amount_fen: int
    act_name: str
    status: RedPacketStatus
    mch_billno: str | None
    send_listid: str
    wechat_status: str
    err_code: str
    err_message: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
