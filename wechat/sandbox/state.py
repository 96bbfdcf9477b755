"""In-memory state of the fake WeChat: a stand-in for Tencent, resettable between tests."""

import asyncio
import secrets
import time
from collections import Counter
from collections.abc import Coroutine
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Mode = Literal["plain", "compat", "safe"]
CS_USER_MESSAGE_GRANT = (5, 48 * 3600)
CS_EVENT_GRANT = (3, 60)
TOKEN_GRACE_SECONDS = 300


class Clock:
    """Real time plus an offset the admin API moves (the 48 h window, code and token expiry)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def set(self, timestamp: float) -> None:
        self.offset = timestamp - time.time()


@dataclass
class Token:
    appid: str
    expires_at: float
    revoked_errcode: int = 0


@dataclass
class Grant:
    remaining: int
    expires_at: float


@dataclass
class User:
    openid: str
    appid: str
    nickname: str
    subscribed: bool = False
    subscribe_time: int = 0
    subscribe_scene: str = "ADD_SCENE_OTHERS"
    qr_scene_str: str = ""
    unionid: str = ""
    remark: str = ""
    tagids: list[int] = field(default_factory=list)
    blacklisted: bool = False
    blocks_templates: bool = False
    grants: list[Grant] = field(default_factory=list)
    mass_received: list[float] = field(default_factory=list)
    feed: list[dict[str, Any]] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        return {
            "openid": self.openid,
            "appid": self.appid,
            "nickname": self.nickname,
            "subscribed": self.subscribed,
            "tagid_list": self.tagids,
            "blacklisted": self.blacklisted,
            "remark": self.remark,
        }


@dataclass
class QrCode:
    ticket: str
    action_name: str
    scene: str
    expires_at: float | None
    url: str


@dataclass
class Media:
    media_id: str
    type: str
    content: bytes
    content_type: str
    created_at: int


@dataclass
class OAuthGrant:
    openid: str
    scope: str
    issued_at: float
    used: bool = False


@dataclass
class Template:
    """A private template as `get_all_private_template` lists it."""

    template_id: str
    title: str
    content: str
    example: str = ""
    primary_industry: str = "IT科技"
    deputy_industry: str = "互联网|电子商务"

    def public(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class App:
    appid: str
    secret: str
    token: str
    aes_key: str | None = None
    mode: Mode = "plain"
    webhook_url: str | None = None
    name: str = "测试公众号"
    stable_token: str | None = None
    menu: list[dict[str, Any]] | None = None
    menu_id: int = 0
    conditional_menus: list[dict[str, Any]] = field(default_factory=list)
    tags: dict[int, str] = field(default_factory=lambda: {2: "星标组"})
    templates: dict[str, Template] = field(default_factory=dict)
    qrcodes: dict[str, QrCode] = field(default_factory=dict)
    mass_jobs: dict[int, dict[str, Any]] = field(default_factory=dict)
    clientmsgids: dict[str, int] = field(default_factory=dict)
    # Template sends: (openid, client_msg_id) -> (first msgid, sent at).
    template_client_ids: dict[tuple[str, str], tuple[int, float]] = field(default_factory=dict)
    oauth_codes: dict[str, OAuthGrant] = field(default_factory=dict)
    oauth_tokens: dict[str, OAuthGrant] = field(default_factory=dict)
    refresh_tokens: dict[str, OAuthGrant] = field(default_factory=dict)
    jsapi_ticket: str | None = None

    @property
    def gh_id(self) -> str:
        return "gh_" + self.appid.removeprefix("wx")[:12]

    def public(self) -> dict[str, Any]:
        return {
            "appid": self.appid,
            "name": self.name,
            "mode": self.mode,
            "webhook_url": self.webhook_url,
            "gh_id": self.gh_id,
        }


@dataclass
class Merchant:
    """A WeChat Pay merchant: its API key, the appids bound to it and its balance in fen."""

    mch_id: str
    api_key: str
    appids: list[str] = field(default_factory=list)
    balance_fen: int = 10_000_000
    per_second: int = 30


@dataclass
class RedPack:
    mch_id: str
    mch_billno: str
    wxappid: str
    openid: str
    total_amount: int
    fingerprint: str
    send_listid: str
    send_time: int
    status: str = "SENT"
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Injection:
    path: str
    errcode: int = 0
    # WeChat Pay endpoints fail with a string err_code (SYSTEMERROR, NOTENOUGH …); `effective`
    # makes the call take effect and only the answer fail, as when a response is lost.
    err_code: str = ""
    effective: bool = False
    count: int = 1
    match: dict[str, Any] = field(default_factory=dict)
    latency_ms: int = 0
    probability: float = 1.0


def new_id(prefix: str = "", size: int = 16) -> str:
    return prefix + secrets.token_urlsafe(size).replace("-", "x").replace("_", "y")


class SandboxState:
    def __init__(
        self,
        *,
        page_size: int = 10000,
        push_timeout: float = 5.0,
        push_attempts: int = 3,
        public_url: str = "",
    ) -> None:
        self.clock = Clock()
        self.page_size = page_size
        self.push_timeout = push_timeout
        self.push_attempts = push_attempts
        self.public_url = public_url
        self._tasks: set[asyncio.Task[Any]] = set()
        self.reset()

    def reset(self) -> None:
        self.apps: dict[str, App] = {}
        self.users: dict[str, User] = {}
        self.tokens: dict[str, Token] = {}
        self.media: dict[str, Media] = {}
        self.injections: list[Injection] = []
        self.quotas: dict[str, int] = {}
        self.calls: Counter[str] = Counter()
        self.outbox: list[dict[str, Any]] = []
        self.pushes: list[dict[str, Any]] = []
        self.merchants: dict[str, Merchant] = {}
        self.redpacks: dict[tuple[str, str], RedPack] = {}
        self.pay_calls: Counter[tuple[str, int]] = Counter()
        self.sequence = 1000

    def next_number(self) -> int:
        self.sequence += 1
        return self.sequence

    def add_app(self, **fields: Any) -> App:
        app = App(**fields)
        self.apps[app.appid] = app
        return app

    def add_user(
        self,
        appid: str,
        *,
        openid: str | None = None,
        nickname: str = "微信用户",
        subscribed: bool = False,
        **fields: Any,
    ) -> User:
        user = User(
            openid=openid or new_id("o", 12),
            appid=appid,
            nickname=nickname,
            subscribed=subscribed,
            **fields,
        )
        if subscribed and not user.subscribe_time:
            user.subscribe_time = int(self.clock.now())
        self.users[user.openid] = user
        return user

    def app_users(self, appid: str) -> list[User]:
        return [user for user in self.users.values() if user.appid == appid]

    def issue_token(self, app: App, *, previous: str | None = None) -> str:
        now = self.clock.now()
        if previous and previous in self.tokens:
            old = self.tokens[previous]
            old.expires_at = min(old.expires_at, now + TOKEN_GRACE_SECONDS)
        token = new_id("ACCESS_TOKEN_", 24)
        self.tokens[token] = Token(app.appid, now + 7200)
        return token

    def record(
        self, kind: str, app: App, touser: str | list[str], payload: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        entry = {
            "id": self.next_number(),
            "kind": kind,
            "appid": app.appid,
            "touser": touser,
            "payload": payload,
            "at": int(self.clock.now()),
            # To the microsecond: tests check WeChat's rate limits over any window.
            "received_at": self.clock.now(),
            **extra,
        }
        self.outbox.append(entry)
        recipients = touser if isinstance(touser, list) else [touser]
        for openid in recipients:
            if openid in self.users:
                self.users[openid].feed.append(entry)
        return entry

    def grant_cs(self, user: User, grant: tuple[int, int]) -> None:
        count, seconds = grant
        user.grants.append(Grant(count, self.clock.now() + seconds))

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
