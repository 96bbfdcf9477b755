"""Enter, read and edit leads, and convert one into a customer, its primary contact and
optionally an opportunity, in one transaction, deduped by the customers' (phone, name) rule."""

from crm_core import audit, clock
from crm_core.customers import rules as customer_rules
from crm_core.customers.errors import CustomerNotFoundError
from crm_core.customers.models import Customer, CustomerKind
from crm_core.customers.schemas import ContactCreate, CustomerCreate
from crm_core.customers.service import customers as customers_service
from crm_core.customers.service import records
from crm_core.customers.service.customers import duplicate_of
from crm_core.customers.service.masking import phone_visible
from crm_core.db import unit_of_work
from crm_core.permissions import Principal
from crm_core.sales.leads import repository
from crm_core.sales.leads.errors import LeadConvertedError, LeadNotFoundError, LeadStatusError
from crm_core.sales.leads.models import Lead, LeadFollowUp, LeadStatus
from crm_core.sales.leads.schemas import (
    ConversionRead,
    LeadConvert,
    LeadCreate,
    LeadFilter,
    LeadFollowUpCreate,
    LeadFollowUpRead,
    LeadPage,
    LeadRead,
    LeadUpdate,
)
from crm_core.sales.opportunities.service.opportunities import eligible_owner, open_opportunity

OWNER_PERMISSION = "sales.lead:view"


def _read(principal: Principal, lead: Lead, names: dict[int, str]) -> LeadRead:
    visible = phone_visible(principal, lead.owner_id)
    return LeadRead(
        id=lead.id,
        name=lead.name,
        company=lead.company,
        phone=(customer_rules.national if visible else customer_rules.mask_phone)(lead.phone),
        phone_masked=not visible,
        source=lead.source,
        status=lead.status,
        note=lead.note,
        owner_id=lead.owner_id,
        owner_name=names.get(lead.owner_id, ""),
        customer_id=lead.customer_id,
        opportunity_id=lead.opportunity_id,
        converted_at=lead.converted_at,
        created_at=lead.created_at,
        updated_at=lead.updated_at,
    )


async def _read_one(principal: Principal, lead: Lead) -> LeadRead:
    return _read(principal, lead, await repository.staff_names({lead.owner_id}))


def _audit_view(lead: Lead) -> dict[str, object]:
    return {
        "name": lead.name,
        "company": lead.company,
        "phone": customer_rules.mask_phone(lead.phone),
        "source": lead.source.value,
        "status": lead.status.value,
        "note": lead.note,
        "owner_id": lead.owner_id,
    }


async def _in_scope(principal: Principal, lead_id: int) -> Lead:
    lead = await repository.in_scope(principal).get_or_none(id=lead_id)
    if lead is None:
        raise LeadNotFoundError()
    return lead


async def list_leads(principal: Principal, f: LeadFilter, *, page: int, page_size: int) -> LeadPage:
    query = repository.filtered(principal, f)
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    names = await repository.staff_names({r.owner_id for r in rows})
    return LeadPage(
        items=[_read(principal, r, names) for r in rows],
        total=total,
        page=page,
        page_size=page_size,
    )


async def get_lead(principal: Principal, lead_id: int) -> LeadRead:
    return await _read_one(principal, await _in_scope(principal, lead_id))


async def create_lead(principal: Principal, data: LeadCreate) -> LeadRead:
    phone = customers_service.phone_of(data.phone)
    owner, department = await eligible_owner(
        principal, data.owner_id or principal.staff_id, OWNER_PERMISSION
    )
    now = clock.utc_now()
    async with unit_of_work():
        lead = await Lead.create(
            **data.model_dump(exclude={"phone", "owner_id"}),
            phone=phone,
            owner_id=owner,
            department_id=department,
            created_by_id=principal.staff_id,
            created_at=now,
            updated_at=now,
        )
        await audit.record(
            audit.actor_of(principal),
            "lead.created",
            target_type="lead",
            target_id=lead.id,
            after=_audit_view(lead),
        )
    return await _read_one(principal, lead)


