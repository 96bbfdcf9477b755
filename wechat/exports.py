"""Excel exports of fans and QR codes (with their lifetime scan and follow totals), in the
caller's data scope and with the list's filters; each export is audited."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from crm_core import audit
from crm_core.export_jobs.service import ExportSource
from crm_core.exports import Table, render
from crm_core.permissions import Principal
from crm_core.validation import Id
from wechat import repository
from wechat.models import QrKind, QrStatus
from wechat.service import fans, qrcodes

MAX_ROWS = 50_000
BATCH = 1000
QR_KIND = {"store": "门店码", "guide": "导购码", "channel": "渠道码", "campaign": "活动码"}
QR_STATUS = {"pending": "生成中", "active": "可用", "failed": "生成失败"}


class FanFilter(BaseModel):
    """The fan list's filters (GET /api/v1/wechat/fans)."""

    model_config = ConfigDict(extra="forbid")

    account_id: Id | None = None
    subscribed: bool | None = None
    store_id: Id | None = None
    guide_id: Id | None = None
    qrcode_id: Id | None = None
    channel: str = Field("", max_length=64)
    tag: str = Field("", max_length=30)
    region: str = Field("", max_length=32)
    since: date | None = None
    until: date | None = None
    q: str = Field("", max_length=64)


class QrCodeFilter(BaseModel):
    """The QR code list's filters (GET /api/v1/wechat/qrcodes)."""

    model_config = ConfigDict(extra="forbid")

    account_id: Id | None = None
    kind: QrKind | None = None
    store_id: Id | None = None
    guide_id: Id | None = None
    status: QrStatus | None = None
    q: str = Field("", max_length=64)


async def export_fans(principal: Principal, f: FanFilter) -> bytes:
    rows: list[list[object]] = []
    filters = f.model_dump(exclude={"q"})
    for page in range(1, MAX_ROWS // BATCH + 1):
        found, _ = await fans.list_fans(
            principal, **filters, keyword=f.q, page=page, page_size=BATCH, sort="id"
        )
        rows.extend(
            [
                fan.nickname or "未授权昵称",
                fan.remark,
                fan.openid,
                "已关注" if fan.subscribed else "已取关",
                fan.first_subscribed_at,
                fan.store_name,
                fan.guide_name,
                fan.channel,
                fan.province,
                fan.city,
                fan.member_name,
            ]
            for fan in await fans.list_items(found)
        )
        if len(found) < BATCH:
            break
    header = ["昵称", "备注", "openid", "关注状态", "首次关注时间", "门店", "导购"]
    header += ["来源渠道", "省", "市", "会员"]
    body = render(Table(header, rows), "xlsx")
    await audit.record(audit.actor_of(principal), "fan.export", after={"rows": len(rows)})
    return body


async def export_qrcodes(principal: Principal, f: QrCodeFilter) -> bytes:
    rows: list[list[object]] = []
    for page in range(1, MAX_ROWS // BATCH + 1):
        found = await qrcodes.qrcode_page(principal, **f.model_dump(), page=page, page_size=BATCH)
        stores, staff = await repository.names_of(
            {c.store_id for c in found.items if c.store_id},
            {c.guide_id for c in found.items if c.guide_id},
        )
        rows.extend(
            [
                code.name,
                QR_KIND.get(code.kind, code.kind),
                code.scene,
                stores.get(code.store_id or 0, ""),
                staff.get(code.guide_id or 0, ""),
                code.channel,
                "永久" if code.permanent else "临时",
                QR_STATUS.get(code.status, code.status),
                code.scans,
                code.new_follows,
                code.re_follows,
                code.unfollows,
            ]
            for code in found.items
        )
        if len(found.items) < BATCH:
            break
    header = ["名称", "类型", "场景值", "门店", "导购", "渠道", "有效期", "状态"]
    header += ["扫码次数", "新关注", "再次关注", "取关"]
    body = render(Table(header, rows), "xlsx")
    await audit.record(audit.actor_of(principal), "qrcode.export", after={"rows": len(rows)})
    return body


EXPORT_SOURCES = (
    ExportSource("fans", "粉丝", "wechat.fan:export", "粉丝", FanFilter, export_fans),
    ExportSource(
        "qrcodes", "渠道二维码", "wechat.qrcode:export", "渠道二维码", QrCodeFilter, export_qrcodes
    ),
)
