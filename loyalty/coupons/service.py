"""Coupon use cases: templates, issue (hand, rule, campaign, claim, prizes), verify, expire."""

from datetime import datetime, timedelta

from tortoise.expressions import F
from tortoise.functions import Count

from crm_core import audit, clock, jobs
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.org.service.stores import get_store
from crm_core.permissions import Principal
from loyalty import events
from loyalty.coupons import rules
from loyalty.coupons.errors import (
    CouponExpiredError,
    CouponNotFoundError,
    CouponNotStartedError,
    CouponStoreError,
    CouponThresholdError,
    CouponUsedError,
    TemplateNotFoundError,
)
from loyalty.coupons.models import Coupon, CouponSource, CouponStatus, CouponTemplate
from loyalty.coupons.schemas import (
    CouponRead,
    TemplateCreate,
    TemplateRead,
    VerificationRead,
    VerifyCreate,
)
from loyalty.errors import (
    DuplicateRequestError,
    IdempotencyKeyConflictError,
    LimitReachedError,
    NotAvailableError,
    SoldOutError,
)
from loyalty.points import repository as points_repository
from loyalty.points.models import Account
from members import service as members_service


async def create_template(principal: Principal, data: TemplateCreate) -> TemplateRead:
    async with unit_of_work():
        template = await CouponTemplate.create(**data.model_dump(), stock_total=data.stock)
        await audit.record(
            actor_of(principal),
            "coupon.template_create",
            target_type="coupon_template",
            target_id=template.id,
            after=data.model_dump(mode="json"),
        )
    return TemplateRead.model_validate(template)


async def list_templates(q: str = "") -> list[TemplateRead]:
    query = CouponTemplate.filter(name__icontains=q.strip()) if q.strip() else CouponTemplate.all()
    return [TemplateRead.model_validate(t) for t in await query.order_by("-id")]


async def get_template(template_id: int) -> CouponTemplate:
    template = await CouponTemplate.get_or_none(id=template_id)
    if template is None:
        raise TemplateNotFoundError()
    return template


async def issue_locked(
    account: Account,
    template_id: int,
    *,
    source: CouponSource,
    key: str,
    enforce_limits: bool = True,
) -> tuple[CouponRead, bool]:
    """Issue under the caller's account lock; returns (coupon, replayed).

    Prizes and mall items have their own stock and limits, so they pass enforce_limits=False.
    """
    existing = await Coupon.get_or_none(issue_key=key)
    if existing is not None:
        if existing.member_id != account.member_id or existing.template_id != template_id:
            raise IdempotencyKeyConflictError()
        return CouponRead.model_validate(existing), True
    template = await get_template(template_id)
    now = clock.utc_now()
    if not template.is_active or (template.valid_until is not None and template.valid_until <= now):
        raise NotAvailableError(name=template.name)
    held = await Coupon.filter(template_id=template_id, member_id=account.member_id).count()
    if enforce_limits and held >= template.per_member_limit:
        raise LimitReachedError(limit=f"每人限领 {template.per_member_limit} 张")
    if template.stock is not None:
        # Conditional decrement: PostgreSQL re-checks stock > 0 on the latest row version.
        taken = await CouponTemplate.filter(id=template_id, stock__gt=0).update(
            stock=F("stock") - 1
        )
        if taken == 0:
            raise SoldOutError(name=template.name)
    valid_from, valid_until = rules.validity(
        now=now,
        valid_from=template.valid_from,
        valid_until=template.valid_until,
        valid_days=template.valid_days,
    )
    coupon = await Coupon.create(
        template_id=template_id,
        member_id=account.member_id,
        seq=held + 1,
        code=rules.new_code(),
        source=source,
        issue_key=key,
        valid_from=valid_from,
        valid_until=valid_until,
        issued_at=now,
    )
    jobs.enqueue(events.COUPON_ISSUED, coupon_id=coupon.id)
    return CouponRead.model_validate(coupon), False


async def issue_coupon(
    template_id: int, member_id: int, *, source: CouponSource, key: str
) -> tuple[CouponRead, bool]:
    """For rules and campaigns (keys derived from the cause): a replay returns the coupon."""
    async with unit_of_work():
        account = await points_repository.lock_account(member_id)
        return await issue_locked(account, template_id, source=source, key=key)


async def issue_for_staff(
    principal: Principal, template_id: int, member_id: int, key: str
) -> CouponRead:
    await members_service.get_member(principal, member_id)
    async with unit_of_work():
        account = await points_repository.lock_account(member_id)
        coupon, replayed = await issue_locked(
            account, template_id, source=CouponSource.HAND, key=key
        )
        if not replayed:
            await audit.record(
                actor_of(principal),
                "coupon.issue",
                target_type="member",
                target_id=member_id,
                after={"coupon_id": coupon.id, "template_id": template_id},
            )
    if replayed:
        raise DuplicateRequestError()
    return coupon