async def update_lead(principal: Principal, lead_id: int, data: LeadUpdate) -> LeadRead:
    await _in_scope(principal, lead_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if changes.get("status") == LeadStatus.CONVERTED:
        raise LeadStatusError(field="status")
    async with unit_of_work():
        lead = await repository.lock(principal, lead_id)
        if lead is None:
            raise LeadNotFoundError()
        if lead.status == LeadStatus.CONVERTED:
            raise LeadConvertedError(action="修改")
        before = _audit_view(lead)
        lead.update_from_dict({**changes, "updated_at": clock.utc_now()})
        await lead.save()
        old, new = audit.changes(before, _audit_view(lead))
        await audit.record(
            audit.actor_of(principal),
            "lead.updated",
            target_type="lead",
            target_id=lead.id,
            before=old,
            after=new,
        )
    return await _read_one(principal, lead)


async def list_follow_ups(principal: Principal, lead_id: int) -> list[LeadFollowUpRead]:
    lead = await _in_scope(principal, lead_id)
    rows = await LeadFollowUp.filter(lead_id=lead.id).limit(500)
    names = await repository.staff_names({r.staff_id for r in rows})
    return [_follow_up(r, names) for r in rows]


def _follow_up(row: LeadFollowUp, names: dict[int, str]) -> LeadFollowUpRead:
    return LeadFollowUpRead(
        id=row.id,
        lead_id=row.lead_id,
        content=row.content,
        staff_id=row.staff_id,
        staff_name=names.get(row.staff_id, ""),
        at=row.at,
    )


async def add_follow_up(
    principal: Principal, lead_id: int, data: LeadFollowUpCreate
) -> LeadFollowUpRead:
    """Records a contact with the lead; a new lead becomes "contacted"."""
    await _in_scope(principal, lead_id)
    now = clock.utc_now()
    async with unit_of_work():
        lead = await repository.lock(principal, lead_id)
        if lead is None:
            raise LeadNotFoundError()
        if lead.status == LeadStatus.CONVERTED:
            raise LeadConvertedError(action="跟进，请在客户下跟进")
        row = await LeadFollowUp.create(
            lead_id=lead.id, content=data.content, staff_id=principal.staff_id, at=now
        )
        if lead.status == LeadStatus.NEW:
            lead.status = LeadStatus.CONTACTED
        lead.updated_at = now
        await lead.save()
        await audit.record(
            audit.actor_of(principal),
            "lead.followed_up",
            target_type="lead",
            target_id=lead.id,
            after={"follow_up_id": row.id, "status": lead.status.value},
        )
    return _follow_up(row, {principal.staff_id: principal.name})


async def _existing_customer(principal: Principal, phone: str, name: str) -> int | None:
    """The customer already holding (phone, name) if the caller may see it; a duplicate outside
    the caller's scope refuses the conversion, naming it masked."""
    existing = await Customer.get_or_none(phone=phone, name_key=customer_rules.name_key(name))
    if existing is None:
        return None
    try:
        await customers_service.get_customer(principal, existing.id)
    except CustomerNotFoundError:
        raise await duplicate_of(principal, phone, name) from None
    return existing.id


async def convert_lead(principal: Principal, lead_id: int, data: LeadConvert) -> ConversionRead:
    await _in_scope(principal, lead_id)
    async with unit_of_work():
        # Locked first: converting twice at once leaves one customer and one 409.
        lead = await repository.lock(principal, lead_id)
        if lead is None:
            raise LeadNotFoundError()
        if lead.status == LeadStatus.CONVERTED:
            raise LeadConvertedError(action="转化")
        company = data.kind == CustomerKind.COMPANY and bool(lead.company)
        name = lead.company if company else lead.name
        customer_id = await _existing_customer(principal, lead.phone, name)
        contact_id = None
        if customer_id is None:
            # A concurrent entry of the same customer makes this a 409 and rolls everything back.
            customer = await customers_service.create_customer(
                principal,
                CustomerCreate(
                    kind=data.kind if company else CustomerKind.PERSON,
                    name=name,
                    phone=customer_rules.national(lead.phone),
                    source=lead.source,
                    owner_id=lead.owner_id,
                ),
            )
            contact = await records.create_contact(
                principal,
                customer.id,
                ContactCreate(
                    name=lead.name,
                    phone=customer_rules.national(lead.phone),
                    title=data.contact_title,
                    is_primary=True,
                ),
            )
            customer_id, contact_id = customer.id, contact.id
        opportunity_id = None
        if data.opportunity is not None:
            opportunity = await open_opportunity(
                principal,
                customer_id,
                data.opportunity,
                stage_id=data.opportunity.stage_id,
                owner_id=lead.owner_id,
                lead_id=lead.id,
            )
            opportunity_id = opportunity.id
        now = clock.utc_now()
        lead.update_from_dict(
            {
                "status": LeadStatus.CONVERTED,
                "customer_id": customer_id,
                "opportunity_id": opportunity_id,
                "converted_at": now,
                "updated_at": now,
            }
        )
        await lead.save()
        await audit.record(
            audit.actor_of(principal),
            "lead.converted",
            target_type="lead",
            target_id=lead.id,
            after={
                "customer_id": customer_id,
                "customer_created": contact_id is not None,
                "opportunity_id": opportunity_id,
            },
        )
    return ConversionRead(
        lead=await _read_one(principal, lead),
        customer_id=customer_id,
        customer_created=contact_id is not None,
        contact_id=contact_id,
        opportunity_id=opportunity_id,
    )
