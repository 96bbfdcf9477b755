"""The demo's loyalty data loads once, with its purchase history in a consistent ledger."""

from loyalty.lottery.models import Draw
from loyalty.points.models import Account
from loyalty.points.service.accounts import check_invariants
from loyalty.program.models import Tier
from scrm.demo_loyalty import seed_loyalty
from tests.factories import make_department, make_store


async def test_seed_loyalty_is_idempotent_and_consistent() -> None:
    await make_store(await make_department(), code="SH001")
    assert (await seed_loyalty()).startswith("已导入会员体系")
    assert await seed_loyalty() == "会员体系已存在 / loyalty already seeded"
    assert await Tier.all().count() == 4
    balances = sorted(await Account.all().values_list("balance", flat=True))
    assert len(balances) == 2
    assert await Draw.all().count() == 2
    assert await check_invariants() == []
    tiers = {t.id: t.code for t in await Tier.all()}
    # 1,758 yuan earned in the window lifts 王女士 to silver at once; 陈先生 stays basic.
    assert sorted(tiers[a.tier_id] for a in await Account.all()) == ["basic", "silver"]
