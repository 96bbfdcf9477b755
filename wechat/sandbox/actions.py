"""What a simulated WeChat user does; shared by `/__sim/*` and the phone simulator."""

from typing import Any

from wechat.sandbox.push import push_fields
from wechat.sandbox.state import (
    CS_EVENT_GRANT,
    CS_USER_MESSAGE_GRANT,
    App,
    QrCode,
    SandboxState,
    User,
)

USER_MESSAGE_FIELDS = {
    "text": ("Content",),
    "image": ("PicUrl", "MediaId"),
    "voice": ("MediaId", "Format"),
    "location": ("Location_X", "Location_Y", "Scale", "Label"),
    "link": ("Title", "Description", "Url"),
}


async def send_message(
    state: SandboxState, app: App, user: User, msg_type: str, fields: dict[str, Any]
) -> dict[str, Any]:
    state.grant_cs(user, CS_USER_MESSAGE_GRANT)
    msg_id = 23_000_000_000_000_000 + state.next_number()
    user.feed.append(
        {
            "id": state.next_number(),
            "kind": "user",
            "appid": app.appid,
            "touser": app.gh_id,
            "at": int(state.clock.now()),
            "payload": {"msgtype": msg_type, **fields},
        }
    )
    return await push_fields(state, app, user, {"MsgType": msg_type, **fields, "MsgId": msg_id})


async def push_event(
    state: SandboxState, app: App, user: User, event: str, fields: dict[str, Any] | None = None
) -> dict[str, Any]:
    if event in ("subscribe", "SCAN", "CLICK", "scancode_push", "scancode_waitmsg"):
        state.grant_cs(user, CS_EVENT_GRANT)
    return await push_fields(
        state, app, user, {"MsgType": "event", "Event": event, **(fields or {})}
    )


async def scan(state: SandboxState, app: App, user: User, code: QrCode) -> dict[str, Any]:
    """A follower gets SCAN; anyone else follows with `qrscene_` (wechat.md §1.5)."""
    if user.subscribed:
        return await push_event(
            state, app, user, "SCAN", {"EventKey": code.scene, "Ticket": code.ticket}
        )
    _follow(state, user, scene="ADD_SCENE_QR_CODE", qr_scene=code.scene)
    return await push_event(
        state, app, user, "subscribe", {"EventKey": f"qrscene_{code.scene}", "Ticket": code.ticket}
    )


async def follow(state: SandboxState, app: App, user: User) -> dict[str, Any]:
    _follow(state, user, scene="ADD_SCENE_SEARCH", qr_scene="")
    return await push_event(state, app, user, "subscribe", {"EventKey": ""})


async def unfollow(state: SandboxState, app: App, user: User) -> dict[str, Any]:
    user.subscribed = False
    user.grants.clear()
    return await push_event(state, app, user, "unsubscribe", {"EventKey": ""})


def _follow(state: SandboxState, user: User, *, scene: str, qr_scene: str) -> None:
    user.subscribed = True
    user.subscribe_time = int(state.clock.now())
    user.subscribe_scene = scene
    user.qr_scene_str = qr_scene


async def tap_menu(
    state: SandboxState,
    app: App,
    user: User,
    button: dict[str, Any],
) -> dict[str, Any]:
    if button.get("type") == "view":
        return await push_event(
            state, app, user, "VIEW", {"EventKey": button.get("url", ""), "MenuId": app.menu_id}
        )
    return await push_event(state, app, user, "CLICK", {"EventKey": button.get("key", "")})
