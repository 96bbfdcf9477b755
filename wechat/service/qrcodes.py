"""QR codes for stores, guides, channels and campaigns: create, issue, posters, statistics."""

import io
import re
import secrets
import zipfile
from datetime import date, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from crm_core import audit, clock, jobs
from crm_core.audit import Actor
from crm_core.db import unit_of_work
from crm_core.org.errors import StaffNotFoundError, StoreNotFoundError
from crm_core.org.schemas import Page
from crm_core.org.scope import staff_in_scope, store_visible
from crm_core.permissions import Principal
from wechat import posters, repository
from wechat.errors import (
    DuplicateSceneError,
    InvalidQrTargetError,
    QrCodeNotFoundError,
    QrCodeNotReadyError,
    WeChatAPIError,
)
from wechat.models import QrCode, QrDailyStat, QrKind, QrStatus
from wechat.schemas import QrCodeCreate, QrCodeListItem, QrCodeRead, QrCodeUpdate, QrStatRead
from wechat.service import accounts
from wechat.service.replies import bump_config_version

KIND_LABELS = {
    QrKind.STORE: "门店码",
    QrKind.GUIDE: "导购码",
    QrKind.CHANNEL: "渠道码",
    QrKind.CAMPAIGN: "活动码",
}

QR_SORTS = {"id", "name", "scene", "created_at"}


async def list_qrcodes(
    principal: Principal,
    *,
    account_id: int | None = None,
    kind: QrKind | None = None,
    store_id: int | None = None,
    guide_id: int | None = None,
) -> list[QrCodeRead]:
    query = await _filtered(
        principal, account_id=account_id, kind=kind, store_id=store_id, guide_id=guide_id
    )
    return [QrCodeRead.model_validate(q) for q in await query.order_by("id")]


async def _filtered(
    principal: Principal,
    *,
    account_id: int | None = None,
    kind: QrKind | None = None,
    store_id: int | None = None,
    guide_id: int | None = None,
    status: QrStatus | None = None,
    q: str = "",
) -> QuerySet[QrCode]:
    query = await repository.qrcodes(principal)
    pairs = (
        ("account_id", account_id),
        ("kind", kind),
        ("store_id", store_id),
        ("guide_id", guide_id),
        ("status", status),
    )
    query = query.filter(**{name: value for name, value in pairs if value is not None})
    if q:
        query = query.filter(Q(name__icontains=q) | Q(scene__icontains=q))
    return query


async def qrcode_page(
    principal: Principal,
    *,
    account_id: int | None = None,
    kind: QrKind | None = None,
    store_id: int | None = None,
    guide_id: int | None = None,
    status: QrStatus | None = None,
    q: str = "",
    sort: str = "id",
    page: int = 1,
    page_size: int = 50,
) -> Page[QrCodeListItem]:
    """The QR code list with each code's lifetime scan and follow totals."""
    query = await _filtered(
        principal,
        account_id=account_id,
        kind=kind,
        store_id=store_id,
        guide_id=guide_id,
        status=status,
        q=q,
    )
    total = await query.count()
    order = (sort, "id") if sort.lstrip("-") in QR_SORTS else ("id",)
    rows = await query.order_by(*order).offset((page - 1) * page_size).limit(page_size)
    sums = await totals([row.id for row in rows])
    items = []
    for row in rows:
        read, stat = QrCodeRead.model_validate(row), sums.get(row.id)
        counts = stat.model_dump(exclude={"day"}) if stat else {}
        items.append(QrCodeListItem(**read.model_dump(), **counts))
    return Page(items=items, total=total, page=page, page_size=page_size)


async def get_qrcode(principal: Principal, qrcode_id: int) -> QrCode:
    code = await (await repository.qrcodes(principal)).get_or_none(id=qrcode_id)
    if code is None:
        raise QrCodeNotFoundError()
    return code


async def _check_target(principal: Principal, data: QrCodeCreate) -> tuple[int | None, int | None]:
    store_id, guide_id = data.store_id, data.guide_id
    if data.kind == QrKind.GUIDE:
        # A guide or store outside the scope answers like a missing one (404).
        guide = await staff_in_scope(principal).get_or_none(id=guide_id or 0)
        if guide is None:
            raise StaffNotFoundError("导购不存在")
        if not (guide.is_guide and guide.is_active) or guide.store_id is None:  # type: ignore[attr-defined]
            raise InvalidQrTargetError("导购码需要选择一名在职且已分配门店的导购")
        store_id = guide.store_id  # type: ignore[attr-defined]
    elif data.kind == QrKind.STORE:
        if store_id is None:
            raise InvalidQrTargetError("门店码需要选择门店")
        guide_id = None
    elif data.kind == QrKind.CHANNEL and not data.channel:
        raise InvalidQrTargetError("渠道码需要填写渠道名称")
    if store_id is not None:
        if not await store_visible(principal, store_id):
            raise StoreNotFoundError()
    elif principal.department_ids is not None:
        raise InvalidQrTargetError("只能为您管辖的门店或导购创建二维码")
    return store_id, guide_id


def _scene_for(kind: QrKind, store_id: int | None, guide_id: int | None) -> str:
    suffix = secrets.token_hex(3)
    if kind == QrKind.GUIDE:
        return f"guide_{guide_id}_{suffix}"
    if kind == QrKind.STORE:
        return f"store_{store_id}_{suffix}"
    return f"{kind.value}_{suffix}"


