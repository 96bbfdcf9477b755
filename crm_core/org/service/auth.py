"""Login, sessions and the principal behind a session or token."""

from crm_core import audit, clock, security
from crm_core.audit import Actor
from crm_core.config import get_settings
from crm_core.errors import InvalidCredentialsError, NotAuthenticatedError
from crm_core.org import repository, rules
from crm_core.org.errors import AccountDisabledError
from crm_core.org.models import Staff
from crm_core.org.schemas import MeRead, NavEntry, PermissionRead, RoleBrief, SessionRead
from crm_core.permissions import ACTION_LABELS, RESOURCES, Principal
from crm_core.web.nav import visible_nav

USERNAME_MAX_LENGTH = 64  # Staff.username


def _throttle() -> security.LoginThrottle:
    auth = get_settings().auth
    return security.LoginThrottle(auth.max_failed_logins, auth.lockout_seconds)


async def authenticate(username: str, password: str, *, ip: str, user_agent: str) -> Staff:
    if len(username) > USERNAME_MAX_LENGTH:
        raise InvalidCredentialsError()  # no such account can exist: nothing to count or audit
    throttle = _throttle()
    await throttle.take(username, ip)
    staff = await Staff.get_or_none(username=username)
    actor = Actor(id=staff.id if staff else None, name=username[:64], ip=ip, user_agent=user_agent)
    if not security.verify_password(staff.password_hash if staff else None, password):
        await audit.record(actor, "auth.login_failed", target_type="staff", target_id=username)
        raise InvalidCredentialsError()
    assert staff is not None
    if not staff.is_active:
        await audit.record(actor, "auth.login_refused", target_type="staff", target_id=staff.id)
        raise AccountDisabledError()
    await throttle.succeeded(username, ip)
    staff.last_login_at = clock.utc_now()
    update = ["last_login_at"]
    if security.needs_rehash(staff.password_hash):
        staff.password_hash = security.hash_password(password)
        update.append("password_hash")
    await staff.save(update_fields=update)
    await audit.record(actor, "auth.login", target_type="staff", target_id=staff.id)
    return staff


async def principal_for(staff_id: int, *, ip: str = "", user_agent: str = "") -> Principal | None:
    staff = await Staff.get_or_none(id=staff_id, is_active=True).prefetch_related("roles")
    if staff is None:
        return None
    roles = list(staff.roles)
    permissions = frozenset(p for role in roles for p in role.permissions)
    scope = rules.widest_scope(role.data_scope for role in roles)
    department_id = staff.department_id  # type: ignore[attr-defined]
    parents = await repository.department_parents() if scope == "subtree" else {}
    return Principal(
        staff_id=staff.id,
        username=staff.username,
        name=staff.name,
        department_id=department_id,
        store_id=staff.store_id,  # type: ignore[attr-defined]
        permissions=permissions,
        data_scope=scope.value,
        department_ids=rules.visible_departments(scope, department_id, parents),
        ip=ip,
        user_agent=user_agent,
    )


async def logout(principal: Principal, token: str, *, kind: str) -> None:
    await security.delete_session(token, kind=kind)
    await audit.record(
        Actor(principal.staff_id, principal.username, principal.ip, principal.user_agent),
        "auth.logout",
        target_type="staff",
        target_id=principal.staff_id,
    )


async def issue_token(staff_id: int, *, ttl_seconds: int) -> str:
    token, _ = await security.create_session(staff_id, kind="api", ttl_seconds=ttl_seconds)
    return token


async def open_console_session(staff_id: int, *, ttl_seconds: int) -> tuple[str, str]:
    """Return (session token, CSRF token) for the admin console cookie."""
    token, data = await security.create_session(staff_id, kind="console", ttl_seconds=ttl_seconds)
    return token, data.csrf_token


async def open_session(
    username: str, password: str, *, ip: str, user_agent: str, ttl_seconds: int
) -> tuple[str, SessionRead]:
    """Log in to the console (the SPA's JSON login): the cookie token and the session's view."""
    staff = await authenticate(username, password, ip=ip, user_agent=user_agent)
    token, csrf_token = await open_console_session(staff.id, ttl_seconds=ttl_seconds)
    principal = await principal_for(staff.id, ip=ip, user_agent=user_agent)
    if principal is None:
        raise AccountDisabledError()  # disabled between the password check and now
    return token, SessionRead(csrf_token=csrf_token, me=await read_me(principal))


async def read_me(principal: Principal) -> MeRead:
    staff = await Staff.get_or_none(id=principal.staff_id).prefetch_related("roles", "store")
    if staff is None:
        raise NotAuthenticatedError("账号已停用或不存在")
    store = staff.store
    return MeRead(
        id=staff.id,
        username=principal.username,
        name=principal.name,
        permissions=sorted(principal.permissions),
        data_scope=principal.data_scope,
        roles=[RoleBrief.model_validate(role) for role in sorted(staff.roles, key=lambda r: r.id)],
        store_id=store.id if store else None,
        store_name=store.name if store else None,
        nav=[
            NavEntry(
                group=item.group_zh,
                label=item.label_zh,
                path=item.href,
                icon=item.icon,
                permission=item.permission,
            )
            for item in visible_nav(principal)
        ],
    )


def permission_catalogue() -> list[PermissionRead]:
    """Every grantable permission with its Chinese labels, in the role editor's order."""
    return [
        PermissionRead(
            code=f"{resource.code}:{action}",
            label=f"{ACTION_LABELS[action][0]}{resource.label_zh}",
            group=resource.group_zh,
            resource=resource.code,
            resource_label=resource.label_zh,
            action=action.value,
            action_label=ACTION_LABELS[action][0],
        )
        for resource in RESOURCES.values()
        for action in resource.actions
    ]


async def dashboard_counts(principal: Principal) -> dict[str, int]:
    counts: dict[str, int] = {}
    if principal.can("org.staff:view"):
        counts["staff"] = await repository.staff(principal).filter(is_active=True).count()
        counts["guides"] = await repository.staff(principal).filter(is_guide=True).count()
    if principal.can("org.store:view"):
        counts["stores"] = await repository.stores(principal).count()
    if principal.can("org.department:view"):
        counts["departments"] = await repository.departments(principal).count()
    return counts
