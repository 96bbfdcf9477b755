"""Opt-outs (suppression list) and marketing consent, both keyed by E.164 number."""

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from crm_core import clock
from sms_gateway.errors import SmsNotFoundError
from sms_gateway.models import SmsConsent, SmsSuppression
from sms_gateway.pdu import normalize_cn_msisdn


async def suppress(
    phone: str, *, reason: str, source: str, connection: BaseDBAsyncClient | None = None
) -> SmsSuppression:
    """Idempotent: a second opt-out keeps the first row. Consent is withdrawn with it."""
    number = normalize_cn_msisdn(phone)
    now = clock.utc_now()
    row, _ = await SmsSuppression.get_or_create(
        phone=number,
        defaults={"reason": reason[:255], "source": source, "created_at": now},
        using_db=connection,
    )
    await (
        SmsConsent.filter(phone=number, withdrawn_at__isnull=True)
        .using_db(connection)
        .update(withdrawn_at=now)
    )
    return row


async def remove(phone: str) -> None:
    """Taking a number off the list does not restore consent: that needs a new grant."""
    if not await SmsSuppression.filter(phone=normalize_cn_msisdn(phone)).delete():
        raise SmsNotFoundError("该号码不在退订名单中")


async def is_suppressed(phone: str, connection: BaseDBAsyncClient | None = None) -> bool:
    return (
        await SmsSuppression.filter(phone=normalize_cn_msisdn(phone)).using_db(connection).exists()
    )


async def suppressed_among(phones: list[str]) -> set[str]:
    """The numbers of `phones` (as given) that are suppressed, in one query."""
    numbers = {phone: normalize_cn_msisdn(phone) for phone in phones}
    found = {
        str(number)
        for number in await SmsSuppression.filter(phone__in=list(numbers.values())).values_list(
            "phone", flat=True
        )
    }
    return {phone for phone, number in numbers.items() if number in found}


async def grant_consent(phone: str, *, source: str) -> SmsConsent:
    """Recorded by whoever collected the consent (member card, import); re-granting renews it."""
    number = normalize_cn_msisdn(phone)
    row, created = await SmsConsent.get_or_create(
        phone=number, defaults={"source": source, "granted_at": clock.utc_now()}
    )
    if not created:
        row.source, row.granted_at, row.withdrawn_at = source, clock.utc_now(), None
        await row.save()
    return row


async def has_consent(phone: str, connection: BaseDBAsyncClient | None = None) -> bool:
    return (
        await SmsConsent.filter(phone=normalize_cn_msisdn(phone), withdrawn_at__isnull=True)
        .using_db(connection)
        .exists()
    )


async def consented_among(phones: list[str]) -> set[str]:
    """The numbers of `phones` (as given) with a standing consent, in one query."""
    numbers = {phone: normalize_cn_msisdn(phone) for phone in phones}
    found = {
        str(number)
        for number in await SmsConsent.filter(
            phone__in=list(numbers.values()), withdrawn_at__isnull=True
        ).values_list("phone", flat=True)
    }
    return {phone for phone, number in numbers.items() if number in found}


async def list_suppressed(limit: int = 200, *, q: str = "") -> list[SmsSuppression]:
    query = SmsSuppression.all()
    if q:
        query = query.filter(Q(phone__contains=q) | Q(reason__icontains=q))
    return await query.limit(limit)
