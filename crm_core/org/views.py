"""Admin console pages for login, organisation, stores and the audit log; thin like api.py."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crm_core.config import get_settings
from crm_core.errors import CRMError
from crm_core.exports import csv_response
from crm_core.http import clear_session_cookie, client_ip, set_session_cookie
from crm_core.org.models import StoreStatus
from crm_core.org.schemas import (
    DepartmentCreate,
    DepartmentUpdate,
    PasswordReset,
    PositionCreate,
    RoleCreate,
    RoleUpdate,
    StaffCreate,
    StaffMove,
    StaffUpdate,
    StoreCreate,
    StoreUpdate,
)
from crm_core.org.service import audit_log as audit_service
from crm_core.org.service import auth, departments, exports, positions, roles, staff, stores
from crm_core.permissions import ACTION_LABELS, RESOURCES, Principal
from crm_core.validation import Id, PageNumber, id_or_none
from crm_core.web.console import (
    LANG_COOKIE,
    LOGIN_COOKIE,
    attempt,
    check_csrf,
    check_login_csrf,
    console_principal,
    keep_login_cookie,
    login_form,
    need,
    redirect,
    render,
)

router = APIRouter(prefix="/admin", include_in_schema=False)
Console = Annotated[Principal, Depends(console_principal)]
SCOPE_LABELS = roles.SCOPE_LABELS
AUDIT_ACTIONS = {
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.login_refused": "停用账号尝试登录",
    "auth.logout": "退出",
    "department.create": "新建部门",
    "department.update": "修改部门",
    "department.delete": "删除部门",
    "position.create": "新建岗位",
    "position.update": "修改岗位",
    "position.delete": "删除岗位",
    "role.create": "新建角色",
    "role.update": "修改角色权限",
    "role.delete": "删除角色",
    "staff.create": "新建员工",
    "staff.update": "修改员工",
    "staff.move": "调整部门",
    "staff.enable": "启用账号",
    "staff.disable": "停用账号",
    "staff.reset_password": "重置密码",
    "staff.create_superuser": "创建管理员",
    "store.create": "新建门店",
    "store.update": "修改门店",
    "store.delete": "删除门店",
    "demo.seed": "导入演示数据",
    "staff.export": "导出员工",
    "store.export": "导出门店",
    "audit.export": "导出审计日志",
    "role.defaults_added": "内置角色新增默认权限",
    "role.description_translated": "内置角色说明改为中文",
    "member.merge": "合并会员",
    "member.merge_undo": "撤销合并会员",
    "member.profile_update": "修改会员资料",
    "member.profile_reward_set": "设置资料奖励",
}
STATUS_LABELS = {
    StoreStatus.PREPARING: "筹备中",
    StoreStatus.OPEN: "营业中",
    StoreStatus.SUSPENDED: "暂停营业",
    StoreStatus.CLOSED: "已闭店",
}


def _safe_next(url: str) -> str:
    # Only local paths: no open redirect after login.
    return url if url.startswith(("/admin", "/h5/")) and not url.startswith("//") else "/admin"


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str = "/admin") -> Response:
    pre_session, token = login_form(request)
    response = await render(
        request, "login.html", next=_safe_next(next), error="", login_csrf=token
    )
    keep_login_cookie(response, pre_session)
    return response


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    next_url = _safe_next(str(form.get("next", "/admin")))
    pre_session, token = login_form(request)
    try:
        check_login_csrf(request, str(form.get("csrf_token", "")))
        user = await auth.authenticate(
            username,
            password,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    except CRMError as error:
        page = await render(
            request,
            "login.html",
            status_code=error.status_code,
            next=next_url,
            error=error.detail,
            username=username,
            login_csrf=token,
        )
        keep_login_cookie(page, pre_session)
        return page
    ttl = get_settings().auth.session_ttl_seconds
    token, _ = await auth.open_console_session(user.id, ttl_seconds=ttl)
    response = redirect(next_url)
    response.delete_cookie(LOGIN_COOKIE, path="/admin/login")
    set_session_cookie(response, token, ttl)
    return response


@router.post("/logout")
async def logout(request: Request, principal: Console) -> Response:
    await check_csrf(request)
    await auth.logout(principal, request.state.session_token, kind="console")
    response = redirect("/admin/login")
    clear_session_cookie(response)
    return response


@router.get("/lang/{lang}")
async def switch_language(lang: str, request: Request) -> Response:
    back = _safe_next(request.headers.get("referer", "/admin").split(request.url.netloc, 1)[-1])
    response = redirect(back)
    response.set_cookie(
        LANG_COOKIE, "en" if lang == "en" else "zh", max_age=365 * 86400, samesite="lax"
    )
    return response


@router.get("", response_class=HTMLResponse)
async def dashboard(request: Request, principal: Console) -> Response:
    counts = await auth.dashboard_counts(principal)
    return await render(request, "dashboard.html", counts=counts)


@router.get("/departments", response_class=HTMLResponse)
async def department_page(request: Request, principal: Console) -> Response:
    need(principal, "org.department:view")
    rows = await departments.list_departments(principal)
    return await render(request, "departments.html", tree=departments.as_tree(rows), all=rows)


@router.post("/departments")
async def department_create(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "org.department:create")
    form = await check_csrf(request)
    return await attempt(
        request,
        lambda: departments.create_department(
            principal,
            DepartmentCreate(
                **form.values("name", "parent_id", "sort_order", ints=("parent_id", "sort_order"))
            ),
        ),
        ok="部门已创建",
        back="/admin/departments",
        form=form,
    )


@router.post("/departments/{department_id}")
async def department_update(
    department_id: Id, request: Request, principal: Console
) -> RedirectResponse:
    need(principal, "org.department:edit")
    form = await check_csrf(request)
    values = form.values("name", "parent_id", "sort_order", ints=("parent_id", "sort_order"))
    values["move"] = True
    values.setdefault("parent_id", None)
    return await attempt(
        request,
        lambda: departments.update_department(principal, department_id, DepartmentUpdate(**values)),
        ok="部门已保存",
        back="/admin/departments",
    )


@router.post("/departments/{department_id}/delete")
async def department_delete(
    department_id: Id, request: Request, principal: Console
) -> RedirectResponse:
    need(principal, "org.department:delete")
    await check_csrf(request)
    return await attempt(
        request,
        lambda: departments.delete_department(principal, department_id),
        ok="部门已删除",
        back="/admin/departments",
    )


@router.get("/positions", response_class=HTMLResponse)
async def position_page(request: Request, principal: Console) -> Response:
    need(principal, "org.position:view")
    return await render(request, "positions.html", rows=await positions.list_positions())


@router.post("/positions")
async def position_create(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "org.position:create")
    form = await check_csrf(request)
    return await attempt(
        request,
        lambda: positions.create_position(
            principal, PositionCreate(**form.values("name", "description"))
        ),
        ok="岗位已创建",
        back="/admin/positions",
        form=form,
    )


@router.post("/positions/{position_id}/delete")
async def position_delete(
    position_id: Id, request: Request, principal: Console
) -> RedirectResponse:
    need(principal, "org.position:delete")
    await check_csrf(request)
    return await attempt(
        request,
        lambda: positions.delete_position(principal, position_id),
        ok="岗位已删除",
        back="/admin/positions",
    )


async def _staff_choices(principal: Principal) -> dict[str, Any]:
    return {
        "departments": await departments.list_departments(principal),
        "positions": await positions.list_positions(),
        "roles": await roles.assignable_roles(principal),
        "stores": (await stores.list_stores(principal, page_size=200)).items,
        "default_department": principal.department_id,
        "all_roles": await roles.list_roles(),
    }


@router.get("/staff", response_class=HTMLResponse)
async def staff_page(
    request: Request,
    principal: Console,
    keyword: Annotated[str, Query(max_length=64)] = "",
    department_id: str = "",
    page: PageNumber = 1,
) -> Response:
    need(principal, "org.staff:view")
    department = id_or_none(department_id)
    result = await staff.list_staff(
        principal, keyword=keyword, department_id=department, page=page, page_size=30
    )
    return await render(
        request,
        "staff.html",
        result=result,
        keyword=keyword,
        department_id=department,
        guides_only=False,
        **await _staff_choices(principal),
    )


@router.get("/guides", response_class=HTMLResponse)
async def guide_page(request: Request, principal: Console) -> Response:
    need(principal, "org.staff:view")
    result = await staff.list_guides(principal)
    return await render(request, "guides.html", rows=result, **await _staff_choices(principal))


@router.post("/staff")
async def staff_create(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "org.staff:create")
    form = await check_csrf(request)
    values = form.values(
        "username",
        "name",
        "password",
        "phone",
        "email",
        "department_id",
        "position_id",
        "store_id",
        "is_guide",
        ints=("department_id", "position_id", "store_id"),
        bools=("is_guide",),
    )
    values["role_ids"] = [int(v) for v in form.list("role_ids") if v.isdecimal()]
    return await attempt(
        request,
        lambda: staff.create_staff(principal, StaffCreate(**values)),
        ok="员工已创建",
        back="/admin/staff",
        form=form,
    )


@router.get("/staff/{staff_id}", response_class=HTMLResponse)
async def staff_detail(staff_id: Id, request: Request, principal: Console) -> Response:
    need(principal, "org.staff:view")
    member = await staff.read_staff(principal, staff_id)
    return await render(
        request, "staff_detail.html", member=member, **await _staff_choices(principal)
    )


@router.post("/staff/{staff_id}")
async def staff_update(staff_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "org.staff:edit")
    form = await check_csrf(request)
    values = form.values(
        "name",
        "phone",
        "email",
        "position_id",
        "store_id",
        "is_guide",
        ints=("position_id", "store_id"),
        bools=("is_guide",),
    )
    values["clear_store"] = "store_id" not in values
    values["role_ids"] = [int(v) for v in form.list("role_ids") if v.isdecimal()]
    back = f"/admin/staff/{staff_id}"
    return await attempt(
        request,
        lambda: staff.update_staff(principal, staff_id, StaffUpdate(**values)),
        ok="员工信息已保存",
        back=back,
    )


@router.post("/staff/{staff_id}/move")
async def staff_move(staff_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "org.staff:assign")
    form = await check_csrf(request)
    return await attempt(
        request,
        lambda: staff.move_staff(
            principal, staff_id, StaffMove(**form.values("department_id", ints=("department_id",)))
        ),
        ok="已调整部门",
        back=f"/admin/staff/{staff_id}",
    )


@router.post("/staff/{staff_id}/active")
async def staff_active(staff_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "org.staff:edit")
    form = await check_csrf(request)
    active = form.get("active") == "1"
    return await attempt(
        request,
        lambda: staff.set_staff_active(principal, staff_id, active),
        ok="账号已启用" if active else "账号已停用",
        back=f"/admin/staff/{staff_id}",
    )


@router.post("/staff/{staff_id}/password")
async def staff_password(staff_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "org.staff:edit")
    form = await check_csrf(request)
    return await attempt(
        request,
        lambda: staff.reset_password(
            principal, staff_id, PasswordReset(password=form.get("password"))
        ),
        ok="密码已重置，该员工的所有登录已失效",
        back=f"/admin/staff/{staff_id}",
    )


@router.get("/roles", response_class=HTMLResponse)
async def role_page(request: Request, principal: Console) -> Response:
    need(principal, "org.role:view")
    return await render(request, "roles.html", rows=await roles.list_roles(), scopes=SCOPE_LABELS)


def _role_form_context() -> dict[str, Any]:
    return {
        "resources": list(RESOURCES.values()),
        "action_labels": ACTION_LABELS,
        "scopes": SCOPE_LABELS,
    }


@router.get("/roles/new", response_class=HTMLResponse)
async def role_new(request: Request, principal: Console) -> Response:
    need(principal, "org.role:create")
    return await render(request, "role_form.html", role=None, **_role_form_context())


@router.post("/roles")
async def role_create(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "org.role:create")
    form = await check_csrf(request)
    values = form.values("code", "name", "description", "data_scope")
    values["permissions"] = form.list("permissions")
    return await attempt(
        request,
        lambda: roles.create_role(principal, RoleCreate(**values)),
        ok="角色已创建",
        back="/admin/roles/new",
        done="/admin/roles",
        form=form,
    )


@router.get("/roles/{role_id}", response_class=HTMLResponse)
async def role_detail(role_id: Id, request: Request, principal: Console) -> Response:
    need(principal, "org.role:view")
    role = await roles.get_role(role_id)
    return await render(request, "role_form.html", role=role, **_role_form_context())


@router.post("/roles/{role_id}")
async def role_update(role_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "org.role:edit")
    form = await check_csrf(request)
    values = form.values("name", "description", "data_scope")
    values["permissions"] = form.list("permissions")
    if (await roles.get_role(role_id)).code == "admin":
        values = {k: v for k, v in values.items() if k in {"name", "description"}}
    return await attempt(
        request,
        lambda: roles.update_role(principal, role_id, RoleUpdate(**values)),
        ok="角色已保存",
        back=f"/admin/roles/{role_id}",
    )


@router.post("/roles/{role_id}/delete")
async def role_delete(role_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "org.role:delete")
    await check_csrf(request)
    return await attempt(
        request,
        lambda: roles.delete_role(principal, role_id),
        ok="角色已删除",
        back=f"/admin/roles/{role_id}",
        done="/admin/roles",
    )


@router.get("/stores", response_class=HTMLResponse)
async def store_page(
    request: Request,
    principal: Console,
    keyword: Annotated[str, Query(max_length=64)] = "",
    status: str = "",
    page: PageNumber = 1,
) -> Response:
    need(principal, "org.store:view")
    chosen = StoreStatus(status) if status in StoreStatus.__members__.values() else None
    result = await stores.list_stores(
        principal, keyword=keyword, status=chosen, page=page, page_size=30
    )
    return await render(
        request,
        "stores.html",
        result=result,
        keyword=keyword,
        status=status,
        statuses=STATUS_LABELS,
        **await _staff_choices(principal),
    )


@router.post("/stores")
async def store_create(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "org.store:create")
    form = await check_csrf(request)
    values = form.values(
        "code",
        "name",
        "province",
        "city",
        "district",
        "address",
        "phone",
        "status",
        "department_id",
        "manager_id",
        ints=("department_id", "manager_id"),
    )
    return await attempt(
        request,
        lambda: stores.create_store(principal, StoreCreate(**values)),
        ok="门店已创建",
        back="/admin/stores",
        form=form,
    )


@router.get("/stores/{store_id}", response_class=HTMLResponse)
async def store_detail(store_id: Id, request: Request, principal: Console) -> Response:
    need(principal, "org.store:view")
    store = await stores.get_store(principal, store_id)
    guides = await staff.list_guides(principal, store_id=store_id)
    return await render(
        request,
        "store_detail.html",
        store=store,
        statuses=STATUS_LABELS,
        guides=guides,
        **await _staff_choices(principal),
    )


@router.post("/stores/{store_id}")
async def store_update(store_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "org.store:edit")
    form = await check_csrf(request)
    values = form.values(
        "name",
        "province",
        "city",
        "district",
        "address",
        "phone",
        "status",
        "department_id",
        "manager_id",
        ints=("department_id", "manager_id"),
    )
    return await attempt(
        request,
        lambda: stores.update_store(principal, store_id, StoreUpdate(**values)),
        ok="门店已保存",
        back=f"/admin/stores/{store_id}",
    )


@router.post("/stores/{store_id}/delete")
async def store_delete(store_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "org.store:delete")
    await check_csrf(request)
    return await attempt(
        request,
        lambda: stores.delete_store(principal, store_id),
        ok="门店已删除",
        back=f"/admin/stores/{store_id}",
        done="/admin/stores",
    )


@router.get("/audit", response_class=HTMLResponse)
async def audit_page(
    request: Request,
    principal: Console,
    action: Annotated[str, Query(max_length=64)] = "",
    actor: Annotated[str, Query(max_length=64)] = "",
    page: PageNumber = 1,
) -> Response:
    need(principal, "system.audit:view")
    result = await audit_service.list_entries(action=action, actor=actor, page=page, page_size=50)
    return await render(
        request,
        "audit.html",
        result=result,
        action=action,
        actor=actor,
        action_labels=AUDIT_ACTIONS,
    )


@router.get("/exports/staff.csv")
async def staff_export(principal: Console) -> Response:
    need(principal, "org.staff:export")
    return csv_response(await exports.export_staff(principal), "staff.csv")


@router.get("/exports/stores.csv")
async def store_export(principal: Console) -> Response:
    need(principal, "org.store:export")
    return csv_response(await exports.export_stores(principal), "stores.csv")


@router.get("/exports/audit.csv")
async def audit_export(
    principal: Console, action: Annotated[str, Query(max_length=64)] = ""
) -> Response:
    need(principal, "system.audit:export")
    return csv_response(await exports.export_audit(principal, action=action), "audit.csv")
