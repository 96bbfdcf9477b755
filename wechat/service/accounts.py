"""Official accounts: secrets sealed at rest, the callback's view of an account, API clients."""

import logging
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from crm_core import audit, vault
from crm_core.audit import Actor
from crm_core.config import get_settings
from crm_core.db import unit_of_work
from crm_core.redis import get_redis
from wechat.client import WeChatClient
from wechat.errors import (
    AccountNotFoundError,
    DuplicateAccountError,
    InvalidAccountError,
    UnknownAppError,
    WeChatAPIError,
)
from wechat.inbound import CallbackAccount
from wechat.models import AccountMode, OfficialAccount
from wechat.schemas import AccountCreate, AccountRead, AccountUpdate
from wechat.service.replies import bump_config_version

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiveAccount:
    """What a callback needs, decrypted once per process and config version."""

    id: int
    appid: str
    name: str
    gh_id: str
    callback: CallbackAccount
    version: str


_cache: dict[str, LiveAccount] = {}


def to_read(account: OfficialAccount) -> AccountRead:
    read = AccountRead.model_validate(account)
    return read.model_copy(
        update={
            "callback_path": f"/wechat/{account.appid}/callback",
            "has_aes_key": bool(account.aes_key_sealed),
        }
    )


async def list_accounts() -> list[AccountRead]:
    return [to_read(a) for a in await OfficialAccount.all().order_by("id")]


async def get_account(account_id: int) -> OfficialAccount:
    account = await OfficialAccount.get_or_none(id=account_id)
    if account is None:
        raise AccountNotFoundError()
    return account


async def create_account(actor: Actor, data: AccountCreate) -> AccountRead:
    aes_key = data.aes_key.get_secret_value() if data.aes_key else ""
    if data.mode != AccountMode.PLAIN and not aes_key:
        raise InvalidAccountError()
    try:
        async with unit_of_work():
            account = await OfficialAccount.create(
                appid=data.appid,
                name=data.name,
                mode=data.mode,
                gh_id=data.gh_id,
                secret_sealed=vault.seal(data.secret.get_secret_value()),
                token_sealed=vault.seal(data.token.get_secret_value()),
                aes_key_sealed=vault.seal(aes_key),
            )
            await audit.record(
                actor,
                "wechat.account.create",
                target_type="wechat_account",
                target_id=account.id,
                after={"appid": data.appid, "name": data.name, "mode": data.mode.value},
            )
    except IntegrityError as error:
        raise DuplicateAccountError() from error
    await bump_config_version()
    return to_read(account)


async def update_account(actor: Actor, account_id: int, data: AccountUpdate) -> AccountRead:
    account = await get_account(account_id)
    changed: dict[str, object] = {}
    if data.name is not None:
        account.name = changed["name"] = data.name
    if data.mode is not None:
        account.mode = data.mode
        changed["mode"] = data.mode.value
    if data.is_active is not None:
        account.is_active = changed["is_active"] = data.is_active
    if data.secret is not None:
        account.secret_sealed, changed["secret"] = vault.seal(data.secret.get_secret_value()), 1
    if data.token is not None:
        account.token_sealed, changed["token"] = vault.seal(data.token.get_secret_value()), 1
    if data.aes_key is not None:
        # Keep the old key as a fallback: WeChat may still sign with it for a while (WH-8).
        account.previous_aes_key_sealed = account.aes_key_sealed
        account.aes_key_sealed, changed["aes_key"] = vault.seal(data.aes_key.get_secret_value()), 1
    async with unit_of_work():
        await account.save()
        await audit.record(
            actor,
            "wechat.account.update",
            target_type="wechat_account",
            target_id=account.id,
            after=changed,
        )
    await bump_config_version()
    return to_read(account)


async def live_account(appid: str, version: str) -> LiveAccount | None:
    """The callback's account, cached per process until the config version changes.

    Unknown or disabled accounts are None (the route answers 403).
    """
    cached = _cache.get(appid)
    if cached is not None and cached.version == version:
        return cached
    account = await OfficialAccount.get_or_none(appid=appid, is_active=True)
    if account is None:
        _cache.pop(appid, None)
        return None
    aes_key = vault.open_sealed(account.aes_key_sealed) or None
    callback = CallbackAccount(
        appid=account.appid,
        token=vault.open_sealed(account.token_sealed),
        encoding_aes_key=aes_key if account.mode != AccountMode.PLAIN else None,
        previous_aes_key=vault.open_sealed(account.previous_aes_key_sealed) or None,
        # A safe-mode account never gets plaintext from WeChat: one is a forgery in any
        # environment (its signature covers no body). Production accepts safe mode only.
        require_safe_mode=get_settings().is_prod or account.mode == AccountMode.SAFE,
    )
    live = LiveAccount(account.id, account.appid, account.name, account.gh_id, callback, version)
    _cache[appid] = live
    return live


def client_for(account: OfficialAccount) -> WeChatClient:
    settings = get_settings()
    return WeChatClient(
        account.appid,
        vault.open_sealed(account.secret_sealed),
        redis=get_redis(),
        api_base=settings.wechat_api_base or settings.wechat.api_base,
    )


async def oauth_authorize_url(
    appid: str, redirect_uri: str, state: str, *, scope: str = "snsapi_base"
) -> str:
    """Where to send a member's browser: silent snsapi_base, or snsapi_userinfo (a consent page)
    when we want the nickname and avatar."""
    account = await OfficialAccount.get_or_none(appid=appid, is_active=True)
    if account is None:
        raise UnknownAppError()
    return client_for(account).oauth_authorize_url(redirect_uri, scope=scope, state=state)


@dataclass(frozen=True)
class OAuthUser:
    openid: str
    unionid: str
    nickname: str = ""
    avatar_url: str = ""


async def user_for_code(appid: str, code: str) -> OAuthUser:
    """Exchange an OAuth code server-side (the secret never leaves). With snsapi_userinfo the
    nickname and avatar come along; a failed userinfo call leaves them empty, never the sign-in."""
    account = await OfficialAccount.get_or_none(appid=appid, is_active=True)
    if account is None:
        raise UnknownAppError()
    client = client_for(account)
    async with client:
        result = await client.exchange_oauth_code(code)
        openid, unionid = str(result["openid"]), str(result.get("unionid", ""))
        if "snsapi_userinfo" not in str(result.get("scope", "")):
            return OAuthUser(openid, unionid)
        try:
            info = await client.get_oauth_userinfo(str(result["access_token"]), openid)
        except WeChatAPIError as error:
            logger.warning("sns/userinfo failed for %s: %s", appid, error)
            return OAuthUser(openid, unionid)
    return OAuthUser(
        openid,
        str(info.get("unionid") or unionid),
        str(info.get("nickname") or "")[:64],
        str(info.get("headimgurl") or ""),
    )


async def default_appid() -> str | None:
    account = await OfficialAccount.filter(is_active=True).order_by("id").first()
    return account.appid if account else None
