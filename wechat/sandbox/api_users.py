"""Fake followers, tags and blacklist (wechat.md §2.8–2.9)."""

from typing import Any

from fastapi import APIRouter, Request

from wechat.sandbox.calls import Call, WeChatFailError, begin, ok, require_user
from wechat.sandbox.state import User

router = APIRouter()
MAX_TAGS = 100
MAX_TAGS_PER_USER = 20
RESERVED_TAGS = {0, 1, 2}


def user_info(user: User) -> dict[str, Any]:
    # Since 2021-12-27 there is no nickname/headimgurl in user/info.
    if not user.subscribed:
        return {"subscribe": 0, "openid": user.openid}
    info: dict[str, Any] = {
        "subscribe": 1,
        "openid": user.openid,
        "language": "zh_CN",
        "subscribe_time": user.subscribe_time,
        "remark": user.remark,
        "groupid": 0,
        "tagid_list": list(user.tagids),
        "subscribe_scene": user.subscribe_scene,
        "qr_scene": 0,
        "qr_scene_str": user.qr_scene_str,
    }
    if user.unionid:
        info["unionid"] = user.unionid
    return info


def _page(call: Call, openids: list[str], start: str) -> dict[str, Any]:
    offset = openids.index(start) + 1 if start in openids else 0
    chunk = openids[offset : offset + call.state.page_size]
    if not chunk:
        return {"total": len(openids), "count": 0, "next_openid": ""}
    return {
        "total": len(openids),
        "count": len(chunk),
        "data": {"openid": chunk},
        "next_openid": chunk[-1],
    }


@router.get("/cgi-bin/user/info")
async def get_user_info(request: Request) -> Any:
    call = await begin(request)
    return user_info(require_user(call, call.query.get("openid")))


@router.post("/cgi-bin/user/info/batchget")
async def batchget_user_info(request: Request) -> Any:
    call = await begin(request)
    entries = call.body.get("user_list") or []
    if not 1 <= len(entries) <= 100:
        raise WeChatFailError(40032)
    return {"user_info_list": [user_info(require_user(call, e.get("openid"))) for e in entries]}


@router.get("/cgi-bin/user/get")
async def list_followers(request: Request) -> Any:
    call = await begin(request)
    openids = [u.openid for u in call.state.app_users(call.app.appid) if u.subscribed]
    return _page(call, openids, call.query.get("next_openid", ""))


@router.post("/cgi-bin/user/info/updateremark")
async def update_remark(request: Request) -> Any:
    call = await begin(request)
    user = require_user(call, call.body.get("openid"))
    remark = str(call.body.get("remark", ""))
    if len(remark) > 30:
        raise WeChatFailError(45003)
    user.remark = remark
    return ok()


def _tag_name(call: Call, *, exclude: int | None = None) -> str:
    name = str((call.body.get("tag") or {}).get("name", ""))
    if not name or len(name.encode()) > 30:
        raise WeChatFailError(45158)
    if any(n == name and i != exclude for i, n in call.app.tags.items()):
        raise WeChatFailError(45157)
    return name


def _tag_id(call: Call, value: Any, *, modifiable: bool = False) -> int:
    if modifiable and value in RESERVED_TAGS:
        raise WeChatFailError(45058)
    if value not in call.app.tags:
        raise WeChatFailError(45159)
    return int(value)


@router.post("/cgi-bin/tags/create")
async def create_tag(request: Request) -> Any:
    call = await begin(request)
    if len(call.app.tags) >= MAX_TAGS:
        raise WeChatFailError(45056)
    name = _tag_name(call)
    tag_id = max([99, *call.app.tags]) + 1
    call.app.tags[tag_id] = name
    return {"tag": {"id": tag_id, "name": name}}


@router.get("/cgi-bin/tags/get")
async def list_tags(request: Request) -> Any:
    call = await begin(request)
    users = call.state.app_users(call.app.appid)
    return {
        "tags": [
            {"id": i, "name": n, "count": sum(1 for u in users if i in u.tagids)}
            for i, n in sorted(call.app.tags.items())
        ]
    }


@router.post("/cgi-bin/tags/update")
async def update_tag(request: Request) -> Any:
    call = await begin(request)
    tag_id = _tag_id(call, (call.body.get("tag") or {}).get("id"), modifiable=True)
    call.app.tags[tag_id] = _tag_name(call, exclude=tag_id)
    return ok()


@router.post("/cgi-bin/tags/delete")
async def delete_tag(request: Request) -> Any:
    call = await begin(request)
    tag_id = _tag_id(call, (call.body.get("tag") or {}).get("id"), modifiable=True)
    del call.app.tags[tag_id]
    for user in call.state.app_users(call.app.appid):
        if tag_id in user.tagids:
            user.tagids.remove(tag_id)
    return ok()


@router.post("/cgi-bin/user/tag/get")
async def users_of_tag(request: Request) -> Any:
    call = await begin(request)
    tag_id = _tag_id(call, call.body.get("tagid"))
    openids = [u.openid for u in call.state.app_users(call.app.appid) if tag_id in u.tagids]
    page = _page(call, openids, str(call.body.get("next_openid", "")))
    page.pop("total")
    return page


def _batch(call: Call, limit: int) -> list[User]:
    openids = call.body.get("openid_list")
    if not isinstance(openids, list) or not 1 <= len(openids) <= limit:
        raise WeChatFailError(40032)
    return [require_user(call, openid) for openid in openids]


@router.post("/cgi-bin/tags/members/batchtagging")
async def batch_tagging(request: Request) -> Any:
    call = await begin(request)
    tag_id = _tag_id(call, call.body.get("tagid"))
    users = _batch(call, 50)
    if any(len(u.tagids) >= MAX_TAGS_PER_USER and tag_id not in u.tagids for u in users):
        raise WeChatFailError(45059)
    for user in users:
        # The last-applied tag drives conditional-menu matching, so re-tagging moves it last.
        if tag_id in user.tagids:
            user.tagids.remove(tag_id)
        user.tagids.append(tag_id)
    return ok()


@router.post("/cgi-bin/tags/members/batchuntagging")
async def batch_untagging(request: Request) -> Any:
    call = await begin(request)
    tag_id = _tag_id(call, call.body.get("tagid"))
    for user in _batch(call, 50):
        if tag_id in user.tagids:
            user.tagids.remove(tag_id)
    return ok()


@router.post("/cgi-bin/tags/getidlist")
async def tags_of_user(request: Request) -> Any:
    call = await begin(request)
    return {"tagid_list": list(require_user(call, call.body.get("openid")).tagids)}


@router.post("/cgi-bin/tags/members/getblacklist")
async def get_blacklist(request: Request) -> Any:
    call = await begin(request)
    openids = [u.openid for u in call.state.app_users(call.app.appid) if u.blacklisted]
    return _page(call, openids, str(call.body.get("begin_openid", "")))


@router.post("/cgi-bin/tags/members/batchblacklist")
async def batch_blacklist(request: Request) -> Any:
    call = await begin(request)
    for user in _batch(call, 20):
        user.blacklisted = True
    return ok()


@router.post("/cgi-bin/tags/members/batchunblacklist")
async def batch_unblacklist(request: Request) -> Any:
    call = await begin(request)
    for user in _batch(call, 20):
        user.blacklisted = False
    return ok()
