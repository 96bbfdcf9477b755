"""What every member center page shares: the session, the brand look and one layout.

Upper packages (loyalty) add their templates and a summary for the home page here, so the
card page can show points and tier without members importing loyalty.
"""

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import FileSystemLoader
from starlette.staticfiles import StaticFiles

from crm_core import clock, security
from crm_core.errors import CSRFError
from crm_core.redis import get_redis
from members import card, center, rules

SESSION_COOKIE = "scrm_member"
# weui and the icons are vendored (no CDN: WeChat's in-app browser in a store's weak signal).
STATIC_DIR = Path(__file__).parent / "static"
WEUI_VERSION = "2.6.26"
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
static = StaticFiles(directory=STATIC_DIR)
templates.env.filters["when"] = lambda d: clock.to_local(d).strftime("%Y-%m-%d %H:%M") if d else ""
templates.env.filters["day"] = lambda d: clock.to_local(d).strftime("%Y-%m-%d") if d else ""
templates.env.filters["yuan"] = lambda fen: f"{fen / 100:.2f}".removesuffix(".00")
templates.env.tests["safe_link"] = rules.is_safe_link
templates.env.globals["weui_version"] = WEUI_VERSION
Summary = Callable[[int], Awaitable[dict[str, Any]]]
_summaries: list[Summary] = []
_profile_points: list[Callable[[], Awaitable[int]]] = []
# Links beside a purchase on the orders page (analytics: 评价): {order_id: (label, url)}.
OrderActions = Callable[[int, list[int]], Awaitable[dict[int, tuple[str, str]]]]
_order_actions: list[OrderActions] = []


def add_template_dir(path: Path) -> None:
    loader = templates.env.loader
    assert isinstance(loader, FileSystemLoader)
    if str(path) not in loader.searchpath:
        loader.searchpath.append(str(path))


def add_static_dir(path: Path) -> None:
    """Upper packages' scripts, served under /h5/static beside the shared ones."""
    if path not in map(Path, static.all_directories):
        static.all_directories.append(path)


def add_summary(provider: Summary) -> None:
    if provider not in _summaries:
        _summaries.append(provider)


def set_profile_points(provider: Callable[[], Awaitable[int]]) -> None:
    """The points a profile field earns when no reward is set for it (loyalty's programme)."""
    _profile_points[:] = [provider]


async def profile_points() -> int:
    return await _profile_points[0]() if _profile_points else 0


def add_order_actions(provider: OrderActions) -> None:
    if provider not in _order_actions:
        _order_actions.append(provider)


async def order_actions(member_id: int, order_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    merged: dict[int, list[tuple[str, str]]] = {}
    for provider in _order_actions:
        for order_id, action in (await provider(member_id, order_ids)).items():
            merged.setdefault(order_id, []).append(action)
    return merged


async def summary(member_id: int) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for provider in _summaries:
        merged.update(await provider(member_id))
    return merged


async def session_of(request: Request) -> tuple[int, str] | None:
    """(member id, CSRF token) of the signed-in member, or None."""
    return await card.member_of(request.cookies.get(SESSION_COOKIE, ""))


@dataclass(frozen=True)
class MemberSession:
    member_id: int
    csrf_token: str


class SignInRequiredError(Exception):
    """Raised by the `Me` dependency; answered with a redirect to the card page's sign-in."""


async def _me(request: Request) -> MemberSession:
    session = await session_of(request)
    if session is None:
        raise SignInRequiredError()
    return MemberSession(*session)


Me = Annotated[MemberSession, Depends(_me)]


def install(app: FastAPI) -> None:
    async def on_sign_in_required(request: Request, error: Exception) -> Response:
        return to_sign_in()

    app.add_exception_handler(SignInRequiredError, on_sign_in_required)
    app.mount("/h5/static", static, name="h5-static")


async def member_for_post(request: Request, csrf_token: str) -> int:
    session = await session_of(request)
    if session is None or not security.csrf_matches(session[1], csrf_token):
        raise CSRFError()
    return session[0]


def to_sign_in() -> RedirectResponse:
    return RedirectResponse("/h5/member", status_code=303)


def _flash_key(request: Request) -> str:
    token = request.cookies.get(SESSION_COOKIE, "")
    return "h5:flash:" + hashlib.sha256(token.encode()).hexdigest()[:32]


async def redirect_with(
    request: Request, url: str, *, notice: str = "", error: str = ""
) -> RedirectResponse:
    """Post/redirect/get with the outcome kept server-side for the next page, so a crafted
    link cannot put words in the brand's mouth."""
    await get_redis().set(
        _flash_key(request), json.dumps({"notice": notice, "error": error}), ex=60
    )
    return RedirectResponse(url, status_code=303)


async def page(
    request: Request, template: str, *, csrf_token: str = "", status: int = 200, **context: Any
) -> HTMLResponse:
    flashed = await get_redis().getdel(_flash_key(request)) if csrf_token else None
    if flashed:
        kept = json.loads(flashed)
        context["notice"] = kept["notice"] or context.get("notice", "")
        context["error"] = kept["error"] or context.get("error", "")
    context.update(theme=await center.theme(), csrf_token=csrf_token, path=request.url.path)
    return templates.TemplateResponse(request, template, context, status_code=status)
