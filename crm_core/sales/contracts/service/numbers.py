"""Document numbers (合同 HT, 订单 DD, 发货单 FH): PREFIX-YEAR-0001, drawn inside the caller's
transaction so they never repeat and a rolled-back document leaves no gap."""

from crm_core import clock
from crm_core.sales.contracts import repository
from crm_core.sales.quotes.rules import number


async def draw(prefix: str) -> str:
    year = clock.local_now().year
    return number(prefix, year, await repository.next_sequence(prefix, year))
