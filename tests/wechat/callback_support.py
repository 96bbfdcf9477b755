"""Signed callback requests for tests of the channel's use cases."""

import time
from dataclasses import dataclass

import httpx

from crm_core.audit import SYSTEM
from crm_core.org.models import Department, Staff, Store
from tests.factories import make_staff, make_store
from wechat.crypto import MessageCipher, random_nonce, sign
from wechat.models import AccountMode, OfficialAccount
from wechat.replies import cdata
from wechat.schemas import AccountCreate
from wechat.service import accounts, relay

APPID = "wxcallbacktest001"
TOKEN = "cbtoken"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


async def make_account(mode: str = "plain", appid: str = APPID) -> OfficialAccount:
    await accounts.create_account(
        SYSTEM,
        AccountCreate(
            appid=appid,
            name="测试服务号",
            secret="s3cret",
            token=TOKEN,  # type: ignore[arg-type]
            aes_key=AES_KEY if mode != "plain" else None,
            mode=AccountMode(mode),
        ),
    )
    return await OfficialAccount.get(appid=appid)


def event_xml(
    openid: str, event: str, *, key: str = "", create_time: int | None = None, extra: str = ""
) -> str:
    return (
        f"<xml><ToUserName>{cdata('gh_test')}</ToUserName>"
        f"<FromUserName>{cdata(openid)}</FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
        f"<MsgType>{cdata('event')}</MsgType><Event>{cdata(event)}</Event>"
        f"<EventKey>{cdata(key)}</EventKey>{extra}</xml>"
    )


def text_xml(openid: str, content: str, msg_id: int, create_time: int | None = None) -> str:
    return (
        f"<xml><ToUserName>{cdata('gh_test')}</ToUserName>"
        f"<FromUserName>{cdata(openid)}</FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
        f"<MsgType>{cdata('text')}</MsgType><Content>{cdata(content)}</Content>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


def signed(
    xml: str, *, mode: str = "plain", timestamp: int | None = None, token: str = TOKEN
) -> tuple[dict[str, str], bytes]:
    ts, nonce = str(timestamp or int(time.time())), random_nonce()
    query = {"signature": sign(token, ts, nonce), "timestamp": ts, "nonce": nonce}
    if mode == "plain":
        return query, xml.encode()
    encrypt = MessageCipher(token, AES_KEY, APPID).encrypt(xml)
    query |= {"encrypt_type": "aes", "msg_signature": sign(token, ts, nonce, encrypt)}
    envelope = (
        f"<xml><ToUserName>{cdata('gh_test')}</ToUserName><Encrypt>{cdata(encrypt)}</Encrypt>"
    )
    return query, (envelope + "</xml>").encode()


async def post(
    client: httpx.AsyncClient, xml: str, *, appid: str = APPID, mode: str = "plain"
) -> httpx.Response:
    query, body = signed(xml, mode=mode)
    response = await client.post(
        f"/wechat/{appid}/callback",
        params=query,
        content=body,
        headers={"Content-Type": "text/xml"},
    )
    await relay.dispatch_pending()  # what the web process's relay loop does right after
    return response


@dataclass
class Shop:
    store: Store
    guide: Staff


async def make_shop(code: str = "SH001") -> Shop:
    department = await Department.create(name=f"华东{code}")
    store = await make_store(department, code=code, name="上海南京西路店")
    guide = await make_staff("guide", department=department, store=store, is_guide=True)
    guide.name = "张小美"
    await guide.save(update_fields=["name"])
    return Shop(store, guide)
