"""Care messages: settings per care type, and turning events and calendar days into sends."""

from datetime import date
from typing import Any

from campaigns.care import repository, rules
from campaigns.care.errors import (
    CareMemberNotFoundError,
    CareSettingInvalidError,
    FestivalNotFoundError,
)
from campaigns.care.models import CareSetting, CareType, Festival
from campaigns.care.schemas import (
    CarePreview,
    CareSettingRead,
    CareSettingUpdate,
    FestivalRead,
    FestivalUpdate,
)
from campaigns.models import CareEvent
from campaigns.sends import service as sends
from campaigns.sends import templates
from campaigns.sends.schemas import MessageContent
from crm_core import audit, clock
from crm_core.clock import SHANGHAI
from crm_core.db import unit_of_work
from crm_core.permissions import Principal
from crm_core.sales import service as sales
from members import service as members_service

BATCH = 1000


def _read(care_type: CareType, row: CareSetting | None) -> CareSettingRead:
    return CareSettingRead(
        care_type=care_type,
        enabled=bool(row and row.enabled),
        marketing=care_type not in rules.NOTICES,
        text=row.text if row else "",
        template_id=row.template_id if row else "",
        template_fields=row.template_fields if row else {},
        template_url=row.template_url if row else "",
        sms=row.sms if row else "",
        placeholders=list(rules.PLACEHOLDERS[care_type]),
    )


async def list_settings() -> list[CareSettingRead]:
    rows = {row.care_type: row for row in await CareSetting.all()}
    return [_read(care_type, rows.get(care_type)) for care_type in CareType]


async def get_setting(care_type: CareType) -> CareSettingRead:
    return _read(care_type, await CareSetting.get_or_none(care_type=care_type))


async def update_setting(
    actor: audit.Actor, care_type: CareType, data: CareSettingUpdate
) -> CareSettingRead:
    if data.enabled and not (data.text.strip() or data.template_id or data.sms.strip()):
        raise CareSettingInvalidError("启用前请至少填写一种渠道的内容（客服消息、模板消息或短信）")
    if data.template_id:
        await templates.check_mapping(data.template_id, data.template_fields)
    async with unit_of_work():
        before = await get_setting(care_type)
        row, _ = await CareSetting.get_or_create(care_type=care_type)
        row.update_from_dict(data.model_dump())
        await row.save()
        await audit.record(
            actor,
            "campaigns.care_setting_updated",
            target_type="care_setting",
            target_id=care_type.value,
            before=before.model_dump(),
            after=data.model_dump(),
        )
    return _read(care_type, row)


def content_for(setting: CareSettingRead, values: dict[str, Any]) -> MessageContent:
    return MessageContent(
        text=rules.render(setting.text, values),
        template_id=setting.template_id,
        template_data={k: rules.render(v, values) for k, v in setting.template_fields.items()},
        template_url=setting.template_url,
        sms=rules.render(setting.sms, values),
        marketing=setting.marketing,
    )


async def send_care(
    care_type: CareType, member_id: int, intent_key: str, extra: dict[str, Any] | None = None
) -> int | None:
    """Queue one care message if the type is on (the new row's id; None when off or already
    queued). The router picks the channel at send time."""
    setting = await get_setting(care_type)
    if not setting.enabled:
        return None
    values = await repository.member_values(member_id)
    if values is None:
        return None
    content = content_for(setting, values | (extra or {}))
    key = f"care:{care_type.value}:{intent_key}"
    delivery_id, created = await sends.enqueue(key, care_type.value, member_id, content)
    return delivery_id if created else None


async def preview(care_type: CareType, member_id: int) -> CarePreview:
    values = await repository.member_values(member_id)
    if values is None:
        raise CareMemberNotFoundError()
    sample = {
        "delta": 100,
        "amount": "128.00",
        "coupon": "满100减20券",
        "expires": "2026-12-31",
        "old_tier": "银卡",
        "festival": "中秋节",
    }
    content = content_for(await get_setting(care_type), sample | values)
    decision = await sends.decide_for(member_id, content)
    return CarePreview(
        content=content,
        channel=decision.channel.value if decision.channel else None,
        skip_reason=decision.skip.value if decision.skip else None,
        defer_until=decision.defer_until,
    )


async def preview_for_staff(
    principal: Principal, care_type: CareType, member_id: int
) -> CarePreview:
    if not await members_service.is_visible(principal, member_id):
        raise CareMemberNotFoundError()
    return await preview(care_type, member_id)


async def handle_event(event_id: int) -> int | None:
    """One care message per stored event (the event row dedupes Celery redeliveries)."""
    event = await CareEvent.get_or_none(id=event_id)
    if event is None or event.handled_at is not None:
        return None
    found = await _care_of(event.name, event.payload)
    delivery_id = None
    if found is not None:
        care_type, member_id, extra, key = found
        delivery_id = await send_care(care_type, member_id, key or str(event.id), extra)
    event.handled_at = clock.utc_now()
    await event.save(update_fields=["handled_at"])
    return delivery_id


