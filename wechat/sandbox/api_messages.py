"""Fake customer-service, template and mass messages, with their job-finish pushes."""

from typing import Any

from fastapi import APIRouter, Request

from wechat.sandbox import templates
from wechat.sandbox.calls import Call, WeChatFailError, begin, ok, require_user
from wechat.sandbox.push import build_xml, push_xml
from wechat.sandbox.state import App, SandboxState, User

router = APIRouter()
CS_TYPES = {
    "text",
    "image",
    "voice",
    "video",
    "music",
    "news",
    "mpnews",
    "mpnewsarticle",
    "msgmenu",
    "wxcard",
    "miniprogrampage",
}
MASS_TYPES = {"mpnews", "text", "voice", "images", "mpvideo", "wxcard", "image"}
MASS_PER_MONTH = 4
MONTH_SECONDS = 30 * 86400
TEMPLATE_CLIENT_ID_SECONDS = 600


def _consume_cs_grant(call: Call, user: User) -> None:
    now = call.state.clock.now()
    live = [grant for grant in user.grants if grant.expires_at > now]
    user.grants = live
    if not user.subscribed or not live:
        raise WeChatFailError(45015)
    usable = next((grant for grant in live if grant.remaining > 0), None)
    if usable is None:
        raise WeChatFailError(45047)
    usable.remaining -= 1


def _check_media(call: Call, payload: dict[str, Any]) -> None:
    media_id = payload.get("media_id")
    if media_id is not None and media_id not in call.state.media:
        raise WeChatFailError(40007)


@router.post("/cgi-bin/message/custom/send")
async def custom_send(request: Request) -> Any:
    call = await begin(request)
    user = require_user(call, call.body.get("touser"))
    msgtype = call.body.get("msgtype")
    if msgtype not in CS_TYPES:
        raise WeChatFailError(40008)
    if user.blacklisted:
        raise WeChatFailError(43019)
    _check_media(call, call.body.get(str(msgtype)) or {})
    _consume_cs_grant(call, user)
    call.state.record("custom", call.app, user.openid, call.body)
    return ok()


@router.post("/cgi-bin/message/custom/typing")
async def custom_typing(request: Request) -> Any:
    call = await begin(request)
    user = require_user(call, call.body.get("touser"))
    now = call.state.clock.now()
    if not user.subscribed or not any(g.expires_at > now for g in user.grants):
        raise WeChatFailError(45015)
    return ok()


async def _finish_template(state: SandboxState, app: App, user: User, msgid: int) -> None:
    status = "failed:user block" if user.blocks_templates else "success"
    xml = build_xml(
        app,
        user.openid,
        int(state.clock.now()),
        {"MsgType": "event", "Event": "TEMPLATESENDJOBFINISH", "MsgID": msgid, "Status": status},
    )
    await push_xml(state, app, user.openid, xml)


@router.post("/cgi-bin/message/template/send")
async def template_send(request: Request) -> Any:
    call = await begin(request)
    user = require_user(call, call.body.get("touser"), subscribed=True)
    if call.body.get("template_id") not in call.app.templates:
        raise WeChatFailError(40037)
    data = call.body.get("data")
    if not isinstance(data, dict) or any(
        not isinstance(v, dict) or "value" not in v for v in data.values()
    ):
        raise WeChatFailError(47003)
    now = call.state.clock.now()
    client_id = str(call.body.get("client_msg_id") or "")
    first = call.app.template_client_ids.get((user.openid, client_id)) if client_id else None
    if first is not None and now - first[1] < TEMPLATE_CLIENT_ID_SECONDS:
        # No second message. UNCONFIRMED: the 10-minute window and answering ok with the first
        # msgid (wechat.md §2.5 only says client_msg_id deduplicates).
        return ok(msgid=first[0])
    msgid = call.state.next_number()
    if client_id:
        call.app.template_client_ids[(user.openid, client_id)] = (msgid, now)
    call.state.record("template", call.app, user.openid, call.body, msgid=msgid)
    if call.app.webhook_url:
        call.state.spawn(_finish_template(call.state, call.app, user, msgid))
    return ok(msgid=msgid)


async def _finish_mass(state: SandboxState, app: App, job: dict[str, Any]) -> None:
    xml = build_xml(
        app,
        job["operator"],
        int(state.clock.now()),
        {
            "MsgType": "event",
            "Event": "MASSSENDJOBFINISH",
            "MsgID": job["msg_id"],
            "Status": "send success",
            "TotalCount": job["total"],
            "FilterCount": job["filtered"],
            "SentCount": job["sent"],
            "ErrorCount": job["total"] - job["sent"],
        },
    )
    await push_xml(state, app, job["operator"], xml)


