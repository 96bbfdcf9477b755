"""The one masking policy: every phone a customer shows passes through `shown_phone`."""

from crm_core.customers import rules
from crm_core.customers.models import Customer
from crm_core.permissions import Principal

FULL_PHONE = "customers.phone:view"


def phone_visible(principal: Principal, owner_id: int | None) -> bool:
    return rules.phone_visible(
        viewer_id=principal.staff_id, may_see_all=principal.can(FULL_PHONE), owner_id=owner_id
    )


def shown_phone(principal: Principal, customer: Customer, phone: str | None = None) -> str:
    """The customer's phone (or a contact's, `phone`) as this principal may see it."""
    number = customer.phone if phone is None else phone
    if phone_visible(principal, customer.owner_id):
        return rules.national(number)
    return rules.mask_phone(number)
