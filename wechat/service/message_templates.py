"""The accounts' template messages (模板消息), mirrored from WeChat when a marketer syncs.

Templates are added and removed in WeChat's backend (or by api_add_template); the CRM only
reads them, so a sync replaces the local copy: new ones added, changed ones updated, vanished
ones removed."""

from typing import Any

from crm_core import audit, clock
from crm_core.db import unit_of_work
from wechat import rules
from wechat.models import MessageTemplate
from wechat.schemas import MessageTemplateRead, MessageTemplateSyncRead
from wechat.service import accounts

SYNCED = ("title", "primary_industry", "deputy_industry", "content", "example")


def _read(row: MessageTemplate) -> MessageTemplateRead:
    stored = {n: getattr(row, n) for n in MessageTemplateRead.model_fields if n != "fields"}
    return MessageTemplateRead.model_validate(
        stored | {"fields": rules.template_fields(row.content)}
    )


async def list_templates(account_id: int | None = None) -> list[MessageTemplateRead]:
    query = MessageTemplate.all()
    if account_id is not None:
        query = query.filter(account_id=account_id)
    return [_read(row) for row in await query]


async def fields_of(template_id: str) -> list[str] | None:
    """The data keys of a synced template (any account); None when no account has it."""
    row = await MessageTemplate.filter(template_id=template_id).order_by("id").first()
    return None if row is None else rules.template_fields(row.content)


def _values(item: dict[str, Any]) -> dict[str, str]:
    return {name: str(item.get(name) or "") for name in SYNCED}


async def sync(account_id: int, *, actor: audit.Actor = audit.SYSTEM) -> MessageTemplateSyncRead:
    account = await accounts.get_account(account_id)
    client = accounts.client_for(account)
    async with client:
        listed = await client.list_private_templates()
    remote = {str(item["template_id"]): _values(item) for item in listed}
    now = clock.utc_now()
    added = updated = 0
    async with unit_of_work():
        local = {
            row.template_id: row
            for row in await MessageTemplate.filter(account_id=account.id).select_for_update()
        }
        for template_id, values in remote.items():
            row = local.get(template_id)
            if row is None:
                row = MessageTemplate(account_id=account.id, template_id=template_id)
                row.update_from_dict({**values, "synced_at": now})
                await row.save()
                added += 1
                continue
            if any(getattr(row, name) != value for name, value in values.items()):
                updated += 1
            row.update_from_dict({**values, "synced_at": now})
            await row.save()
        gone = [row.id for template_id, row in local.items() if template_id not in remote]
        if gone:
            await MessageTemplate.filter(id__in=gone).delete()
        counts = {"added": added, "updated": updated, "removed": len(gone)}
        await audit.record(
            actor,
            "wechat.template_sync",
            target_type="wechat_account",
            target_id=account.id,
            after={**counts, "total": len(remote)},
        )
    return MessageTemplateSyncRead(**counts, templates=await list_templates(account.id))
