"""Recycling over 90 days on a fake clock: exactly the right customers drop on the right day,
their owners are reminded the day before, the sweep is idempotent and audited, and the dry run
predicts what the sweep does."""

from datetime import timedelta

import pytest

from crm_core import clock
from crm_core.audit import AuditLog
from crm_core.customers.errors import CustomerInPoolError, CustomerNotFoundError
from crm_core.customers.models import Customer, FollowUp, FollowUpKind, TransferRecord
from crm_core.customers.pool import rules
from crm_core.customers.pool.models import PoolReminder
from crm_core.customers.pool.schemas import PoolClaimCreate, PoolDryRunCreate
from crm_core.customers.pool.service import claims, sweep
from crm_core.customers.pool.service import rules as pool_rules
from crm_core.customers.schemas import FollowUpCreate
from crm_core.customers.service import records
from tests.crm_core.customers.factories import make_customer, make_team
from tests.crm_core.customers.pool.helpers import T0, principal, set_rule, snapshot


def day(n: int, hours: int = 0) -> timedelta:
    return timedelta(days=n, hours=hours)


async def test_ninety_days_of_recycling_on_a_fake_clock() -> None:
    clock._frozen = T0
    team = await make_team()
    rep, mate = await principal(team.rep), await principal(team.mate)
    await set_rule("a", 30)
    await set_rule("b", 14, 60)
    await set_rule("c", 7, enabled=False)
    a1 = await make_customer(team.rep, "甲一", "13800138001", level="a")
    a2 = await make_customer(team.rep, "甲二", "13800138002", level="a")
    b1 = await make_customer(team.mate, "乙一", "13800138003", level="b")
    b2 = await make_customer(team.mate, "乙二", "13800138004", level="b")
    c1 = await make_customer(team.rep, "丙一", "13800138005", level="c")
    d1 = await make_customer(team.rep, "丁一", "13800138006", level="d")
    p1 = await make_customer(None, "公海一", "13800138007", level="a")
    names = {c.id: c.name for c in (a1, a2, b1, b2, c1, d1, p1)}
    dropped: dict[str, int] = {}
    reminded: dict[str, int] = {}
    for n in range(91):
        clock._frozen = T0 + day(n)
        before = {c.id for c in await Customer.filter(owner_id=None)}
        known = {r.id for r in await PoolReminder.all()}
        result = await sweep.sweep()
        after = {c.id for c in await Customer.filter(owner_id=None)}
        dropped |= {names[i]: n for i in after - before}
        reminded |= {names[r.customer_id]: n for r in await PoolReminder.exclude(id__in=known)}
        assert (result.recycled, result.reminded) == (
            len(after - before),
            len(await PoolReminder.all()) - len(known),
        )
        # Idempotent: the same day again changes nothing.
        again = await snapshot()
        assert (await sweep.sweep()).model_dump() == {"recycled": 0, "reminded": 0}
        assert {k: v for k, v in (await snapshot()).items() if k != "audit_log"} == {
            k: v for k, v in again.items() if k != "audit_log"
        }
        clock._frozen = T0 + day(n, 2)
        follow_up = FollowUpCreate(kind=FollowUpKind.CALL, content="回访")
        if n == 20:
            await records.add_follow_up(rep, a2.id, follow_up)
        if n % 10 == 0 and 0 < n < 60:
            await records.add_follow_up(mate, b1.id, follow_up)
        if n % 10 == 0 and n > 0:
            await records.add_follow_up(mate, b2.id, follow_up)
        if n == 50:
            await sweep.mark_deal(b2.id, clock.utc_now())
        if n == 40:
            await claims.claim(rep, PoolClaimCreate(customer_ids=[p1.id]))
    # a1: 30 days untouched; a2: followed up on day 20; b1: no deal in 60 days although
    # followed up; p1: claimed on day 40, the clock starts then. b2 closed a deal; C's rule
    # is off; D has none.
    assert dropped == {"甲一": 30, "甲二": 51, "乙一": 60, "公海一": 71}
    assert reminded == {"甲一": 29, "甲二": 50, "乙一": 59, "公海一": 70}
    assert {c.name: c.owner_id for c in await Customer.filter(owner_id__not_isnull=True)} == {
        "乙二": team.mate.id,
        "丙一": team.rep.id,
        "丁一": team.rep.id,
    }
    pooled = await Customer.filter(owner_id=None).order_by("id")
    assert [(c.name, c.previous_owner_id, c.pool_reason, c.pooled_at) for c in pooled] == [
        ("甲一", team.rep.id, "no_follow_up", T0 + day(30)),
        ("甲二", team.rep.id, "no_follow_up", T0 + day(51)),
        ("乙一", team.mate.id, "no_deal", T0 + day(60)),
        ("公海一", team.rep.id, "no_follow_up", T0 + day(71)),
    ]
    history = await TransferRecord.filter(to_staff_id=None).order_by("id")
    assert [(t.customer_id, t.from_staff_id, t.by_staff_id, t.reason) for t in history] == [
        (a1.id, team.rep.id, None, "超期未跟进，掉入公海"),
        (a2.id, team.rep.id, None, "超期未跟进，掉入公海"),
        (b1.id, team.mate.id, None, "超期未成交，掉入公海"),
        (p1.id, team.rep.id, None, "超期未跟进，掉入公海"),
    ]
    sweeps = await AuditLog.filter(action="customer.pool_swept").order_by("id")
    assert len(sweeps) == 182
    assert [e.after for e in sweeps if e.after and e.after["recycled"]] == [
        {"recycled": 1, "reminded": 0, "customer_ids": [a1.id], "owners": [team.rep.id]},
        {"recycled": 1, "reminded": 0, "customer_ids": [a2.id], "owners": [team.rep.id]},
        {"recycled": 1, "reminded": 0, "customer_ids": [b1.id], "owners": [team.mate.id]},
        {"recycled": 1, "reminded": 0, "customer_ids": [p1.id], "owners": [team.rep.id]},
    ]
    # A pooled customer takes no edits: out of the rep's scope now (404), and 409 even for
    # the admin who still sees it; nothing written.
    before = await snapshot()
    late = FollowUpCreate(kind=FollowUpKind.CALL, content="晚了")
    with pytest.raises(CustomerNotFoundError):
        await records.add_follow_up(rep, a1.id, late)
    with pytest.raises(CustomerInPoolError):
        await records.add_follow_up(await principal(team.admin), a1.id, late)
    assert await snapshot() == before
    assert await FollowUp.filter(customer_id=a1.id).count() == 0


