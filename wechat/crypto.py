"""Callback signatures and the AES message scheme (WXBizMsgCrypt), built on wechatpy's cipher.

wechatpy compares signatures with `!=` and never checks freshness (reliability.md WH-2/WH-3),
so signatures are checked here with `hmac.compare_digest` before wechatpy decrypts anything.
"""

import base64
import binascii
import hashlib
import hmac
import secrets
import string
import struct
from dataclasses import dataclass

from wechatpy.crypto import PrpCrypto
from wechatpy.exceptions import InvalidAppIdException

from wechat.errors import DecryptionError, InvalidSignatureError, StaleTimestampError

DEFAULT_TIMESTAMP_WINDOW = 300


def sign(*parts: str) -> str:
    """WeChat's SHA1 over the lexically sorted, concatenated parts, as lowercase hex."""
    return hashlib.sha1("".join(sorted(parts)).encode(), usedforsecurity=False).hexdigest()


def verify_signature(expected: str, received: str | None) -> None:
    if not received or not hmac.compare_digest(expected.encode(), received.encode()):
        raise InvalidSignatureError()


def check_timestamp(timestamp: str, *, now: float, window: int = DEFAULT_TIMESTAMP_WINDOW) -> None:
    try:
        sent = int(timestamp)
    except ValueError:
        raise StaleTimestampError() from None
    if abs(now - sent) > window:
        raise StaleTimestampError()


def random_nonce() -> str:
    return "".join(secrets.choice(string.digits) for _ in range(10))


def _aes_key(encoding_aes_key: str) -> bytes:
    key = base64.b64decode(encoding_aes_key + "=")
    if len(key) != 32:
        raise ValueError("EncodingAESKey must be 43 characters of base64 (32 bytes)")
    return key


@dataclass(frozen=True)
class MessageCipher:
    """AES-256-CBC with the appid trailer; the previous EncodingAESKey is a fallback (WH-8)."""

    token: str
    encoding_aes_key: str
    appid: str
    previous_aes_key: str | None = None

    def __post_init__(self) -> None:
        _aes_key(self.encoding_aes_key)
        if self.previous_aes_key:
            _aes_key(self.previous_aes_key)

    def encrypt(self, plaintext: str, *, aes_key: str | None = None) -> str:
        key = _aes_key(aes_key or self.encoding_aes_key)
        return bytes(PrpCrypto(key).encrypt(plaintext, self.appid)).decode()

    def decrypt(self, ciphertext: str) -> tuple[str, str]:
        """Plaintext and the EncodingAESKey that opened it (the reply must use the same one)."""
        keys = [self.encoding_aes_key]
        if self.previous_aes_key:
            keys.append(self.previous_aes_key)
        for key in keys:
            try:
                plaintext = PrpCrypto(_aes_key(key)).decrypt(ciphertext, self.appid)
            except (
                InvalidAppIdException,
                ValueError,
                IndexError,
                UnicodeDecodeError,
                struct.error,
                binascii.Error,
            ):
                continue
            return str(plaintext), key
        raise DecryptionError()

    def verify_and_decrypt(
        self, encrypt: str, *, msg_signature: str | None, timestamp: str, nonce: str
    ) -> tuple[str, str]:
        verify_signature(sign(self.token, timestamp, nonce, encrypt), msg_signature)
        return self.decrypt(encrypt)

    def seal(
        self, plaintext: str, *, timestamp: str, nonce: str, aes_key: str | None = None
    ) -> str:
        """The encrypted passive-reply envelope of wechat.md §1.2."""
        encrypt = self.encrypt(plaintext, aes_key=aes_key)
        signature = sign(self.token, timestamp, nonce, encrypt)
        return (
            f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt>"
            f"<MsgSignature><![CDATA[{signature}]]></MsgSignature>"
            f"<TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>"
        )
