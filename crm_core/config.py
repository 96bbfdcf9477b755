"""One settings object, read at the edges (web startup, CLI, worker boot)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, PositiveInt, SecretStr, model_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-insecure-secret-change-me"  # noqa: S105 - refused in prod


class AuthSettings(BaseModel):
    session_ttl_seconds: int = 8 * 3600
    token_ttl_seconds: int = 12 * 3600
    max_failed_logins: int = 5
    lockout_seconds: int = 15 * 60


class WeChatSettings(BaseModel):
    api_base: str = "https://api.weixin.qq.com"
    pay_api_base: str = "https://api.mch.weixin.qq.com"
    pay_timeout_seconds: float = 10.0
    callback_max_age_seconds: int = 300
    callback_max_body_bytes: int = 128 * 1024


class SmsSettings(BaseModel):
    """SMS over GSM modems: message rules, verification codes and the modem daemon."""

    signature: str = "示例商城"
    opt_out_suffix: str = "回T退订"
    marketing_start: str = "08:00"
    marketing_end: str = "22:00"
    max_parts: int = 6
    code_ttl_seconds: int = 300
    code_length: int = 6
    code_max_attempts: int = 5
    code_per_number_per_minute: int = 1
    code_per_number_per_day: int = 10
    code_per_ip_per_hour: int = 20
    parts_per_minute: float = 6.0
    lease_seconds: int = 300
    heartbeat_seconds: float = 30.0
    poll_seconds: float = 1.0
    max_attempts: int = 3
    retry_backoff_seconds: list[int] = [30, 120, 600]
    park_seconds: int = 300
    report_window_seconds: int = 600
    pin: SecretStr | None = None
    smsc: str | None = None


class SendSettings(BaseModel):
    """Campaign and care message routing: caps per member and channel, marketing hours."""

    marketing_start: str = "08:00"
    marketing_end: str = "22:00"
    # channel -> (per Asia/Shanghai day, per Monday-started week); a missing channel is uncapped.
    caps: dict[str, tuple[int, int]] = {
        "customer_service": (3, 10),
        "template": (2, 6),
        "mass": (1, 4),
        "sms": (1, 3),
    }
    mass_per_month: int = 4
    claim_lease_seconds: int = 600
    # Mass campaigns: parallel senders per campaign, and how long a sender's claimed rows wait
    # before another takes them (a sender killed mid-run).
    campaign_senders: int = 4
    campaign_claim_lease_seconds: int = 120
    # A queued row untouched this long has lost its task (a publish after commit that never
    # happened); the beat sends it to the workers again.
    requeue_after_seconds: int = 300
    # WeChat API kind (customer_service, template, mass) -> (calls, per window seconds), per
    # official account, across all workers; a missing kind is unlimited. WeChat publishes daily
    # quotas (enforced by WeChat: 45009, 45028), not per-minute limits, so none is set here.
    rate_limits: dict[str, tuple[PositiveInt, PositiveInt]] = {}
    # Tracked links in messages point here (`{base}/t/{code}`); empty: SCRM_BASE_URL. A short
    # domain keeps SMS short.
    link_base_url: str = ""


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class StorageSettings(BaseModel):
    """Where uploaded files (contract scans, payment proofs) live: the var dir by default, or an
    S3-compatible bucket (SCRM_STORAGE__BACKEND=s3, SCRM_STORAGE__S3_BUCKET=...)."""

    backend: Literal["disk", "s3"] = "disk"
    s3_endpoint_url: str | None = None
    s3_bucket: str = ""
    s3_region: str = "us-east-1"
    s3_access_key_id: SecretStr | None = None
    s3_secret_access_key: SecretStr | None = None
    s3_prefix: str = ""


class AnalyticsSettings(BaseModel):
    rfm_window_days: int = 365  # frequency and monetary count orders this recent
    churn_days: int = 180  # a member with no purchase for this long has churned


class Settings(BaseSettings):
    """Environment: DATABASE_URL, REDIS_URL, CELERY_BROKER_URL, WECHAT_API_BASE,
    WECHAT_PAY_API_BASE, and SCRM_* for the rest; nested sections as
    SCRM_AUTH__MAX_FAILED_LOGINS=10."""

    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="ignore")

    env: Literal["dev", "test", "prod"] = Field("dev", validation_alias=_env("scrm_env"))
    database_url: str | None = Field(None, validation_alias=_env("database_url"))
    redis_url: str | None = Field(None, validation_alias=_env("redis_url"))
    celery_broker_url: str | None = Field(None, validation_alias=_env("celery_broker_url"))
    wechat_api_base: str | None = Field(None, validation_alias=_env("wechat_api_base"))
    wechat_pay_api_base: str | None = Field(None, validation_alias=_env("wechat_pay_api_base"))
    secret_key: SecretStr = Field(
        SecretStr(DEFAULT_SECRET_KEY), validation_alias=_env("scrm_secret_key")
    )
    # Keys the audit chain; derived from secret_key when unset (crm_core/audit.py).
    audit_key: SecretStr | None = Field(None, validation_alias=_env("scrm_audit_key"))
    var_dir: Path = Field(PROJECT_ROOT / "var", validation_alias=_env("scrm_var_dir"))
    base_url: str = Field("http://127.0.0.1:8000", validation_alias=_env("scrm_base_url"))
    auth: AuthSettings = Field(AuthSettings(), validation_alias=_env("scrm_auth"))
    wechat: WeChatSettings = Field(WeChatSettings(), validation_alias=_env("scrm_wechat"))
    sms: SmsSettings = Field(SmsSettings(), validation_alias=_env("scrm_sms"))
    sends: SendSettings = Field(SendSettings(), validation_alias=_env("scrm_sends"))
    storage: StorageSettings = Field(StorageSettings(), validation_alias=_env("scrm_storage"))
    analytics: AnalyticsSettings = Field(
        AnalyticsSettings(), validation_alias=_env("scrm_analytics")
    )
    # Payment plans: instalments due within this many days get a 即将到期 reminder.
    payment_reminder_days: int = Field(
        3, ge=0, le=60, validation_alias=_env("scrm_payment_reminder_days")
    )

    @model_validator(mode="after")
    def _no_public_key_in_prod(self) -> "Settings":
        # The default key is in the public repository: sessions, sealed secrets and the audit
        # chain keyed with it would be forgeable by anyone.
        key = self.secret_key.get_secret_value()
        if self.is_prod and (key == DEFAULT_SECRET_KEY or len(key) < 32):
            raise ValueError(
                "生产环境必须设置 SCRM_SECRET_KEY（至少 32 个字符的随机值）"
                " / SCRM_SECRET_KEY must be set to a random value of at least 32 characters in prod"
            )
        return self

    @property
    def is_prod(self) -> bool:
        return self.env == "prod"

    @property
    def pay_api_base(self) -> str:
        """WeChat Pay's host; off the default API base (sandbox, demo) it follows that root."""
        return (
            self.wechat_pay_api_base or self.wechat_api_base or self.wechat.pay_api_base
        ).rstrip("/")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def settings_problem(error: PydanticValidationError) -> str:
    """One line for a person starting the server with bad settings."""
    return "; ".join(str(item["msg"]).removeprefix("Value error, ") for item in error.errors())
