"""Events published by loyalty and sales after commit, stored for the care-message engine."""

from typing import Any

from campaigns import service
from crm_core.celery import task


@task("campaigns.on_points_changed")
async def on_points_changed(**payload: Any) -> int:
    return await service.record_event("points_changed", payload)


@task("campaigns.on_tier_changed")
async def on_tier_changed(**payload: Any) -> int:
    return await service.record_event("tier_changed", payload)


@task("campaigns.on_purchase_recorded")
async def on_purchase_recorded(**payload: Any) -> int:
    return await service.record_event("purchase_recorded", payload)


@task("campaigns.on_coupon_issued")
async def on_coupon_issued(**payload: Any) -> int:
    return await service.record_event("coupon_issued", payload)


@task("campaigns.on_coupon_expiring")
async def on_coupon_expiring(**payload: Any) -> int:
    return await service.record_event("coupon_expiring", payload)


@task("campaigns.on_member_birthday")
async def on_member_birthday(**payload: Any) -> int:
    return await service.record_event("member_birthday", payload)