async def create_qrcode(principal: Principal, actor: Actor, data: QrCodeCreate) -> QrCodeRead:
    await accounts.get_account(data.account_id)
    store_id, guide_id = await _check_target(principal, data)
    if not data.permanent and data.expire_seconds is None:
        raise InvalidQrTargetError("临时二维码需要填写有效期（秒）")
    scene = data.scene or _scene_for(data.kind, store_id, guide_id)
    expires_at = (
        None if data.permanent else clock.utc_now() + timedelta(seconds=data.expire_seconds or 0)
    )
    try:
        async with unit_of_work():
            code = await QrCode.create(
                account_id=data.account_id,
                kind=data.kind,
                name=data.name,
                scene=scene,
                permanent=data.permanent,
                expire_seconds=None if data.permanent else data.expire_seconds,
                expires_at=expires_at,
                store_id=store_id,
                guide_id=guide_id,
                channel=data.channel,
                campaign_id=data.campaign_id,
                welcome_text=data.welcome_text,
            )
            await audit.record(
                actor,
                "wechat.qrcode.create",
                target_type="wechat_qrcode",
                target_id=code.id,
                after={"scene": scene, "kind": data.kind.value},
            )
            jobs.enqueue("wechat.issue_qrcode", qrcode_id=code.id)
    except IntegrityError as error:
        raise DuplicateSceneError() from error
    return QrCodeRead.model_validate(code)


async def update_qrcode(
    principal: Principal, actor: Actor, qrcode_id: int, data: QrCodeUpdate
) -> QrCodeRead:
    code = await get_qrcode(principal, qrcode_id)
    changes = data.model_dump(exclude_none=True)
    code.update_from_dict(changes)
    async with unit_of_work():
        await code.save()
        await audit.record(
            actor,
            "wechat.qrcode.update",
            target_type="wechat_qrcode",
            target_id=code.id,
            after=changes,
        )
    await bump_config_version()
    return QrCodeRead.model_validate(code)


async def issue_qrcode(qrcode_id: int) -> str:
    """Worker: ask WeChat for the ticket (idempotent: an issued code is left alone)."""
    code = await QrCode.get_or_none(id=qrcode_id).prefetch_related("account")
    if code is None or code.status == QrStatus.ACTIVE:
        return "skipped"
    client = accounts.client_for(code.account)
    try:
        async with client:
            result = await client.create_qrcode(code.scene, expire_seconds=code.expire_seconds)
    except WeChatAPIError as error:
        code.status, code.error = QrStatus.FAILED, error.message
        await code.save(update_fields=["status", "error"])
        if error.retryable:
            raise
        return "failed"
    code.ticket, code.url, code.status, code.error = (
        result["ticket"],
        result["url"],
        QrStatus.ACTIVE,
        "",
    )
    await code.save(update_fields=["ticket", "url", "status", "error"])
    return "issued"


async def _label(code: QrCode) -> tuple[str, str]:
    store_ids = {code.store_id} if code.store_id is not None else set()
    guide_ids = {code.guide_id} if code.guide_id is not None else set()
    stores, staff = await repository.names_of(store_ids, guide_ids)
    store = stores.get(code.store_id or 0, "")
    if code.kind == QrKind.GUIDE:
        return f"导购 {staff.get(code.guide_id or 0, '')}", store
    if code.kind == QrKind.STORE:
        return store or code.name, code.name if store else ""
    return code.name, code.channel


async def poster(principal: Principal, qrcode_id: int) -> tuple[str, bytes]:
    code = await get_qrcode(principal, qrcode_id)
    if code.status != QrStatus.ACTIVE or not code.url:
        raise QrCodeNotReadyError()
    title, subtitle = await _label(code)
    image = posters.render_poster(code.url, title=title, subtitle=subtitle, fallback=code.scene)
    return _filename(code, title), image


def _filename(code: QrCode, title: str) -> str:
    safe = re.sub(r"[^\w\-]+", "_", title).strip("_") or code.scene
    return f"qrcode_{code.id}_{safe}.png"


async def store_guide_posters(principal: Principal, store_id: int) -> tuple[str, bytes]:
    """A zip with the poster of every guide code of one store (missing codes are skipped)."""
    if not await store_visible(principal, store_id):
        raise QrCodeNotFoundError("门店不存在或不在您的管辖范围")
    codes = (
        await (await repository.qrcodes(principal))
        .filter(store_id=store_id, kind=QrKind.GUIDE, status=QrStatus.ACTIVE)
        .order_by("id")
    )
    if not codes:
        raise QrCodeNotReadyError("该门店还没有可下载的导购二维码")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for code in codes:
            title, subtitle = await _label(code)
            archive.writestr(
                _filename(code, title),
                posters.render_poster(
                    code.url, title=title, subtitle=subtitle, fallback=code.scene
                ),
            )
    return f"store_{store_id}_guide_posters.zip", buffer.getvalue()


async def daily_stats(principal: Principal, qrcode_id: int, *, days: int = 30) -> list[QrStatRead]:
    code = await get_qrcode(principal, qrcode_id)
    since = clock.local_now().date() - timedelta(days=days - 1)
    rows = await QrDailyStat.filter(qrcode_id=code.id, day__gte=since).order_by("day")
    return [
        QrStatRead(
            day=r.day,
            scans=r.scans,
            new_follows=r.new_follows,
            re_follows=r.re_follows,
            unfollows=r.unfollows,
        )
        for r in rows
    ]


async def totals(qrcode_ids: list[int]) -> dict[int, QrStatRead]:
    result: dict[int, QrStatRead] = {}
    for row in await QrDailyStat.filter(qrcode_id__in=qrcode_ids):
        current = result.get(row.qrcode_id) or QrStatRead(
            day=date.min, scans=0, new_follows=0, re_follows=0, unfollows=0
        )
        result[row.qrcode_id] = QrStatRead(
            day=max(current.day, row.day),
            scans=current.scans + row.scans,
            new_follows=current.new_follows + row.new_follows,
            re_follows=current.re_follows + row.re_follows,
            unfollows=current.unfollows + row.unfollows,
        )
    return result
