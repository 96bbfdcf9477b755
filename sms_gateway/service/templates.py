"""SMS templates: named bodies with {placeholders}, filled in at send time."""

import string

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from crm_core import clock
from crm_core.errors import CRMError
from sms_gateway.errors import DuplicateTemplateError, SmsNotFoundError
from sms_gateway.models import MessageKind, SmsMessage, SmsTemplate
from sms_gateway.schemas import MessageCreate, TemplateCreate, TemplateRead
from sms_gateway.service import messages


class TemplateParamsError(CRMError):
    status_code = 422
    code = "sms_template_params"
    message = "模板参数不完整：{missing}"


async def create_template(body: TemplateCreate) -> TemplateRead:
    try:
        row = await SmsTemplate.create(**body.model_dump(), updated_at=clock.utc_now())
    except IntegrityError as error:
        raise DuplicateTemplateError() from error
    return TemplateRead.model_validate(row)


async def update_template(template_id: int, body: TemplateCreate) -> TemplateRead:
    row = await SmsTemplate.get_or_none(id=template_id)
    if row is None:
        raise SmsNotFoundError("短信模板不存在")
    row.update_from_dict({**body.model_dump(), "updated_at": clock.utc_now()})
    try:
        await row.save()
    except IntegrityError as error:
        raise DuplicateTemplateError() from error
    return TemplateRead.model_validate(row)


async def delete_template(template_id: int) -> None:
    if not await SmsTemplate.filter(id=template_id).delete():
        raise SmsNotFoundError("短信模板不存在")


async def list_templates(
    *, q: str = "", kind: MessageKind | None = None, enabled: bool | None = None
) -> list[TemplateRead]:
    query = SmsTemplate.all()
    if q:
        query = query.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(body__icontains=q))
    if kind is not None:
        query = query.filter(kind=kind)
    if enabled is not None:
        query = query.filter(enabled=enabled)
    return [TemplateRead.model_validate(row) for row in await query]


def render(body: str, params: dict[str, str]) -> str:
    names = {name for _, name, _, _ in string.Formatter().parse(body) if name}
    missing = sorted(names - params.keys())
    if missing:
        raise TemplateParamsError(missing="、".join(missing))
    return body.format_map({name: params[name] for name in names})


async def send(body: MessageCreate, *, actor_id: int | None) -> SmsMessage:
    """Send free text, or a template by code with its parameters."""
    text, kind = body.text, body.kind
    if body.template_code:
        template = await SmsTemplate.get_or_none(code=body.template_code, enabled=True)
        if template is None:
            raise SmsNotFoundError("短信模板不存在或已停用")
        text, kind = render(template.body, body.params), template.kind
    return await messages.send_message(
        body.to,
        text,
        kind=kind,
        key=body.idempotency_key,
        template_code=body.template_code,
        actor_id=actor_id,
    )
