"""Member card: sign in through WeChat OAuth, bind a phone with an SMS code, get a card number.

The H5 session is an opaque id in Redis, like the console's; the openid comes only from the
server-side code exchange, never from a parameter (reliability SEC-5).
"""

import secrets
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from crm_core import audit, clock, jobs, security
from crm_core.db import unit_of_work
from crm_core.errors import ConflictError, NotFoundError, ValidationError
from crm_core.redis import get_redis
from members.models import Member
from members.service import _member_for
from sms_gateway.service import verification
from sms_gateway.service.messages import normalize_recipient
from wechat.service import accounts
from wechat.service import fans as wechat_fans

SESSION_KIND = "member"
SESSION_TTL = 7 * 86400
STATE_TTL = 600
PURPOSE = "member_card"


class OAuthStateError(ValidationError):
    status_code = 400
    code = "oauth_state_invalid"
    message = "登录已过期或来源不可信，请从公众号菜单重新进入"


class PhoneTakenError(ConflictError):
    code = "phone_already_bound"
    message = "该手机号已绑定其他会员，请联系门店处理"


class CardAlreadyBoundError(ConflictError):
    code = "card_already_bound"
    message = "您已开通会员卡，无需重复绑定"


class NoAccountError(NotFoundError):
    code = "no_official_account"
    message = "尚未配置公众号，无法进入会员中心"


@dataclass(frozen=True)
class CardView:
    member_id: int
    name: str
    phone_masked: str
    card_no: str | None


async def begin_sign_in(
    redirect_uri: str, appid: str | None, *, userinfo: bool = False
) -> tuple[str, str]:
    """(state, authorize URL). The state is stored once and bound to the browser's cookie.
    ``userinfo`` asks for the nickname and avatar (a consent page) instead of a silent sign-in."""
    appid = appid or await accounts.default_appid()
    if appid is None:
        raise NoAccountError()
    state = secrets.token_urlsafe(24)
    await get_redis().set(f"h5:oauth:{state}", appid, ex=STATE_TTL)
    scope = "snsapi_userinfo" if userinfo else "snsapi_base"
    return state, await accounts.oauth_authorize_url(appid, redirect_uri, state, scope=scope)


async def _take_state(state: str, cookie_state: str) -> str:
    if not state or not secrets.compare_digest(state, cookie_state or ""):
        raise OAuthStateError()
    appid = await get_redis().getdel(f"h5:oauth:{state}")
    if appid is None:
        raise OAuthStateError()
    return str(appid)


async def decline_sign_in(state: str, cookie_state: str) -> None:
    """The fan refused the consent page (WeChat returns the state without a code)."""
    await _take_state(state, cookie_state)


async def finish_sign_in(code: str, state: str, cookie_state: str) -> str:
    """Exchange the code once and open a member session; returns the session token."""
    appid = await _take_state(state, cookie_state)
    user = await accounts.user_for_code(appid, code)
    async with unit_of_work():
        member = await _member_for(appid, user.openid, user.unionid)
        if user.nickname:
            await wechat_fans.apply_oauth_profile(appid, user.openid, user.nickname)
            if not member.name:
                member.name = user.nickname
                await member.save(update_fields=["name"])
    token, _ = await security.create_session(member.id, kind=SESSION_KIND, ttl_seconds=SESSION_TTL)
    return token


async def member_of(token: str) -> tuple[int, str] | None:
    """(member id, CSRF token) of an H5 session, or None."""
    session = await security.load_session(token, kind=SESSION_KIND, ttl_seconds=SESSION_TTL)
    if session is None:
        return None
    # A member merged into another since signing in continues as that member.
    member = await Member.get_or_none(id=session.staff_id).only("id", "merged_into_id")
    merged_into = member.merged_into_id if member is not None else None
    return merged_into or session.staff_id, session.csrf_token


def mask(phone: str | None) -> str:
    """138****8000: the masked form shown anywhere but the owner's own records."""
    local = (phone or "").removeprefix("+86")
    return f"{local[:3]}****{local[-4:]}" if len(local) >= 7 else ""


async def card(member_id: int) -> CardView:
    member = await Member.get(id=member_id)
    return CardView(member.id, member.name, mask(member.phone), member.card_no)


async def send_code(member_id: int, phone: str, *, ip: str) -> None:
    member = await Member.get(id=member_id)
    if member.card_no:
        raise CardAlreadyBoundError()
    await verification.issue_code(phone, purpose=PURPOSE, ip=ip)


async def bind_card(member_id: int, phone: str, code: str) -> CardView:
    """Verify the code, then give the member this phone and a new card number."""
    number = normalize_recipient(phone)
    member = await Member.get(id=member_id)
    if member.card_no:
        raise CardAlreadyBoundError()
    if await Member.filter(phone=number).exclude(id=member_id).exists():
        raise PhoneTakenError()
    await verification.verify_code(number, code, purpose=PURPOSE)
    try:
        async with unit_of_work():
            member.phone, member.card_no = number, _card_number()
            member.card_bound_at = clock.utc_now()
            await member.save(update_fields=["phone", "card_no", "card_bound_at"])
            await audit.record(
                audit.Actor(None, f"member:{member.id}"),
                "member.card_bound",
                target_type="member",
                target_id=member.id,
                after={"phone": mask(number), "card_no": member.card_no},
            )
            jobs.enqueue("campaigns.on_card_bound", member_id=member.id)
            # The phone is verified now: link the CRM customer with it (crm_core/member_links).
            jobs.enqueue("members.link_customer", member_id=member.id)
    except IntegrityError as error:
        raise PhoneTakenError() from error
    return await card(member_id)


def _card_number() -> str:
    # 12 random digits after a fixed prefix: unguessable, and short enough to read out at a till.
    return "88" + f"{secrets.randbelow(10**12):012d}"
