"""The print template: one row of structured fields admins edit. Nothing in it is evaluated:
text is printed as text, columns come from a fixed list."""

from crm_core import audit, clock
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.permissions import Principal
from crm_core.sales.quotes import rules
from crm_core.sales.quotes.errors import TemplateColumnsInvalidError
from crm_core.sales.quotes.models import QuoteTemplate
from crm_core.sales.quotes.schemas import QuoteTemplateRead, QuoteTemplateWrite

TEMPLATE_ID = 1


def _default() -> QuoteTemplate:
    return QuoteTemplate(id=TEMPLATE_ID, columns=rules.DEFAULT_COLUMNS)


async def current_template() -> QuoteTemplate:
    return await QuoteTemplate.get_or_none(id=TEMPLATE_ID) or _default()


def read(template: QuoteTemplate) -> QuoteTemplateRead:
    return QuoteTemplateRead(
        number_prefix=template.number_prefix,
        title=template.title,
        company_name=template.company_name,
        company_address=template.company_address,
        company_phone=template.company_phone,
        header_note=template.header_note,
        footer_note=template.footer_note,
        terms=template.terms,
        columns=list(template.columns),
        available_columns=rules.COLUMNS,
    )


async def get_template() -> QuoteTemplateRead:
    return read(await current_template())


def unsaved(data: QuoteTemplateWrite) -> QuoteTemplate:
    """The template as submitted, for a preview; raises on columns it could not print."""
    columns = rules.clean_columns(data.columns)
    if columns is None:
        raise TemplateColumnsInvalidError(field="columns")
    return QuoteTemplate(id=TEMPLATE_ID, **{**data.model_dump(), "columns": columns})


async def save_template(principal: Principal, data: QuoteTemplateWrite) -> QuoteTemplateRead:
    template = unsaved(data)
    async with unit_of_work():
        before = await QuoteTemplate.select_for_update().get_or_none(id=TEMPLATE_ID)
        template.updated_at = clock.utc_now()
        await template.save(force_update=before is not None, force_create=before is None)
        await audit.record(
            actor_of(principal),
            "sales.quote_template_saved",
            target_type="sales_quote_template",
            target_id=TEMPLATE_ID,
            before=read(before).model_dump(exclude={"available_columns"}) if before else None,
            after=data.model_dump(),
        )
    return read(template)
