"""Celery tasks of the SMS channel: each one service call. None of them touches a serial port."""

from crm_core.celery import task
from sms_gateway.models import MessageKind
from sms_gateway.service import inbound, messages, outbox


@task("sms_gateway.send_message")
async def send_message(
    recipient: str,
    text: str,
    *,
    kind: str = "transactional",
    key: str | None = None,
    purpose: str = "",
) -> int:
    """For packages beside or above this one; the idempotency key makes redelivery harmless."""
    message = await messages.send_message(
        recipient, text, kind=MessageKind(kind), key=key, purpose=purpose
    )
    return int(message.id)


@task("sms_gateway.reap_expired_leases")
async def reap_expired_leases() -> int:
    return await outbox.reap_expired_leases()


@task("sms_gateway.flush_incomplete_inbound")
async def flush_incomplete_inbound() -> int:
    return await inbound.flush_incomplete()
