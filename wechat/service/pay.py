"""The WeChat Pay merchant (API key sealed at rest) and red packets sent through it.

Callers own idempotency: they pass a stable mch_billno and decide, from `WeChatPayError.uncertain`,
whether to query the bill before sending it again.
"""

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from crm_core import audit, vault
from crm_core.audit import Actor
from crm_core.config import get_settings
from crm_core.db import unit_of_work
from wechat.client import RedPackRequest, WeChatPayClient
from wechat.errors import (
    AccountNotFoundError,
    DuplicateMerchantError,
    MerchantNotConfiguredError,
)
from wechat.models import OfficialAccount, PayMerchant
from wechat.schemas import MerchantRead, MerchantSet


@dataclass(frozen=True)
class PayTarget:
    """What a red packet ledger needs: the merchant, its mch_id and the account's appid."""

    merchant_id: int
    mch_id: str
    appid: str


def _read(merchant: PayMerchant) -> MerchantRead:
    read = MerchantRead.model_validate(merchant)
    return read.model_copy(update={"has_certificate": bool(merchant.cert_path)})


async def get_merchant() -> MerchantRead | None:
    merchant = await PayMerchant.filter(is_active=True).order_by("id").first()
    return _read(merchant) if merchant else None


async def set_merchant(actor: Actor, data: MerchantSet) -> MerchantRead:
    """Create or replace the merchant of an account; a blank API key is never stored."""
    if not await OfficialAccount.exists(id=data.account_id):
        raise AccountNotFoundError()
    values = {
        "mch_id": data.mch_id,
        "send_name": data.send_name,
        "client_ip": data.client_ip,
        "cert_path": data.cert_path,
        "key_path": data.key_path,
        "is_active": True,
        "api_key_sealed": vault.seal(data.api_key.get_secret_value()),
    }
    try:
        async with unit_of_work():
            merchant, _ = await PayMerchant.update_or_create(
                account_id=data.account_id, defaults=values
            )
            await audit.record(
                actor,
                "wechat.pay_merchant.set",
                target_type="wechat_account",
                target_id=data.account_id,
                after={
                    "mch_id": data.mch_id,
                    "send_name": data.send_name,
                    "certificate": bool(data.cert_path),
                },
            )
    except IntegrityError as error:
        raise DuplicateMerchantError() from error
    return _read(merchant)


async def active_target() -> PayTarget | None:
    merchant = await PayMerchant.filter(is_active=True).order_by("id").first()
    if merchant is None:
        return None
    account = await OfficialAccount.get(id=merchant.account_id)
    return PayTarget(merchant.id, merchant.mch_id, account.appid)


async def _client(merchant_id: int) -> tuple[WeChatPayClient, PayMerchant]:
    merchant = await PayMerchant.get_or_none(id=merchant_id, is_active=True)
    if merchant is None:
        raise MerchantNotConfiguredError()
    account = await OfficialAccount.get(id=merchant.account_id)
    settings = get_settings()
    cert = (merchant.cert_path, merchant.key_path) if merchant.cert_path else None
    client = WeChatPayClient(
        merchant.mch_id,
        vault.open_sealed(merchant.api_key_sealed),
        account.appid,
        api_base=settings.pay_api_base,
        cert=cert,
        timeout=settings.wechat.pay_timeout_seconds,
    )
    return client, merchant


async def send_redpack(
    merchant_id: int,
    *,
    mch_billno: str,
    openid: str,
    amount_fen: int,
    wishing: str,
    act_name: str,
    remark: str,
) -> dict[str, str]:
    client, merchant = await _client(merchant_id)
    async with client:
        return await client.send_redpack(
            RedPackRequest(
                mch_billno=mch_billno,
                openid=openid,
                total_amount=amount_fen,
                send_name=merchant.send_name,
                wishing=wishing,
                act_name=act_name,
                remark=remark,
                client_ip=merchant.client_ip,
            )
        )


async def query_redpack(merchant_id: int, mch_billno: str) -> dict[str, str]:
    client, _ = await _client(merchant_id)
    async with client:
        return await client.get_redpack_info(mch_billno)
