"""The customer 360 shows the customer's opportunities and quotes, as far as the caller sees."""

from datetime import UTC, datetime
from typing import Any

import httpx

from crm_core import clock
from tests.crm_core.customers.factories import make_customer, make_team
from tests.crm_core.quotes.test_api import body, world
from tests.crm_core.sales.factories import make_opportunity
from tests.factories import bearer

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


def section(overview: dict[str, Any], key: str) -> dict[str, Any]:
    found = [s for s in overview["sections"] if s["key"] == key]
    assert len(found) == 1, [s["key"] for s in overview["sections"]]
    return found[0]


async def test_the_360_lists_the_customers_opportunities_and_quotes(
    client: httpx.AsyncClient,
) -> None:
    team, mine, theirs, tea, cup = await world()
    await make_opportunity(mine, team.rep, amount_fen=1_234_550, name="年度采购")
    await make_opportunity(theirs, team.far, name="别人的商机")
    headers = await bearer(team.rep)
    with clock.freeze(NOW):
        made = await client.post(
            "/api/v1/quotes", json=body(mine.id, tea.id, cup.id), headers=headers
        )
        assert made.status_code == 201, made.text
        shown = await client.get(f"/api/v1/customers/{mine.id}/overview", headers=headers)
    assert shown.status_code == 200, shown.text
    deals, quotes = section(shown.json(), "opportunities"), section(shown.json(), "quotes")
    assert (deals["title"], deals["subtitle"], deals["table"]["rows"]) == (
        "商机",
        "共 1 个",
        [
            {
                "name": "年度采购",
                "amount": "12,345.50",
                "stage": "初次沟通（30%）",
                "status": "进行中",
                "close": "2027-01-15",
                "owner": team.rep.name,
            }
        ],
    )
    assert (quotes["title"], quotes["table"]["rows"]) == (
        "报价单",
        [
            {
                "number": "BJ-2026-0001",
                "total": "340.00",
                "status": "草稿",
                "valid": "2026-06-30",
                "owner": team.rep.name,
            }
        ],
    )


async def test_an_empty_customer_says_so(client: httpx.AsyncClient) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    shown = await client.get(
        f"/api/v1/customers/{customer.id}/overview", headers=await bearer(team.rep)
    )
    assert shown.status_code == 200, shown.text
    deals, quotes = section(shown.json(), "opportunities"), section(shown.json(), "quotes")
    assert (deals["subtitle"], deals["table"]["rows"], deals["empty_text"]) == (
        "",
        [],
        "暂无商机",
    )
    assert (quotes["table"]["rows"], quotes["empty_text"]) == ([], "暂无报价单")
