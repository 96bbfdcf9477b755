"""Secrets at rest (AppSecret, callback token, EncodingAESKey): Fernet under SCRM_SECRET_KEY.

The key is derived from the one configured secret, so rotating SCRM_SECRET_KEY means
re-encrypting the stored values; a value that no longer opens raises instead of leaking garbage.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken

from crm_core.config import get_settings
from crm_core.errors import CRMError


class SecretUnreadableError(CRMError):
    status_code = 500
    code = "secret_unreadable"
    message = "已保存的密钥无法解密，请检查 SCRM_SECRET_KEY 是否被更换"


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(b"scrm-vault:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _box() -> Fernet:
    return _fernet(get_settings().secret_key.get_secret_value())


def seal(plaintext: str) -> str:
    return _box().encrypt(plaintext.encode()).decode() if plaintext else ""


def open_sealed(ciphertext: str) -> str:
    if not ciphertext:
        return ""
    try:
        return _box().decrypt(ciphertext.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadableError() from error
