"""End to end with real processes: a member verifies their phone through the member center (the
SMS code goes through the modem simulator), a Celery worker links the CRM customer with that
phone, and the rep's console shows the member card on the customer's 360."""

from collections.abc import Iterator
from typing import Any

import pytest

from crm_core.customers.models import Customer
from crm_core.org.models import Department
from members.models import Member
from tests.crm_core.customers.factories import make_customer
from tests.e2e import test_member_card_sms as card_flow
from tests.e2e.conftest import eventually, member_card_stack
from tests.e2e.spa import open_console
from tests.factories import make_staff

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
def stack(booted: object) -> Iterator[dict[str, str]]:
    with member_card_stack("link", imsi="460001234560002", seed=2, worker=True) as urls:
        yield urls


async def test_a_verified_phone_puts_the_member_card_on_the_customer(
    stack: dict[str, str], browser: Any
) -> None:
    east = await Department.create(name="华东销售部")
    rep = await make_staff("sales_rep", department=east, username="rep")
    customer = await make_customer(rep, "孙会员", "13700001111")
    # The real member flow: OAuth in the sandbox, the SMS code via the modem, the card bound.
    await card_flow.test_card_code_reaches_the_sandbox_phone_through_the_modem(stack)
    member = await Member.get(phone="+8613700001111")

    async def linked() -> int | None:
        return (await Customer.get(id=customer.id)).member_id

    assert await eventually(linked, timeout=60) == member.id
    tab = await open_console(browser, stack["web"], "rep")
    await tab.goto(f"/admin/customers/{customer.id}")
    card = tab.page.locator("[data-test=section-member_card]")
    await card.wait_for()
    assert member.card_no is not None
    assert member.card_no in await card.inner_text()
    assert "手机号自动关联" in await tab.page.locator("[data-test=member-block]").inner_text()
    await tab.screenshot("customer-360-after-card")
    tab.assert_clean()
    await tab.close()
