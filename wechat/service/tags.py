"""Fan tags and the blacklist, kept in sync with WeChat by workers (≤100 tags, batches ≤50)."""

from crm_core import jobs
from crm_core.db import unit_of_work
from crm_core.permissions import Principal
from wechat.client.api import MAX_TAGS
from wechat.errors import TooManyTagsError
from wechat.models import Fan, FanTag
from wechat.schemas import FanTagRead
from wechat.service import accounts
from wechat.service.fans import get_fan


async def list_tags(account_id: int | None = None) -> list[FanTagRead]:
    query = FanTag.all() if account_id is None else FanTag.filter(account_id=account_id)
    return [FanTagRead.model_validate(t) for t in await query.order_by("name")]


async def set_tags(principal: Principal, fan_id: int, names: list[str]) -> list[str]:
    fan = await get_fan(principal, fan_id)
    wanted = sorted({n.strip()[:30] for n in names if n.strip()})
    async with unit_of_work():
        existing = {t.name: t for t in await FanTag.filter(account_id=fan.account_id)}
        if len(existing.keys() | set(wanted)) > MAX_TAGS:
            raise TooManyTagsError()
        tags = [
            existing.get(name) or await FanTag.create(account_id=fan.account_id, name=name)
            for name in wanted
        ]
        before = {t.id for t in await fan.tags.all()}
        await fan.tags.clear()
        if tags:
            await fan.tags.add(*tags)
        for tag in tags:
            if tag.id not in before:
                jobs.enqueue("wechat.sync_tag", tag_id=tag.id, fan_id=fan.id, add=True)
        for tag_id in before - {t.id for t in tags}:
            jobs.enqueue("wechat.sync_tag", tag_id=tag_id, fan_id=fan.id, add=False)
    return wanted


async def sync_tag(tag_id: int, fan_id: int, add: bool) -> str:
    """Worker: create the tag at WeChat once, then tag or untag the fan (idempotent there)."""
    tag = await FanTag.get_or_none(id=tag_id).prefetch_related("account")
    fan = await Fan.get_or_none(id=fan_id)
    if tag is None or fan is None:
        return "missing"
    client = accounts.client_for(tag.account)
    async with client:
        if tag.wx_tag_id is None:
            tag.wx_tag_id = await client.create_tag(tag.name)
            await tag.save(update_fields=["wx_tag_id"])
        if add:
            await client.tag_users(tag.wx_tag_id, [fan.openid])
        else:
            await client.untag_users(tag.wx_tag_id, [fan.openid])
    return "tagged" if add else "untagged"


async def set_blacklisted(principal: Principal, fan_id: int, blacklisted: bool) -> None:
    fan = await get_fan(principal, fan_id)
    async with unit_of_work():
        fan.blacklisted = blacklisted
        await fan.save(update_fields=["blacklisted"])
        jobs.enqueue("wechat.sync_blacklist", fan_id=fan.id)


async def sync_blacklist(fan_id: int) -> str:
    fan = await Fan.get_or_none(id=fan_id).prefetch_related("account")
    if fan is None:
        return "missing"
    client = accounts.client_for(fan.account)
    async with client:
        if fan.blacklisted:
            await client.blacklist_users([fan.openid])
        else:
            await client.unblacklist_users([fan.openid])
    return "blacklisted" if fan.blacklisted else "unblacklisted"