async def test_reminders_list_only_what_still_drops_tomorrow() -> None:
    clock._frozen = T0
    team = await make_team()
    await set_rule("a", 30)
    kept = await make_customer(team.rep, "将掉", "13800138001", level="a")
    saved = await make_customer(team.rep, "已跟进", "13800138002", level="a")
    await make_customer(team.mate, "同事的", "13800138003", level="a")
    clock._frozen = T0 + day(29)
    assert (await sweep.sweep()).model_dump() == {"recycled": 0, "reminded": 3}
    await records.add_follow_up(
        await principal(team.rep), saved.id, FollowUpCreate(kind="call", content="回访")
    )
    mine = await sweep.list_reminders(await principal(team.rep))
    assert [(r.customer_id, r.drop_at, r.reason) for r in mine] == [
        (kept.id, T0 + day(30), "no_follow_up")
    ]
    theirs = await sweep.list_reminders(await principal(team.manager))
    assert sorted(r.customer_name for r in theirs) == ["同事的", "将掉"]


async def test_the_dry_run_predicts_the_sweep_and_writes_nothing() -> None:
    clock._frozen = T0 - day(60)
    team = await make_team()
    made = []
    for n, (owner, follow_days_ago) in enumerate(
        [(team.rep, None), (team.rep, 25), (team.mate, 5), (team.far, None), (team.mate, 40)]
    ):
        customer = await make_customer(owner, f"客户{n}", f"1380013800{n}", level="a")
        if follow_days_ago is not None:
            customer.last_followed_at = T0 + day(10 - follow_days_ago)
            await customer.save()
        made.append(customer)
    clock._frozen = T0 + day(10)
    before = await snapshot()
    proposal = PoolDryRunCreate(level="a", no_follow_up_days=20, horizon_days=15)
    manager = await pool_rules.dry_run(await principal(team.manager), proposal)
    assert await snapshot() == before
    expected = []
    for c in made:
        clocks = rules.Clocks(c.created_at, c.owned_at, c.last_followed_at, c.last_deal_at)
        found = rules.drop_date(rules.Terms(20, None), clocks)
        assert found is not None
        if found[0] <= T0 + day(25) and c.owner_id != team.far.id:
            expected.append((c.id, c.owner_id, found[0], found[1]))
    assert [(d.customer_id, d.owner_id, d.drop_at, d.reason) for d in manager.items] == sorted(
        expected, key=lambda e: (e[2], e[0])
    )
    # Past due already: 客户0 (never followed), 客户1 (25 days ago), 客户4 (40 days ago).
    assert (manager.total, manager.due_now) == (4, 3)
    assert {(o.owner_id, o.count) for o in manager.by_owner} == {
        (team.rep.id, 2),
        (team.mate.id, 2),
    }
    own = await pool_rules.dry_run(await principal(team.rep), proposal)
    assert [d.customer_id for d in own.items] == [made[0].id, made[1].id]
    # Enabled as previewed, the manager's sweep drops exactly the customers due now.
    await set_rule("a", 20)
    result = await sweep.sweep(await principal(team.manager))
    assert result.recycled == 3
    assert {c.id for c in await Customer.filter(owner_id=None)} == {m.id for m in made[:2]} | {
        made[4].id
    }
