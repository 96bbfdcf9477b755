"""Accepting messages into the outbound queue, and reading the message log."""

import re
import secrets

from tortoise.exceptions import IntegrityError

from crm_core import clock, vault
from crm_core.config import get_settings
from crm_core.db import unit_of_work
from sms_gateway import repository, rules
from sms_gateway.errors import (
    ConsentRequiredError,
    EmptyMessageError,
    InvalidNumberError,
    MessageTooLongError,
    NumberSuppressedError,
    SmsNotFoundError,
)
from sms_gateway.models import MessageKind, SmsMessage, SmsPart, SmsStatus
from sms_gateway.pdu import encode_submit, normalize_cn_msisdn
from sms_gateway.schemas import MessagePage, MessageRead, PartRead
from sms_gateway.service import suppression

_E164 = re.compile(r"\+\d{8,15}")
PRIORITY = {MessageKind.TRANSACTIONAL: 10, MessageKind.MARKETING: 0}


def _at_rest(purpose: str, pdu_hex: str) -> str:
    return vault.seal(pdu_hex) if rules.is_sensitive(purpose) else pdu_hex


def sendable_pdu(purpose: str, stored: str) -> str:
    """The PDU the modem writes, from the row: a sensitive one is sealed at rest."""
    return vault.open_sealed(stored) if rules.is_sensitive(purpose) else stored


def normalize_recipient(number: str) -> str:
    phone = normalize_cn_msisdn(number)
    if not _E164.fullmatch(phone) or (
        phone.startswith("+86") and not re.fullmatch(r"\+861[3-9]\d{9}", phone)
    ):
        raise InvalidNumberError(f"不是有效的手机号码：{number}")
    return phone


async def send_message(
    recipient: str,
    text: str,
    *,
    kind: MessageKind = MessageKind.TRANSACTIONAL,
    purpose: str = "",
    key: str | None = None,
    template_code: str = "",
    actor_id: int | None = None,
) -> SmsMessage:
    """Queue one SMS. Marketing needs consent and no opt-out, and waits for the sending hours;
    nothing is dropped: outside the hours the message is queued for the next window."""
    settings = get_settings().sms
    phone = normalize_recipient(recipient)
    if not text.strip():
        raise EmptyMessageError()
    marketing = kind is MessageKind.MARKETING
    body = rules.compose_text(
        text,
        marketing=marketing,
        signature=settings.signature,
        opt_out_suffix=settings.opt_out_suffix,
    )
    reference = secrets.randbelow(256)
    parts = encode_submit(phone, body, concat_reference=reference)
    if len(parts) > settings.max_parts:
        raise MessageTooLongError(f"短信共 {len(parts)} 条，超过上限 {settings.max_parts} 条")
    if key is not None and (existing := await SmsMessage.get_or_none(idempotency_key=key)):
        return existing
    if marketing:
        if await suppression.is_suppressed(phone):
            raise NumberSuppressedError()
        if not await suppression.has_consent(phone):
            raise ConsentRequiredError()
    now = clock.utc_now()
    not_before = (
        rules.next_sending_time(now, settings.marketing_start, settings.marketing_end)
        if marketing
        else now
    )
    try:
        async with unit_of_work() as connection:
            message = await SmsMessage.create(
                kind=kind,
                purpose=purpose or kind.value,
                recipient=phone,
                # A code never rests readable: the row keeps it masked, the PDU sealed.
                text=rules.mask_codes(body) if rules.is_sensitive(purpose) else body,
                priority=PRIORITY[kind],
                not_before=not_before,
                part_count=len(parts),
                idempotency_key=key,
                template_code=template_code,
                created_by=actor_id,
                created_at=now,
                updated_at=now,
                using_db=connection,
            )
            await SmsPart.bulk_create(
                [
                    SmsPart(
                        message_id=message.id,
                        sequence=part.sequence,
                        total=part.total,
                        concat_reference=reference if part.total > 1 else 0,
                        recipient=phone,
                        tpdu_length=part.tpdu_length,
                        pdu_hex=_at_rest(purpose, part.pdu_hex),
                    )
                    for part in parts
                ],
                using_db=connection,
            )
    except IntegrityError:
        if key is None:
            raise
        # Two requests with the same idempotency key raced; the first one won.
        return await SmsMessage.get(idempotency_key=key)
    return message


def to_read(message: SmsMessage, parts: list[SmsPart] | None = None) -> MessageRead:
    # `parts` on the model is the reverse relation, so fields are copied one by one.
    read = MessageRead.model_validate(
        {name: getattr(message, name) for name in MessageRead.model_fields if name != "parts"}
    )
    if rules.is_sensitive(message.purpose):
        # Codes stay out of logs and screens (rows written before masking at rest included).
        read.text = rules.mask_codes(read.text)
    read.parts = [PartRead.model_validate(part) for part in parts or []]
    return read


async def get_message(message_id: int) -> MessageRead:
    message = await SmsMessage.get_or_none(id=message_id)
    if message is None:
        raise SmsNotFoundError()
    return to_read(message, await repository.parts_of(message_id))


async def list_messages(
    *,
    status: str = "",
    kind: str = "",
    recipient: str = "",
    q: str = "",
    page: int = 1,
    page_size: int = 50,
) -> MessagePage:
    if status and status not in {s.value for s in SmsStatus}:
        status = ""
    query = SmsMessage.filter(
        repository.message_filter(status=status, kind=kind, recipient=recipient, q=q)
    )
    total, items = await repository.page(query, page, page_size)
    return MessagePage(
        items=[to_read(m) for m in items], total=total, page=page, page_size=page_size
    )
