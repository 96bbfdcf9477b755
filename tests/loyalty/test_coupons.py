"""Coupons: stock never oversold, per-member limits, verification by code, expiry."""

import asyncio
from datetime import timedelta

import pytest

from crm_core import clock
from crm_core.audit import AuditLog
from crm_core.errors import CRMError
from loyalty.coupons import rules
from loyalty.coupons.errors import CouponExpiredError, CouponStoreError, CouponUsedError
from loyalty.coupons.models import Coupon, CouponSource, CouponStatus, CouponTemplate
from loyalty.coupons.schemas import VerifyCreate
from loyalty.coupons.service import expire_coupons, issue_coupon, notify_expiring, verify_coupon
from loyalty.errors import LimitReachedError, SoldOutError
from loyalty.events import COUPON_EXPIRING, COUPON_ISSUED
from tests.factories import make_staff
from tests.loyalty.factories import make_any_store, make_member, make_template


async def principal_for_store():  # type: ignore[no-untyped-def]
    from crm_core.org.service.auth import principal_for

    staff = await make_staff("admin")
    principal = await principal_for(staff.id, ip="", user_agent="")
    assert principal is not None
    return principal


async def test_300_members_claiming_50_coupons_get_exactly_50() -> None:
    template = await make_template(stock=50, stock_total=50)
    members = [await make_member() for _ in range(300)]

    async def claim(member_id: int) -> str:
        try:
            await issue_coupon(
                template.id,
                member_id,
                source=CouponSource.RULE,
                key=f"rule:{template.id}:{member_id}",
            )
        except CRMError as error:
            return error.code
        return "ok"

    outcomes = await asyncio.gather(*(claim(m.id) for m in members))

    assert outcomes.count("ok") == 50
    assert outcomes.count("sold_out") == 250
    assert (await CouponTemplate.get(id=template.id)).stock == 0
    assert await Coupon.filter(template_id=template.id).count() == 50


async def test_per_member_limit_holds_under_concurrency(published_jobs: list) -> None:
    template = await make_template(per_member_limit=2, stock=100, stock_total=100)
    member = await make_member()

    async def claim(number: int) -> str:
        try:
            await issue_coupon(
                template.id,
                member.id,
                source=CouponSource.CAMPAIGN,
                key=f"campaign:7:{member.id}:{number}",
            )
        except LimitReachedError:
            return "limit"
        return "ok"

    outcomes = await asyncio.gather(*(claim(n) for n in range(40)))

    assert outcomes.count("ok") == 2
    assert (await CouponTemplate.get(id=template.id)).stock == 98
    assert sum(job.name == COUPON_ISSUED for job in published_jobs) == 2


async def test_a_replayed_issue_key_returns_the_same_coupon() -> None:
    template = await make_template(per_member_limit=5)
    member = await make_member()
    first, replayed_first = await issue_coupon(
        template.id, member.id, source=CouponSource.RULE, key="rule:1:1"
    )
    again, replayed_again = await issue_coupon(
        template.id, member.id, source=CouponSource.RULE, key="rule:1:1"
    )
    assert (first.id, replayed_first, replayed_again) == (again.id, False, True)
    assert await Coupon.all().count() == 1


async def test_sold_out_changes_nothing(published_jobs: list) -> None:
    template = await make_template(stock=0, stock_total=0)
    member = await make_member()
    with pytest.raises(SoldOutError) as caught:
        await issue_coupon(template.id, member.id, source=CouponSource.HAND, key="hand:1:1")
    assert caught.value.code == "sold_out"
    assert await Coupon.all().count() == 0
    assert published_jobs == []


async def test_verify_marks_used_once_and_refuses_the_second_scan() -> None:
    store = await make_any_store()
    template = await make_template(threshold_fen=10000, amount_off_fen=1500)
    member = await make_member()
    coupon, _ = await issue_coupon(template.id, member.id, source=CouponSource.HAND, key="hand:2:1")
    principal = await principal_for_store()
    typed = "-".join([coupon.code[:4].lower(), coupon.code[4:8], coupon.code[8:]])

    result = await verify_coupon(
        principal,
        VerifyCreate(code=typed, store_id=store.id, order_amount_fen=12000, order_no="A1"),
    )

    assert (result.coupon.status, result.discount_fen) == (CouponStatus.USED, 1500)
    assert result.coupon.used_store_id == store.id
    with pytest.raises(CouponUsedError):
        await verify_coupon(principal, VerifyCreate(code=coupon.code, store_id=store.id))
    row = await Coupon.get(id=coupon.id)
    assert (row.used_order_no, row.status) == ("A1", CouponStatus.USED)
    assert await AuditLog.filter(action="coupon.verify").values_list(
        "actor_id", "target_id", "after"
    ) == [
        (
            principal.staff_id,
            str(coupon.id),
            {"store_id": store.id, "order_no": "A1", "member_id": member.id},
        )
    ]


