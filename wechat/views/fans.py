"""Console: fans (filters, detail, timeline, tags, blacklist), inbox, portrait."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crm_core.org.service import staff as staff_service
from crm_core.org.service import stores as store_service
from crm_core.validation import Id, PageNumber, id_or_none
from crm_core.web.console import attempt, check_csrf, need, render
from wechat.service import accounts, fans, inbox, portrait, tags
from wechat.views._shell import Console

router = APIRouter(prefix="/admin/wechat")


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/fans", response_class=HTMLResponse)
async def fan_page(
    request: Request,
    principal: Console,
    account_id: str = "",
    state: str = "",
    store_id: str = "",
    guide_id: str = "",
    channel: Annotated[str, Query(max_length=64)] = "",
    tag: Annotated[str, Query(max_length=30)] = "",
    since: str = "",
    until: str = "",
    region: Annotated[str, Query(max_length=32)] = "",
    keyword: Annotated[str, Query(max_length=64)] = "",
    page: PageNumber = 1,
) -> Response:
    need(principal, "wechat.fan:view")
    subscribed = {"on": True, "off": False}.get(state)
    rows, total = await fans.list_fans(
        principal,
        account_id=id_or_none(account_id),
        subscribed=subscribed,
        store_id=id_or_none(store_id),
        guide_id=id_or_none(guide_id),
        channel=channel,
        tag=tag,
        since=_day(since),
        until=_day(until),
        region=region,
        keyword=keyword,
        page=page,
    )
    store_rows = (await store_service.list_stores(principal, page_size=200)).items
    guides = await staff_service.list_guides(principal)
    filters = {
        "account_id": account_id,
        "state": state,
        "store_id": store_id,
        "guide_id": guide_id,
        "channel": channel,
        "tag": tag,
        "since": since,
        "until": until,
        "region": region,
        "keyword": keyword,
    }
    return await render(
        request,
        "wechat_fans.html",
        rows=rows,
        total=total,
        page=page,
        filters=filters,
        accounts=await accounts.list_accounts(),
        stores=store_rows,
        guides=guides,
        store_names={s.id: s.name for s in store_rows},
        guide_names={g.id: g.name for g in guides},
        member_names=await fans.member_names(rows),
    )


@router.get("/fans/{fan_id}", response_class=HTMLResponse)
async def fan_detail(fan_id: Id, request: Request, principal: Console) -> Response:
    need(principal, "wechat.fan:view")
    fan = await fans.get_fan(principal, fan_id)
    is_open, closes_at = inbox.window(fan)
    messages = await inbox.messages(principal, fan_id) if principal.can("wechat.inbox:view") else []
    assignable = (
        (await staff_service.list_staff(principal, active=True, page_size=200)).items
        if principal.can("wechat.inbox:assign")
        else []
    )
    return await render(
        request,
        "wechat_fan.html",
        fan=fan,
        member_names=await fans.member_names([fan]),
        assignable=assignable,
        timeline=await fans.timeline(principal, fan_id),
        tag_names=[t.name for t in await fan.tags.all()],
        window_open=is_open,
        closes_at=closes_at,
        messages=messages,
    )


@router.post("/fans/{fan_id}/reply")
async def fan_reply(fan_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "wechat.inbox:create")
    form = await check_csrf(request)
    return await attempt(
        request,
        lambda: inbox.reply(principal, fan_id, form.get("content")),
        ok="已提交发送，结果显示在对话中",
        back=f"/admin/wechat/fans/{fan_id}",
    )


@router.post("/fans/{fan_id}/assign")
async def fan_assign(fan_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "wechat.inbox:assign")
    form = await check_csrf(request)
    staff_id = form.optional_int("staff_id")
    return await attempt(
        request,
        lambda: inbox.assign(principal, fan_id, staff_id),
        ok="已分配跟进人" if staff_id else "已取消分配",
        back=f"/admin/wechat/fans/{fan_id}",
    )


@router.post("/fans/{fan_id}/tags")
async def fan_tags(fan_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "wechat.fan:edit")
    form = await check_csrf(request)
    names = [n for n in form.get("tags").replace("，", ",").split(",") if n.strip()]
    return await attempt(
        request,
        lambda: tags.set_tags(principal, fan_id, names),
        ok="标签已保存，正在同步到微信",
        back=f"/admin/wechat/fans/{fan_id}",
    )


@router.post("/fans/{fan_id}/blacklist")
async def fan_blacklist(fan_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "wechat.fan:edit")
    form = await check_csrf(request)
    flag = form.get("blacklisted") == "1"
    return await attempt(
        request,
        lambda: tags.set_blacklisted(principal, fan_id, flag),
        ok="已拉黑" if flag else "已移出黑名单",
        back=f"/admin/wechat/fans/{fan_id}",
    )


@router.get("/inbox", response_class=HTMLResponse)
async def inbox_page(request: Request, principal: Console, mine: str = "") -> Response:
    need(principal, "wechat.inbox:view")
    rows = await inbox.conversations(principal, mine=mine == "1")
    windows = {fan.id: inbox.window(fan) for fan in rows}
    return await render(
        request,
        "wechat_inbox.html",
        rows=rows,
        windows=windows,
        mine=mine == "1",
        member_names=await fans.member_names(rows),
        waiting=await inbox.waiting(rows),
    )


@router.get("/portrait", response_class=HTMLResponse)
async def portrait_page(request: Request, principal: Console) -> Response:
    need(principal, "wechat.fan:view")
    return await render(request, "wechat_portrait.html", charts=await portrait.charts(principal))