async def _care_of(
    name: str, payload: dict[str, Any]
) -> tuple[CareType, int, dict[str, Any], str] | None:
    match name:
        case "points_changed":
            found = await repository.points_entry(int(payload["entry_id"]))
            return (CareType.POINTS_CHANGED, found[0], found[1], "") if found else None
        case "tier_changed":
            ranks = await repository.tier_ranks(payload.get("from_tier_id"), payload["to_tier_id"])
            old = ranks.get(payload.get("from_tier_id") or 0, (-1, ""))
            new = ranks.get(payload["to_tier_id"], (-1, ""))
            kind = CareType.TIER_UP if new[0] > old[0] else CareType.TIER_DOWN
            return kind, int(payload["member_id"]), {"tier": new[1], "old_tier": old[1]}, ""
        case "coupon_issued" | "coupon_expiring":
            coupon = await repository.coupon(int(payload["coupon_id"]))
            if coupon is None:
                return None
            extra = coupon[1] | {"expires": f"{coupon[1]['expires'].astimezone(SHANGHAI):%Y-%m-%d}"}
            kind = CareType.COUPON_ISSUED if name == "coupon_issued" else CareType.COUPON_EXPIRING
            return kind, coupon[0], extra, ""
        case "member_birthday":
            # The same key as the daily run, so the two paths never send twice.
            key = f"{payload['member_id']}:{clock.local_now().date().isoformat()}"
            return CareType.BIRTHDAY, int(payload["member_id"]), {}, key
        case "member_followed":
            scene = f"qr{payload['qrcode_id']}" if payload.get("qrcode_id") else ""
            return CareType.WELCOME, int(payload["member_id"]), {"scene": scene}, ""
        case "purchase_recorded":
            order = await sales.order_by_id(int(payload["order_id"]))
            if order is None or order.member_id is None:
                return None
            amount = f"{order.total_fen // 100}.{order.total_fen % 100:02d}"
            return CareType.PURCHASE, order.member_id, {"amount": amount}, ""
        case "card_bound":
            return CareType.CARD_BOUND, int(payload["member_id"]), {}, ""
    return None


async def send_daily_care(day: date | None = None) -> int:
    """Beat, once a day: birthdays on the member's Asia/Shanghai day, and festivals."""
    day = day or clock.local_now().date()
    queued = 0
    for member_id, birthday, calendar, month, lunar_day in await repository.birthdays():
        if rules.birthday_on(
            day, birthday=birthday, calendar=calendar, lunar_month=month, lunar_day=lunar_day
        ):
            queued += (
                await send_care(CareType.BIRTHDAY, member_id, f"{member_id}:{day.isoformat()}")
                is not None
            )
    for festival in await _festivals():
        if festival.enabled and rules.festival_on(
            day, calendar=festival.calendar, month=festival.month, festival_day=festival.day
        ):
            queued += await _greet_everyone(festival, day)
    return queued


async def _greet_everyone(festival: FestivalRead, day: date) -> int:
    queued, after = 0, 0
    while member_ids := await repository.active_member_ids(after, BATCH):
        for member_id in member_ids:
            key = f"{festival.id}:{day.isoformat()}"
            extra = {"festival": festival.name}
            queued += await send_care(CareType.FESTIVAL, member_id, key, extra) is not None
        after = member_ids[-1]
    return queued


async def _festivals() -> list[FestivalRead]:
    if not await Festival.exists():
        for name, calendar, month, day in rules.DEFAULT_FESTIVALS:
            await Festival.get_or_create(
                name=name, defaults={"calendar": calendar, "month": month, "day": day}
            )
    return [FestivalRead.model_validate(row) for row in await Festival.all()]


async def list_festivals() -> list[FestivalRead]:
    return await _festivals()


async def update_festival(
    actor: audit.Actor, festival_id: int, data: FestivalUpdate
) -> FestivalRead:
    row = await Festival.get_or_none(id=festival_id)
    if row is None:
        raise FestivalNotFoundError()
    if data.calendar == "solar":
        try:
            date(2024, data.month, data.day)
        except ValueError as error:
            raise CareSettingInvalidError("不是有效的公历日期") from error
    elif data.day > 30:
        raise CareSettingInvalidError("农历日期最多 30 日")
    async with unit_of_work():
        row.update_from_dict(data.model_dump())
        await row.save()
        await audit.record(
            actor,
            "campaigns.festival_updated",
            target_type="festival",
            target_id=row.id,
            after=data.model_dump(),
        )
    return FestivalRead.model_validate(row)
