"""The WeChat APIs the product uses (wechat.md §2), one short method each."""

import hashlib
from typing import Any, Literal
from urllib.parse import quote, urlencode

from wechat.client.base import WeChatBaseClient
from wechat.errors import MenuNotExistError

MAX_TAGS = 100
TAG_BATCH = 50
BLACKLIST_BATCH = 20
MASS_OPENIDS = (2, 10_000)
USER_BATCH = 100
MediaType = Literal["image", "voice", "video", "thumb"]


class WeChatClient(WeChatBaseClient):
    # QR codes
    async def create_qrcode(
        self,
        scene: str | int,
        *,
        expire_seconds: int | None = None,
    ) -> dict[str, Any]:
        """Temporary when `expire_seconds` is given (≤ 30 days), else permanent."""
        kind = "QR_STR_SCENE" if isinstance(scene, str) else "QR_SCENE"
        key = "scene_str" if isinstance(scene, str) else "scene_id"
        body: dict[str, Any] = {"action_info": {"scene": {key: scene}}}
        if expire_seconds is None:
            body["action_name"] = kind.replace("QR_", "QR_LIMIT_", 1)
        else:
            body |= {"action_name": kind, "expire_seconds": expire_seconds}
        return await self.call("POST", "/cgi-bin/qrcode/create", json_body=body)

    def qrcode_url(self, ticket: str) -> str:
        return f"{self.hosts.mp}/cgi-bin/showqrcode?ticket={quote(ticket, safe='')}"

    async def fetch_qrcode_image(self, ticket: str) -> bytes:
        response = await self._send("GET", self.qrcode_url(ticket), idempotent=True)
        response.raise_for_status()
        return response.content

    # Menus
    async def create_menu(self, buttons: list[dict[str, Any]]) -> None:
        await self.call("POST", "/cgi-bin/menu/create", json_body={"button": buttons})

    async def get_menu(self) -> dict[str, Any] | None:
        """None when no menu exists (46003)."""
        try:
            return await self.call("GET", "/cgi-bin/menu/get", idempotent=True)
        except MenuNotExistError:
            return None

    async def delete_menu(self) -> None:
        await self.call("GET", "/cgi-bin/menu/delete", idempotent=True)

    async def add_conditional_menu(
        self, buttons: list[dict[str, Any]], matchrule: dict[str, Any]
    ) -> str:
        result = await self.call(
            "POST",
            "/cgi-bin/menu/addconditional",
            json_body={"button": buttons, "matchrule": matchrule},
        )
        return str(result["menuid"])

    async def delete_conditional_menu(self, menuid: str) -> None:
        await self.call("POST", "/cgi-bin/menu/delconditional", json_body={"menuid": menuid})

    async def try_match_menu(self, openid: str) -> list[dict[str, Any]]:
        result = await self.call(
            "POST", "/cgi-bin/menu/trymatch", json_body={"user_id": openid}, idempotent=True
        )
        return list(result["button"])

    # Messages
    async def send_custom_message(
        self, openid: str, msgtype: str, content: dict[str, Any], *, kf_account: str | None = None
    ) -> None:
        body: dict[str, Any] = {"touser": openid, "msgtype": msgtype, msgtype: content}
        if kf_account:
            body["customservice"] = {"kf_account": kf_account}
        await self.call("POST", "/cgi-bin/message/custom/send", json_body=body)

    async def send_text(self, openid: str, text: str) -> None:
        await self.send_custom_message(openid, "text", {"content": text})

    async def send_template(
        self,
        openid: str,
        template_id: str,
        data: dict[str, Any],
        *,
        url: str | None = None,
        miniprogram: dict[str, str] | None = None,
        client_msg_id: str | None = None,
    ) -> int:
        optional = {"url": url, "miniprogram": miniprogram, "client_msg_id": client_msg_id}
        body = {
            "touser": openid,
            "template_id": template_id,
            "data": data,
            **{key: value for key, value in optional.items() if value},
        }
        result = await self.call("POST", "/cgi-bin/message/template/send", json_body=body)
        return int(result["msgid"])

    async def list_private_templates(self) -> list[dict[str, Any]]:
        result = await self.call(
            "GET", "/cgi-bin/template/get_all_private_template", idempotent=True
        )
        return list(result.get("template_list") or [])

    async def add_template(self, template_id_short: str) -> str:
        result = await self.call(
            "POST",
            "/cgi-bin/template/api_add_template",
            json_body={"template_id_short": template_id_short},
        )
        return str(result["template_id"])

    async def delete_private_template(self, template_id: str) -> None:
        await self.call(
            "POST",
            "/cgi-bin/template/del_private_template",
            json_body={"template_id": template_id},
            idempotent=True,
        )

    async def send_mass_by_openids(
        self,
        openids: list[str],
        msgtype: str,
        content: dict[str, Any],
        *,
        clientmsgid: str,
    ) -> dict[str, Any]:
        """2..10 000 openids. `clientmsgid` dedupes at WeChat, so a retry is safe."""
        low, high = MASS_OPENIDS
        if not low <= len(openids) <= high:
            raise ValueError(f"mass send needs {low}..{high} openids, got {len(openids)}")
        body = {"touser": openids, "msgtype": msgtype, msgtype: content, "clientmsgid": clientmsgid}
        return await self.call(
            "POST", "/cgi-bin/message/mass/send", json_body=body, idempotent=True
        )

    async def send_mass_by_tag(
        self, tag_id: int | None, msgtype: str, content: dict[str, Any], *, clientmsgid: str
    ) -> dict[str, Any]:
        """`tag_id=None` sends to all followers. Uses `tag_id`, not wechatpy's `group_id`."""
        flt: dict[str, Any] = {"is_to_all": tag_id is None}
        if tag_id is not None:
            flt["tag_id"] = tag_id
        body = {"filter": flt, "msgtype": msgtype, msgtype: content, "clientmsgid": clientmsgid}
        return await self.call(
            "POST", "/cgi-bin/message/mass/sendall", json_body=body, idempotent=True
        )

    async def preview_mass(self, openid: str, msgtype: str, content: dict[str, Any]) -> int:
        """What a mass send would look like, to one fan (no quota used)."""
        body = {"touser": openid, "msgtype": msgtype, msgtype: content}
        result = await self.call("POST", "/cgi-bin/message/mass/preview", json_body=body)
        return int(result.get("msg_id") or 0)

    async def get_mass_status(self, msg_id: int) -> str:
        result = await self.call(
            "POST", "/cgi-bin/message/mass/get", json_body={"msg_id": msg_id}, idempotent=True
        )
        return str(result["msg_status"])

    # Users
    async def get_user_info(self, openid: str, *, lang: str = "zh_CN") -> dict[str, Any]:
        return await self.call(
            "GET", "/cgi-bin/user/info", params={"openid": openid, "lang": lang}, idempotent=True
        )

    async def batch_get_user_info(self, openids: list[str]) -> list[dict[str, Any]]:
        if not 1 <= len(openids) <= USER_BATCH:
            raise ValueError(f"batchget takes 1..{USER_BATCH} openids")
        body = {"user_list": [{"openid": o, "lang": "zh_CN"} for o in openids]}
        result = await self.call(
            "POST", "/cgi-bin/user/info/batchget", json_body=body, idempotent=True
        )
        return list(result["user_info_list"])

    async def list_followers(self, next_openid: str = "") -> tuple[list[str], str]:
        """One page and the cursor for the next; an empty cursor or page means the end."""
        result = await self.call(
            "GET", "/cgi-bin/user/get", params={"next_openid": next_openid}, idempotent=True
        )
        openids = list((result.get("data") or {}).get("openid") or [])
        return openids, str(result.get("next_openid") or "") if openids else ""

    async def all_followers(self) -> list[str]:
        openids, cursor = await self.list_followers()
        collected = list(openids)
        while cursor:
            openids, cursor = await self.list_followers(cursor)
            collected += openids
        return collected

    async def update_remark(self, openid: str, remark: str) -> None:
        await self.call(
            "POST",
            "/cgi-bin/user/info/updateremark",
            json_body={"openid": openid, "remark": remark},
            idempotent=True,
        )

    # Tags and blacklist
    async def create_tag(self, name: str) -> int:
        result = await self.call("POST", "/cgi-bin/tags/create", json_body={"tag": {"name": name}})
        return int(result["tag"]["id"])

    async def list_tags(self) -> list[dict[str, Any]]:
        result = await self.call("GET", "/cgi-bin/tags/get", idempotent=True)
        return list(result["tags"])

    async def update_tag(self, tag_id: int, name: str) -> None:
        await self.call(
            "POST",
            "/cgi-bin/tags/update",
            json_body={"tag": {"id": tag_id, "name": name}},
            idempotent=True,
        )

    async def delete_tag(self, tag_id: int) -> None:
        await self.call(
            "POST", "/cgi-bin/tags/delete", json_body={"tag": {"id": tag_id}}, idempotent=True
        )

    async def tag_users(self, tag_id: int, openids: list[str]) -> None:
        await self._batches("/cgi-bin/tags/members/batchtagging", openids, TAG_BATCH, tagid=tag_id)

    async def untag_users(self, tag_id: int, openids: list[str]) -> None:
        await self._batches(
            "/cgi-bin/tags/members/batchuntagging", openids, TAG_BATCH, tagid=tag_id
        )

    async def get_user_tags(self, openid: str) -> list[int]:
        result = await self.call(
            "POST", "/cgi-bin/tags/getidlist", json_body={"openid": openid}, idempotent=True
        )
        return [int(t) for t in result["tagid_list"]]

    async def blacklist_users(self, openids: list[str]) -> None:
        await self._batches("/cgi-bin/tags/members/batchblacklist", openids, BLACKLIST_BATCH)

    async def unblacklist_users(self, openids: list[str]) -> None:
        await self._batches("/cgi-bin/tags/members/batchunblacklist", openids, BLACKLIST_BATCH)

    async def get_blacklist(self, begin_openid: str = "") -> tuple[list[str], str]:
        result = await self.call(
            "POST",
            "/cgi-bin/tags/members/getblacklist",
            json_body={"begin_openid": begin_openid},
            idempotent=True,
        )
        openids = list((result.get("data") or {}).get("openid") or [])
        return openids, str(result.get("next_openid") or "") if openids else ""

    async def _batches(self, path: str, openids: list[str], size: int, **extra: Any) -> None:
        # Tagging and blacklisting are set operations, so retrying a batch is harmless.
        for start in range(0, len(openids), size):
            await self.call(
                "POST",
                path,
                idempotent=True,
                json_body={"openid_list": openids[start : start + size], **extra},
            )

    # Media
    async def upload_media(
        self,
        media_type: MediaType,
        filename: str,
        content: bytes,
        content_type: str = "application/octet-stream",
    ) -> dict[str, Any]:
        # Bytes, not a stream: a token retry must be able to send the file again.
        return await self.call(
            "POST",
            "/cgi-bin/media/upload",
            params={"type": media_type},
            files={"media": (filename, content, content_type)},
        )

    async def download_media(self, media_id: str) -> bytes:
        return await self.call_bytes("GET", "/cgi-bin/media/get", params={"media_id": media_id})

    # OAuth and JS-SDK
    def oauth_authorize_url(
        self, redirect_uri: str, *, scope: str = "snsapi_base", state: str = ""
    ) -> str:
        query = urlencode(
            {
                "appid": self.appid,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": scope,
                "state": state,
            }
        )
        return f"{self.hosts.open}/connect/oauth2/authorize?{query}#wechat_redirect"

    async def exchange_oauth_code(self, code: str) -> dict[str, Any]:
        """code → {openid, access_token, scope, ...}; no app access_token involved."""
        response = await self._send(
            "GET",
            f"{self.hosts.api}/sns/oauth2/access_token",
            idempotent=False,
            params={
                "appid": self.appid,
                "secret": self.secret,
                "code": code,
                "grant_type": "authorization_code",
            },
        )
        return self._result(response)

    async def get_oauth_userinfo(self, access_token: str, openid: str) -> dict[str, Any]:
        """Nickname and avatar: since 2021-12-27 only snsapi_userinfo gives them (48001 else)."""
        response = await self._send(
            "GET",
            f"{self.hosts.api}/sns/userinfo",
            idempotent=True,
            params={"access_token": access_token, "openid": openid, "lang": "zh_CN"},
        )
        return self._result(response)

    async def get_jsapi_ticket(self) -> dict[str, Any]:
        return await self.call(
            "GET", "/cgi-bin/ticket/getticket", params={"type": "jsapi"}, idempotent=True
        )


def jsapi_signature(ticket: str, noncestr: str, timestamp: int, url: str) -> str:
    """wx.config signature: keys in ASCII order, raw values, URL without its #fragment."""
    plain = (
        f"jsapi_ticket={ticket}&noncestr={noncestr}&timestamp={timestamp}&url={url.split('#')[0]}"
    )
    return hashlib.sha1(plain.encode(), usedforsecurity=False).hexdigest()