async def test_expired_and_wrong_store_coupons_are_refused_unchanged() -> None:
    store, other = await make_any_store(), await make_any_store()
    template = await make_template(valid_days=1, store_ids=[other.id], threshold_fen=0)
    member = await make_member()
    coupon, _ = await issue_coupon(template.id, member.id, source=CouponSource.HAND, key="hand:3:1")
    principal = await principal_for_store()
    with pytest.raises(CouponStoreError):
        await verify_coupon(principal, VerifyCreate(code=coupon.code, store_id=store.id))
    clock.advance(timedelta(days=2))
    with pytest.raises(CouponExpiredError):
        await verify_coupon(principal, VerifyCreate(code=coupon.code, store_id=other.id))
    assert (await Coupon.get(id=coupon.id)).status == CouponStatus.UNUSED
    assert await expire_coupons() == 1
    assert (await Coupon.get(id=coupon.id)).status == CouponStatus.EXPIRED


async def test_expiring_notice_is_sent_once(published_jobs: list) -> None:
    template = await make_template(valid_days=2, per_member_limit=3)
    member = await make_member()
    coupon, _ = await issue_coupon(template.id, member.id, source=CouponSource.HAND, key="hand:4:1")
    published_jobs.clear()
    assert await notify_expiring() == 1
    assert await notify_expiring() == 0
    assert [(j.name, j.kwargs) for j in published_jobs] == [
        (COUPON_EXPIRING, {"coupon_id": coupon.id})
    ]


def test_codes_are_long_unambiguous_and_distinct() -> None:
    codes = {rules.new_code() for _ in range(10_000)}
    assert len(codes) == 10_000
    assert all(len(c) == 12 and not set(c) & set("01ILO") for c in codes)


@pytest.mark.parametrize(
    ("kind", "amount", "expected"),
    [
        ("amount_off", 12000, 1500),
        ("amount_off", 1000, 1000),
        ("discount", 10000, 1200),
        ("gift", 10000, 0),
    ],
    ids=["amount-off", "capped-at-order", "88-percent", "gift"],
)
def test_discount_fen(kind: str, amount: int, expected: int) -> None:
    from loyalty.coupons.models import CouponKind

    assert (
        rules.discount_fen(
            kind=CouponKind(kind), amount_fen=amount, amount_off_fen=1500, discount_percent=88
        )
        == expected
    )


async def test_campaign_task_issues_once_per_derived_key() -> None:
    from loyalty.tasks import issue_coupon as issue_task

    template = await make_template(per_member_limit=3)
    member = await make_member()
    first = await issue_task(template.id, member.id, f"campaign:9:member:{member.id}")
    again = await issue_task(template.id, member.id, f"campaign:9:member:{member.id}")
    assert first == again
    coupon = await Coupon.get(id=first)
    assert (coupon.source, coupon.member_id) == (CouponSource.CAMPAIGN, member.id)
    assert await Coupon.all().count() == 1


async def test_members_claim_only_claimable_templates() -> None:
    from loyalty.coupons.service import claim_coupon
    from loyalty.errors import DuplicateRequestError, NotAvailableError

    open_template = await make_template(claimable=True, per_member_limit=1)
    closed = await make_template(claimable=False)
    member = await make_member()
    coupon = await claim_coupon(member.id, open_template.id, key="claim-0001")
    assert coupon.source == CouponSource.CLAIM
    with pytest.raises(DuplicateRequestError):
        await claim_coupon(member.id, open_template.id, key="claim-0001")
    with pytest.raises(LimitReachedError):
        await claim_coupon(member.id, open_template.id, key="claim-0002")
    with pytest.raises(NotAvailableError):
        await claim_coupon(member.id, closed.id, key="claim-0003")
    assert await Coupon.all().count() == 1
