"""The customer 360 view, composed from sections the packages register (like the caller card).

crm_core registers the customer's own sections; `members` and `loyalty`, above the kernel,
register the member's. The data scope is the customer's: whoever may open the customer sees its
member sections, and every phone passes the customers' masking policy (`CustomerContext`).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from crm_core.customer360.schemas import Customer360, Section, SectionBody
from crm_core.customers import rules
from crm_core.customers.service._common import customer_in_scope, read_one
from crm_core.customers.service.masking import phone_visible
from crm_core.member_links import service as member_links
from crm_core.permissions import Principal


@dataclass(frozen=True)
class CustomerContext:
    principal: Principal
    customer_id: int
    owner_id: int | None
    member_id: int | None

    def show_phone(self, number: str | None) -> str:
        """Any phone shown beside this customer (a member's too), masked unless theirs."""
        if not number:
            return ""
        if phone_visible(self.principal, self.owner_id):
            return rules.national(number)
        return rules.mask_phone(number)


Provider = Callable[[CustomerContext], Awaitable[SectionBody | None]]


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    order: int
    provider: Provider
    group: Literal["customer", "member"] = "customer"
    # An extra function permission, beyond seeing the customer.
    permission: str | None = None


_sections: dict[str, SectionSpec] = {}


def register_section(spec: SectionSpec) -> None:
    """Called from each package's `register()`; a key registered again replaces the first."""
    _sections[spec.key] = spec


def registered() -> list[SectionSpec]:
    return sorted(_sections.values(), key=lambda s: (s.group != "customer", s.order, s.key))


async def customer_360(principal: Principal, customer_id: int) -> Customer360:
    customer = await customer_in_scope(principal, customer_id)
    context = CustomerContext(principal, customer.id, customer.owner_id, customer.member_id)
    sections = []
    for spec in registered():
        if spec.group == "member" and customer.member_id is None:
            continue
        if spec.permission is not None and not principal.can(spec.permission):
            continue
        body = await spec.provider(context)
        if body is not None:
            sections.append(
                Section(key=spec.key, title=spec.title, group=spec.group, **body.model_dump())
            )
    return Customer360(
        customer=await read_one(principal, customer),
        link=await member_links.link_of(customer.id),
        sections=sections,
    )
