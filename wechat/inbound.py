"""The callback's protocol core: verify, decrypt, parse, and seal the passive reply.

No I/O here: the web layer (another package) looks the account up, dedupes in Redis, stores and
enqueues. Checks run cheapest first: size, signature, freshness, then XML.
"""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from wechat.crypto import (
    DEFAULT_TIMESTAMP_WINDOW,
    MessageCipher,
    check_timestamp,
    sign,
    verify_signature,
)
from wechat.errors import DecryptionError, MalformedXmlError, PlaintextNotAllowedError
from wechat.messages import InboundMessage, dedupe_key, parse_message
from wechat.replies import SUCCESS
from wechat.xml import MAX_BODY_BYTES, check_size, parse_xml, text_field

Mode = Literal["plain", "compat", "safe"]


@dataclass(frozen=True)
class CallbackAccount:
    appid: str
    token: str
    encoding_aes_key: str | None = None
    previous_aes_key: str | None = None
    # WH-1: production accepts safe mode only; plaintext and compat stay for dev and the sandbox.
    require_safe_mode: bool = False

    def cipher(self) -> MessageCipher | None:
        if not self.encoding_aes_key:
            return None
        return MessageCipher(self.token, self.encoding_aes_key, self.appid, self.previous_aes_key)


@dataclass(frozen=True)
class InboundDelivery:
    appid: str
    message: InboundMessage
    xml: str
    mode: Mode
    timestamp: str
    nonce: str
    aes_key: str | None = None

    @property
    def dedupe_key(self) -> str:
        return dedupe_key(self.appid, self.message)


def _check_query(
    account: CallbackAccount, query: Mapping[str, str], *, now: float, window: int
) -> tuple[str, str]:
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    verify_signature(sign(account.token, timestamp, nonce), query.get("signature"))
    check_timestamp(timestamp, now=now, window=window)
    return timestamp, nonce


def verify_echo(
    account: CallbackAccount,
    query: Mapping[str, str],
    *,
    now: float,
    window: int = DEFAULT_TIMESTAMP_WINDOW,
) -> str:
    """GET handshake: `echostr` verbatim (plain in every mode for official accounts)."""
    _check_query(account, query, now=now, window=window)
    return query.get("echostr", "")


def open_delivery(
    account: CallbackAccount,
    query: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    window: int = DEFAULT_TIMESTAMP_WINDOW,
    max_body: int = MAX_BODY_BYTES,
) -> InboundDelivery:
    check_size(body, max_body)
    timestamp, nonce = _check_query(account, query, now=now, window=window)
    encrypted = query.get("encrypt_type", "raw").lower() == "aes"
    if account.require_safe_mode and not encrypted:
        raise PlaintextNotAllowedError()
    # In safe mode this outer parse precedes msg_signature; the size cap and DTD refusal above
    # and inside parse_xml are what keep it cheap for unauthenticated callers.
    outer = parse_xml(body, max_bytes=max_body)
    if not encrypted:
        return InboundDelivery(
            account.appid, parse_message(outer), body.decode(), "plain", timestamp, nonce
        )
    cipher = account.cipher()
    encrypt = text_field(outer, "Encrypt")
    if cipher is None or not encrypt:
        raise DecryptionError()
    xml, aes_key = cipher.verify_and_decrypt(
        encrypt, msg_signature=query.get("msg_signature"), timestamp=timestamp, nonce=nonce
    )
    mode: Mode = "compat" if "MsgType" in outer else "safe"
    if account.require_safe_mode and mode != "safe":
        raise PlaintextNotAllowedError()
    inner = parse_xml(xml, max_bytes=max_body)
    if not inner:
        raise MalformedXmlError()
    return InboundDelivery(
        account.appid, parse_message(inner), xml, mode, timestamp, nonce, aes_key
    )


INLINE_PARSE_BYTES = 8 * 1024


async def open_delivery_async(
    account: CallbackAccount,
    query: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    window: int = DEFAULT_TIMESTAMP_WINDOW,
    max_body: int = MAX_BODY_BYTES,
) -> InboundDelivery:
    """`open_delivery` in a worker thread for large bodies, so a slow parse never stalls the
    event loop (WH-6); a typical push (under 1 KiB) parses faster inline than a thread hop."""
    if len(body) <= INLINE_PARSE_BYTES:
        return open_delivery(account, query, body, now=now, window=window, max_body=max_body)
    return await asyncio.to_thread(
        open_delivery, account, query, body, now=now, window=window, max_body=max_body
    )


def seal_reply(
    account: CallbackAccount,
    delivery: InboundDelivery,
    reply: str | None,
    *,
    timestamp: str | None = None,
    nonce: str | None = None,
) -> str:
    """The response body: `success` for no reply, the XML encrypted when the request was."""
    if not reply or reply == SUCCESS:
        return SUCCESS
    cipher = account.cipher()
    if delivery.mode == "plain" or cipher is None:
        return reply
    return cipher.seal(
        reply,
        timestamp=timestamp or delivery.timestamp,
        nonce=nonce or delivery.nonce,
        aes_key=delivery.aes_key,
    )
