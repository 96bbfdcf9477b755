"""Signed pushes to the CRM callback, retried like WeChat: 5 s per attempt, 3 attempts."""

import time
from typing import Any

import httpx

from wechat.crypto import MessageCipher, random_nonce, sign
from wechat.errors import WeChatError
from wechat.replies import cdata
from wechat.sandbox.state import App, SandboxState, User
from wechat.xml import parse_xml


def build_xml(app: App, openid: str, create_time: int, fields: dict[str, Any]) -> str:
    parts = [
        f"<ToUserName>{cdata(app.gh_id)}</ToUserName>",
        f"<FromUserName>{cdata(openid)}</FromUserName>",
        f"<CreateTime>{create_time}</CreateTime>",
    ]
    for name, value in fields.items():
        if isinstance(value, int | float):
            parts.append(f"<{name}>{value}</{name}>")
        else:
            parts.append(f"<{name}>{cdata(str(value))}</{name}>")
    return "<xml>" + "".join(parts) + "</xml>"


def signed_request(
    app: App, openid: str, xml: str, timestamp: str, nonce: str
) -> tuple[dict[str, str], str]:
    query = {
        "signature": sign(app.token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "openid": openid,
    }
    if app.mode == "plain" or not app.aes_key:
        return query, xml
    encrypt = MessageCipher(app.token, app.aes_key, app.appid).encrypt(xml)
    query |= {"encrypt_type": "aes", "msg_signature": sign(app.token, timestamp, nonce, encrypt)}
    if app.mode == "compat":
        return query, xml.replace("</xml>", f"<Encrypt>{cdata(encrypt)}</Encrypt></xml>")
    return query, (
        f"<xml><ToUserName>{cdata(app.gh_id)}</ToUserName><Encrypt>{cdata(encrypt)}</Encrypt></xml>"
    )


def read_reply(app: App, body: str) -> tuple[bool, dict[str, Any] | None]:
    """(ok, parsed passive reply). OK is `success`, empty, or XML with a MsgType."""
    if body.strip() in ("", "success"):
        return True, None
    try:
        data = parse_xml(body)
        if "Encrypt" in data and app.aes_key:
            cipher = MessageCipher(app.token, app.aes_key, app.appid)
            expected = sign(
                app.token,
                str(data.get("TimeStamp", "")),
                str(data.get("Nonce", "")),
                str(data["Encrypt"]),
            )
            if expected != data.get("MsgSignature"):
                return False, None
            data = parse_xml(cipher.decrypt(str(data["Encrypt"]))[0])
        elif app.mode == "safe":
            return False, None  # a plaintext reply to a safe-mode push is a malformed reply
    except WeChatError:
        return False, None
    return ("MsgType" in data), data if "MsgType" in data else None


async def push_xml(
    state: SandboxState, app: App, openid: str, xml: str, *, attempts: int | None = None
) -> dict[str, Any]:
    """POST one message to the app's callback with WeChat's retries; record and return result."""
    result: dict[str, Any] = {
        "attempts": [],
        "user_visible_error": True,
        "reply_parsed": None,
        "xml": xml,
    }
    if not app.webhook_url:
        result["error"] = "no webhook_url configured"
        state.pushes.append(result)
        return result
    # Same timestamp, nonce and MsgId on every attempt, as WeChat's own retries.
    query, body = signed_request(app, openid, xml, str(int(state.clock.now())), random_nonce())
    async with httpx.AsyncClient(timeout=state.push_timeout) as http:
        for _ in range(attempts or state.push_attempts):
            started = time.perf_counter()
            try:
                response = await http.post(
                    app.webhook_url,
                    params=query,
                    content=body.encode(),
                    headers={"Content-Type": "text/xml"},
                )
            except httpx.HTTPError as exc:
                result["attempts"].append(
                    {"status": None, "error": type(exc).__name__, "elapsed_ms": _ms(started)}
                )
                continue
            result["attempts"].append(
                {"status": response.status_code, "body": response.text, "elapsed_ms": _ms(started)}
            )
            if response.status_code == 200:
                good, reply = read_reply(app, response.text)
                result["user_visible_error"] = not good
                result["reply_parsed"] = reply
                break
    state.pushes.append(result)
    return result


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


async def push_fields(
    state: SandboxState,
    app: App,
    user: User,
    fields: dict[str, Any],
) -> dict[str, Any]:
    """Push on behalf of `user` and show any passive reply on the phone."""
    xml = build_xml(app, user.openid, int(state.clock.now()), fields)
    result = await push_xml(state, app, user.openid, xml)
    reply = result["reply_parsed"]
    if reply is not None:
        state.record("passive", app, user.openid, reply)
    if result["user_visible_error"]:
        user.feed.append(
            {
                "id": state.next_number(),
                "kind": "system",
                "appid": app.appid,
                "touser": user.openid,
                "at": int(state.clock.now()),
                "payload": {"content": "该公众号暂时无法提供服务，请稍后再试"},
            }
        )
    return result
