"""Events published by loyalty, sales and members after commit, turned into care messages; and
the sender of single-member messages."""

from datetime import date
from typing import Any

from campaigns import service
from campaigns.care import service as care
from campaigns.mass import service as mass
from campaigns.sends import service as sends
from crm_core.celery import task
from wechat.errors import SystemBusyError, WeChatUnavailableError


@task("campaigns.on_points_changed")
async def on_points_changed(**payload: Any) -> int:
    return await service.receive_event("points_changed", payload)


@task("campaigns.on_tier_changed")
async def on_tier_changed(**payload: Any) -> int:
    return await service.receive_event("tier_changed", payload)


@task("campaigns.on_purchase_recorded")
async def on_purchase_recorded(**payload: Any) -> int:
    return await service.receive_event("purchase_recorded", payload)


@task("campaigns.on_coupon_issued")
async def on_coupon_issued(**payload: Any) -> int:
    return await service.receive_event("coupon_issued", payload)


@task("campaigns.on_coupon_expiring")
async def on_coupon_expiring(**payload: Any) -> int:
    return await service.receive_event("coupon_expiring", payload)


@task("campaigns.on_member_birthday")
async def on_member_birthday(**payload: Any) -> int:
    return await service.receive_event("member_birthday", payload)


@task("campaigns.on_member_followed")
async def on_member_followed(**payload: Any) -> int:
    return await service.receive_event("member_followed", payload)


@task("campaigns.on_card_bound")
async def on_card_bound(**payload: Any) -> int:
    return await service.receive_event("card_bound", payload)


@task("campaigns.send_daily_care")
async def send_daily_care(day: str | None = None) -> int:
    return await care.send_daily_care(date.fromisoformat(day) if day else None)


# Transient WeChat failures only; the row is back to queued before the retry, and its last
# attempt ends it `failed` (sends.MAX_ATTEMPTS). Countdowns stay under a minute (reliability.md
# TQ-2).
TRANSIENT = {
    "autoretry_for": (WeChatUnavailableError, SystemBusyError),
    "max_retries": sends.MAX_ATTEMPTS - 1,
    "retry_backoff": True,
    "retry_backoff_max": 60,
}


@task("campaigns.deliver_message", **TRANSIENT)
async def deliver_message(delivery_id: int) -> str:
    return await sends.deliver(delivery_id)


@task("campaigns.release_deferred")
async def release_deferred() -> int:
    return await sends.release_deferred()


@task("campaigns.record_sms_reports")
async def record_sms_reports() -> int:
    return await sends.record_sms_reports()


@task("campaigns.run_campaign", **TRANSIENT)
async def run_campaign(campaign_id: int) -> str:
    return await mass.run_campaign(campaign_id)


@task("campaigns.pump_campaign", **TRANSIENT)
async def pump_campaign(campaign_id: int) -> int:
    return await mass.pump(campaign_id)


@task("campaigns.start_due_campaigns")
async def start_due_campaigns() -> int:
    return await mass.start_due()


@task("campaigns.resume_campaigns")
async def resume_campaigns() -> int:
    return await mass.resume()


@task(sends.REPORT_TASK)
async def on_template_finished(msg_id: int, status: str, attempt: int = 0) -> int:
    return await sends.record_template_finished(msg_id, status, attempt)


@task("campaigns.on_mass_finished")
async def on_mass_finished(
    msg_id: int, status: str, total: int, filtered: int, sent: int, errors: int
) -> int:
    return await mass.record_mass_finished(msg_id, status, total, filtered, sent, errors)