def _submit_mass(call: Call, recipients: list[User], total: int) -> dict[str, Any]:
    clientmsgid = call.body.get("clientmsgid")
    if clientmsgid and clientmsgid in call.app.clientmsgids:
        raise WeChatFailError(45065, {"msg_id": call.app.clientmsgids[clientmsgid]})
    msgtype = call.body.get("msgtype")
    if msgtype not in MASS_TYPES:
        raise WeChatFailError(40008)
    _check_media(call, call.body.get(str(msgtype)) or {})
    now = call.state.clock.now()
    # Users past their 4 mass messages per month, unsubscribed or blacklisted are filtered out.
    delivered = [
        u
        for u in recipients
        if u.subscribed
        and not u.blacklisted
        and sum(1 for t in u.mass_received if now - t < MONTH_SECONDS) < MASS_PER_MONTH
    ]
    for user in delivered:
        user.mass_received.append(now)
    msg_id = call.state.next_number()
    job = {
        "msg_id": msg_id,
        "msg_data_id": msg_id * 10,
        "total": total,
        "filtered": len(delivered),
        "sent": len(delivered),
        "status": "SEND_SUCCESS",
        "operator": recipients[0].openid if recipients else call.app.gh_id,
    }
    call.app.mass_jobs[msg_id] = job
    if clientmsgid:
        call.app.clientmsgids[clientmsgid] = msg_id
    call.state.record("mass", call.app, [u.openid for u in delivered], call.body, msg_id=msg_id)
    if call.app.webhook_url:
        call.state.spawn(_finish_mass(call.state, call.app, job))
    return {
        "errcode": 0,
        "errmsg": "send job submission success",
        "msg_id": msg_id,
        "msg_data_id": job["msg_data_id"],
    }


@router.post("/cgi-bin/message/mass/send")
async def mass_send(request: Request) -> Any:
    call = await begin(request)
    touser = call.body.get("touser")
    if not isinstance(touser, list) or len(touser) < 2:
        raise WeChatFailError(40130)
    if len(touser) > 10000:
        raise WeChatFailError(40032)
    recipients = [require_user(call, openid) for openid in touser]
    return _submit_mass(call, recipients, len(touser))


@router.post("/cgi-bin/message/mass/sendall")
async def mass_sendall(request: Request) -> Any:
    call = await begin(request)
    flt = call.body.get("filter") or {}
    if "group_id" in flt:
        # wechatpy 1.8.18 still sends the obsolete field; strict on purpose (wechat.md §5.3).
        raise WeChatFailError(40035)
    users = [u for u in call.state.app_users(call.app.appid) if u.subscribed]
    if not flt.get("is_to_all"):
        tag_id = flt.get("tag_id")
        if tag_id not in call.app.tags:
            raise WeChatFailError(45159)
        users = [u for u in users if tag_id in u.tagids]
    return _submit_mass(call, users, len(users))


@router.post("/cgi-bin/message/mass/preview")
async def mass_preview(request: Request) -> Any:
    call = await begin(request)
    user = require_user(call, call.body.get("touser"))
    msg_id = call.state.next_number()
    call.state.record("preview", call.app, user.openid, call.body, msg_id=msg_id)
    return {"errcode": 0, "errmsg": "preview success", "msg_id": msg_id}


@router.post("/cgi-bin/message/mass/get")
async def mass_get(request: Request) -> Any:
    call = await begin(request)
    job = call.app.mass_jobs.get(int(call.body.get("msg_id") or 0))
    if job is None:
        raise WeChatFailError(40059)
    return {"msg_id": job["msg_id"], "msg_status": job["status"]}


@router.post("/cgi-bin/message/mass/delete")
async def mass_delete(request: Request) -> Any:
    call = await begin(request)
    job = call.app.mass_jobs.get(int(call.body.get("msg_id") or 0))
    if job is None:
        raise WeChatFailError(40059)
    job["status"] = "DELETE"
    return ok()


@router.post("/cgi-bin/template/api_add_template")
async def add_template(request: Request) -> Any:
    call = await begin(request)
    template = templates.from_library(str(call.body.get("template_id_short", "")))
    if template is None:
        raise WeChatFailError(40037)
    if len(call.app.templates) >= templates.MAX_TEMPLATES:
        raise WeChatFailError(45026)
    call.app.templates[template.template_id] = template
    return ok(template_id=template.template_id)


@router.get("/cgi-bin/template/get_all_private_template")
async def list_templates(request: Request) -> Any:
    call = await begin(request)
    return {"template_list": [t.public() for t in call.app.templates.values()]}


@router.post("/cgi-bin/template/del_private_template")
async def delete_template(request: Request) -> Any:
    call = await begin(request)
    if call.app.templates.pop(str(call.body.get("template_id", "")), None) is None:
        raise WeChatFailError(40037)
    return ok()
