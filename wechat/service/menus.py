"""Custom menus (3 × 5; click, view, miniprogram), published through the API by a worker.

A menu with a tag is a conditional menu; publishing the default menu replaces it at WeChat.
"""

from typing import Any

from crm_core import audit, clock, jobs
from crm_core.audit import Actor
from crm_core.db import unit_of_work
from wechat import rules
from wechat.errors import InvalidMenuError, MenuNotFoundError, WeChatAPIError
from wechat.models import Menu, MenuStatus
from wechat.schemas import MenuCreate, MenuProblems, MenuRead, MenuUpdate
from wechat.service import accounts


async def list_menus(account_id: int | None = None, *, q: str = "") -> list[MenuRead]:
    query = Menu.all() if account_id is None else Menu.filter(account_id=account_id)
    if q:
        query = query.filter(name__icontains=q)
    return [MenuRead.model_validate(m) for m in await query.order_by("id")]


async def _get(menu_id: int) -> Menu:
    menu = await Menu.get_or_none(id=menu_id)
    if menu is None:
        raise MenuNotFoundError()
    return menu


async def get_menu(menu_id: int) -> MenuRead:
    return MenuRead.model_validate(await _get(menu_id))


def check_menu(buttons: list[dict[str, Any]]) -> MenuProblems:
    """WeChat's limits, each broken one named, for an editor to show before saving."""
    problems = rules.menu_problems(buttons)
    return MenuProblems(valid=not problems, problems=problems)


async def update_menu(actor: Actor, menu_id: int, data: MenuUpdate) -> MenuRead:
    """An edited menu is a draft again: WeChat keeps the old one until it is published."""
    menu = await _get(menu_id)
    changes = data.model_dump(exclude_unset=True)
    for name in ("name", "buttons"):
        if changes.get(name) is None:
            changes.pop(name, None)
    if "buttons" in changes and (problems := rules.menu_problems(changes["buttons"])):
        raise InvalidMenuError("；".join(problems))
    if not changes:
        return MenuRead.model_validate(menu)
    async with unit_of_work():
        menu.update_from_dict({**changes, "status": MenuStatus.DRAFT, "error": ""})
        await menu.save()
        await audit.record(
            actor,
            "wechat.menu.update",
            target_type="wechat_menu",
            target_id=menu.id,
            after={"fields": sorted(changes)},
        )
    return MenuRead.model_validate(menu)


async def create_menu(actor: Actor, data: MenuCreate) -> MenuRead:
    await accounts.get_account(data.account_id)
    problems = rules.menu_problems(data.buttons)
    if problems:
        raise InvalidMenuError("；".join(problems))
    async with unit_of_work():
        menu = await Menu.create(**data.model_dump())
        await audit.record(
            actor,
            "wechat.menu.create",
            target_type="wechat_menu",
            target_id=menu.id,
            after={"name": menu.name},
        )
    return MenuRead.model_validate(menu)


async def request_publish(actor: Actor, menu_id: int) -> MenuRead:
    menu = await _get(menu_id)
    async with unit_of_work():
        menu.status, menu.error = MenuStatus.PUBLISHING, ""
        await menu.save(update_fields=["status", "error"])
        await audit.record(
            actor, "wechat.menu.publish", target_type="wechat_menu", target_id=menu.id
        )
        jobs.enqueue("wechat.publish_menu", menu_id=menu.id)
    return MenuRead.model_validate(menu)


async def publish_menu(menu_id: int) -> str:
    menu = await Menu.get_or_none(id=menu_id).prefetch_related("account")
    if menu is None or menu.status != MenuStatus.PUBLISHING:
        return "skipped"
    client = accounts.client_for(menu.account)
    try:
        async with client:
            if menu.tag_id is None:
                await client.create_menu(menu.buttons)
                menuid = ""
            else:
                menuid = await client.add_conditional_menu(
                    menu.buttons, {"tag_id": str(menu.tag_id)}
                )
    except WeChatAPIError as error:
        if error.retryable:
            raise
        menu.status, menu.error = MenuStatus.FAILED, error.message
        await menu.save(update_fields=["status", "error"])
        return "failed"
    menu.status, menu.wx_menuid, menu.published_at = MenuStatus.PUBLISHED, menuid, clock.utc_now()
    await menu.save(update_fields=["status", "wx_menuid", "published_at"])
    if menu.tag_id is None:
        await (
            Menu.filter(
                account_id=menu.account_id, tag_id__isnull=True, status=MenuStatus.PUBLISHED
            )
            .exclude(id=menu.id)
            .update(status=MenuStatus.DRAFT)
        )
    return "published"