async def claim_coupon(member_id: int, template_id: int, *, key: str) -> CouponRead:
    """A member claims a claimable template in the member center."""
    template = await get_template(template_id)
    if not template.claimable:
        raise NotAvailableError(name=template.name)
    coupon, replayed = await issue_coupon(
        template_id, member_id, source=CouponSource.CLAIM, key=key
    )
    if replayed:
        raise DuplicateRequestError()
    return coupon


async def verify_coupon(principal: Principal, data: VerifyCreate) -> VerificationRead:
    """Redeem at a store by scanned or typed code; a used or expired code changes nothing."""
    await get_store(principal, data.store_id)
    code = rules.normalise_code(data.code)
    if len(code) > rules.CODE_MAX_LENGTH:
        raise CouponNotFoundError(field="code")
    async with unit_of_work():
        coupon = await Coupon.select_for_update().get_or_none(code=code)
        if coupon is None:
            raise CouponNotFoundError(field="code")
        template = await CouponTemplate.get(id=coupon.template_id)
        now = clock.utc_now()
        if coupon.status == CouponStatus.USED:
            used_at = clock.to_local(coupon.used_at or now).strftime("%Y-%m-%d %H:%M")
            raise CouponUsedError(used_at=used_at, field="code")
        if coupon.status == CouponStatus.EXPIRED or coupon.valid_until <= now:
            raise CouponExpiredError(field="code")
        if coupon.valid_from > now:
            raise CouponNotStartedError(field="code")
        if template.store_ids and data.store_id not in template.store_ids:
            raise CouponStoreError(field="store_id")
        amount = data.order_amount_fen
        if amount is not None and amount < template.threshold_fen:
            raise CouponThresholdError(
                threshold=f"{template.threshold_fen / 100:g}", field="order_amount_fen"
            )
        await Coupon.filter(id=coupon.id, status=CouponStatus.UNUSED).update(
            status=CouponStatus.USED,
            used_at=now,
            used_store_id=data.store_id,
            used_order_no=data.order_no,
            verified_by_id=principal.staff_id,
        )
        await coupon.refresh_from_db()
        await audit.record(
            actor_of(principal),
            "coupon.verify",
            target_type="coupon",
            target_id=coupon.id,
            after={
                "store_id": data.store_id,
                "order_no": data.order_no,
                "member_id": coupon.member_id,
            },
        )
    discount = rules.discount_fen(
        kind=template.kind,
        amount_fen=amount or 0,
        amount_off_fen=template.amount_off_fen,
        discount_percent=template.discount_percent,
    )
    return VerificationRead(coupon=CouponRead.model_validate(coupon), discount_fen=discount)


async def member_coupons(principal: Principal, member_id: int) -> list[CouponRead]:
    await members_service.get_member(principal, member_id)
    rows = await Coupon.filter(member_id=member_id).order_by("-id").limit(200)
    return [CouponRead.model_validate(r) for r in rows]


async def expire_coupons(now: datetime | None = None) -> int:
    now = now or clock.utc_now()
    return await Coupon.filter(status=CouponStatus.UNUSED, valid_until__lte=now).update(
        status=CouponStatus.EXPIRED
    )


async def notify_expiring(now: datetime | None = None) -> int:
    """One coupon_expiring event per coupon, N days before it lapses."""
    from loyalty.program.service import program

    now = now or clock.utc_now()
    horizon = now + timedelta(days=(await program()).coupon_expiring_notice_days)
    due = await Coupon.filter(
        status=CouponStatus.UNUSED,
        expiring_notified_at=None,
        valid_until__gt=now,
        valid_until__lte=horizon,
    ).values_list("id", flat=True)
    sent = 0
    for coupon_id in due:
        async with unit_of_work():
            marked = await Coupon.filter(id=coupon_id, expiring_notified_at=None).update(
                expiring_notified_at=now
            )
            if marked:
                jobs.enqueue(events.COUPON_EXPIRING, coupon_id=coupon_id)
                sent += 1
    return sent


async def wallet(member_id: int) -> list[tuple[CouponRead, TemplateRead]]:
    """The member's own coupons (member center), unused first, each with its template."""
    rows = (
        await Coupon.filter(member_id=member_id)
        .order_by("status", "valid_until", "-id")
        .limit(200)
        .prefetch_related("template")
    )
    return [(CouponRead.model_validate(r), TemplateRead.model_validate(r.template)) for r in rows]


async def unused_count(member_id: int) -> int:
    return await Coupon.filter(member_id=member_id, status=CouponStatus.UNUSED).count()


async def claimable_for(member_id: int) -> list[TemplateRead]:
    """Templates the member can still claim now: active, in stock, in date, under the limit."""
    now = clock.utc_now()
    templates = await CouponTemplate.filter(claimable=True, is_active=True).order_by("-id")
    held = dict(
        await Coupon.filter(member_id=member_id)
        .group_by("template_id")
        .annotate(n=Count("id"))
        .values_list("template_id", "n")
    )
    return [
        TemplateRead.model_validate(t)
        for t in templates
        if (t.stock is None or t.stock > 0)
        and (t.valid_until is None or t.valid_until > now)
        and held.get(t.id, 0) < t.per_member_limit
    ]
