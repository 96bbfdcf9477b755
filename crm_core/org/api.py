"""JSON API for the organisation: one short function per endpoint."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from crm_core.config import get_settings
from crm_core.exports import csv_response, export_response
from crm_core.http import (
    ApiPrincipal,
    BearerPrincipal,
    SessionPrincipal,
    check_json_login,
    clear_session_cookie,
    client_ip,
    require,
    set_session_cookie,
)
from crm_core.org.models import StoreStatus
from crm_core.org.schemas import (
    AuditRead,
    DepartmentCreate,
    DepartmentRead,
    DepartmentUpdate,
    LoginRequest,
    MeRead,
    Page,
    PasswordReset,
    PermissionCatalogRead,
    PermissionRead,
    PositionCreate,
    PositionRead,
    RoleCreate,
    RoleRead,
    RoleUpdate,
    SessionRead,
    StaffCreate,
    StaffMove,
    StaffRead,
    StaffUpdate,
    StoreCreate,
    StoreRead,
    StoreUpdate,
    TokenRead,
)
from crm_core.org.service import audit_log as audit_service
from crm_core.org.service import auth, departments, exports, positions, roles, staff, stores
from crm_core.permissions import Principal
from crm_core.validation import Id, PageNumber, PageSize

router = APIRouter(prefix="/api/v1")


def can(permission: str) -> Principal:
    return Depends(require(permission))  # type: ignore[no-any-return]


@router.post("/auth/token", response_model=TokenRead, tags=["auth"])
async def login(body: LoginRequest, request: Request) -> TokenRead:
    user = await auth.authenticate(
        body.username,
        body.password,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    ttl = get_settings().auth.token_ttl_seconds
    token = await auth.issue_token(user.id, ttl_seconds=ttl)
    return TokenRead(access_token=token, expires_in=ttl)


@router.delete("/auth/token", status_code=204, tags=["auth"])
async def logout(principal: BearerPrincipal, request: Request) -> Response:
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    await auth.logout(principal, token, kind="api")
    return Response(status_code=204)


@router.post(
    "/auth/session",
    response_model=SessionRead,
    tags=["auth"],
    dependencies=[Depends(check_json_login)],
)
async def open_session(body: LoginRequest, request: Request, response: Response) -> SessionRead:
    ttl = get_settings().auth.session_ttl_seconds
    token, session = await auth.open_session(
        body.username,
        body.password,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
        ttl_seconds=ttl,
    )
    set_session_cookie(response, token, ttl)
    return session


@router.get("/auth/session", response_model=SessionRead, tags=["auth"])
async def read_session(principal: SessionPrincipal, request: Request) -> SessionRead:
    return SessionRead(csrf_token=request.state.csrf_token, me=await auth.read_me(principal))


@router.delete("/auth/session", status_code=204, tags=["auth"])
async def close_session(principal: SessionPrincipal, request: Request) -> Response:
    await auth.logout(principal, request.state.session_token, kind="console")
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response


@router.get("/me", response_model=MeRead, tags=["auth"])
async def me(principal: ApiPrincipal) -> MeRead:
    return await auth.read_me(principal)


@router.get("/permissions", response_model=list[PermissionRead], tags=["auth"])
async def list_permissions(principal: ApiPrincipal) -> list[PermissionRead]:
    return auth.permission_catalogue()


@router.get("/departments", response_model=list[DepartmentRead], tags=["org"])
async def list_departments(p: Principal = can("org.department:view")) -> list[DepartmentRead]:
    return await departments.list_departments(p)


@router.post("/departments", status_code=201, response_model=DepartmentRead, tags=["org"])
async def create_department(
    body: DepartmentCreate, p: Principal = can("org.department:create")
) -> DepartmentRead:
    return await departments.create_department(p, body)


@router.patch("/departments/{department_id}", response_model=DepartmentRead, tags=["org"])
async def update_department(
    department_id: Id, body: DepartmentUpdate, p: Principal = can("org.department:edit")
) -> DepartmentRead:
    return await departments.update_department(p, department_id, body)


@router.delete("/departments/{department_id}", status_code=204, tags=["org"])
async def delete_department(
    department_id: Id, p: Principal = can("org.department:delete")
) -> Response:
    await departments.delete_department(p, department_id)
    return Response(status_code=204)


@router.get("/positions", response_model=list[PositionRead], tags=["org"])
async def list_positions(p: Principal = can("org.position:view")) -> list[PositionRead]:
    return await positions.list_positions()


@router.post("/positions", status_code=201, response_model=PositionRead, tags=["org"])
async def create_position(
    body: PositionCreate, p: Principal = can("org.position:create")
) -> PositionRead:
    return await positions.create_position(p, body)


@router.put("/positions/{position_id}", response_model=PositionRead, tags=["org"])
async def update_position(
    position_id: Id, body: PositionCreate, p: Principal = can("org.position:edit")
) -> PositionRead:
    return await positions.update_position(p, position_id, body)


@router.delete("/positions/{position_id}", status_code=204, tags=["org"])
async def delete_position(position_id: Id, p: Principal = can("org.position:delete")) -> Response:
    await positions.delete_position(p, position_id)
    return Response(status_code=204)


@router.get("/roles/catalog", response_model=PermissionCatalogRead, tags=["org"])
async def permission_catalog(p: Principal = can("org.role:view")) -> PermissionCatalogRead:
    """The role editor's choices: resources with their actions, and the data scopes."""
    return roles.permission_catalog()


@router.get("/roles/{role_id}", response_model=RoleRead, tags=["org"])
async def read_role(role_id: Id, p: Principal = can("org.role:view")) -> RoleRead:
    return RoleRead.model_validate(await roles.get_role(role_id))


@router.get("/roles", response_model=list[RoleRead], tags=["org"])
async def list_roles(p: Principal = can("org.role:view")) -> list[RoleRead]:
    return await roles.list_roles()


@router.post("/roles", status_code=201, response_model=RoleRead, tags=["org"])
async def create_role(body: RoleCreate, p: Principal = can("org.role:create")) -> RoleRead:
    return await roles.create_role(p, body)


@router.patch("/roles/{role_id}", response_model=RoleRead, tags=["org"])
async def update_role(
    role_id: Id, body: RoleUpdate, p: Principal = can("org.role:edit")
) -> RoleRead:
    return await roles.update_role(p, role_id, body)


@router.delete("/roles/{role_id}", status_code=204, tags=["org"])
async def delete_role(role_id: Id, p: Principal = can("org.role:delete")) -> Response:
    await roles.delete_role(p, role_id)
    return Response(status_code=204)


@router.get("/staff", response_model=Page[StaffRead], tags=["org"])
async def list_staff(
    keyword: Annotated[str, Query(max_length=64)] = "",
    q: Annotated[str, Query(max_length=64)] = "",
    department_id: Id | None = None,
    active: bool | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
    p: Principal = can("org.staff:view"),
) -> Page[StaffRead]:
    """`q` (or `keyword`): part of the name or the login name."""
    return await staff.list_staff(
        p,
        keyword=q or keyword,
        department_id=department_id,
        active=active,
        page=page,
        page_size=page_size,
    )


@router.get("/staff/{staff_id}", response_model=StaffRead, tags=["org"])
async def read_staff(staff_id: Id, p: Principal = can("org.staff:view")) -> StaffRead:
    return await staff.read_staff(p, staff_id)


@router.post("/staff", status_code=201, response_model=StaffRead, tags=["org"])
async def create_staff(body: StaffCreate, p: Principal = can("org.staff:create")) -> StaffRead:
    return await staff.create_staff(p, body)


@router.patch("/staff/{staff_id}", response_model=StaffRead, tags=["org"])
async def update_staff(
    staff_id: Id, body: StaffUpdate, p: Principal = can("org.staff:edit")
) -> StaffRead:
    return await staff.update_staff(p, staff_id, body)


@router.post("/staff/{staff_id}/move", response_model=StaffRead, tags=["org"])
async def move_staff(
    staff_id: Id, body: StaffMove, p: Principal = can("org.staff:assign")
) -> StaffRead:
    return await staff.move_staff(p, staff_id, body)


@router.post("/staff/{staff_id}/disable", response_model=StaffRead, tags=["org"])
async def disable_staff(staff_id: Id, p: Principal = can("org.staff:edit")) -> StaffRead:
    return await staff.set_staff_active(p, staff_id, False)


@router.post("/staff/{staff_id}/enable", response_model=StaffRead, tags=["org"])
async def enable_staff(staff_id: Id, p: Principal = can("org.staff:edit")) -> StaffRead:
    return await staff.set_staff_active(p, staff_id, True)


@router.post("/staff/{staff_id}/password", status_code=204, tags=["org"])
async def reset_password(
    staff_id: Id, body: PasswordReset, p: Principal = can("org.staff:edit")
) -> Response:
    await staff.reset_password(p, staff_id, body)
    return Response(status_code=204)


@router.get("/guides", response_model=list[StaffRead], tags=["org"])
async def list_guides(
    store_id: Id | None = None, p: Principal = can("org.staff:view")
) -> list[StaffRead]:
    """The guides in the caller's data scope, by store (the guides page)."""
    return await staff.list_guides(p, store_id=store_id)


@router.get("/stores", response_model=Page[StoreRead], tags=["org"])
async def list_stores(
    keyword: Annotated[str, Query(max_length=64)] = "",
    q: Annotated[str, Query(max_length=64)] = "",
    status: StoreStatus | None = None,
    city: Annotated[str, Query(max_length=32)] = "",
    page: PageNumber = 1,
    page_size: PageSize = 50,
    p: Principal = can("org.store:view"),
) -> Page[StoreRead]:
    """`q` (or `keyword`): part of the store's name or code."""
    return await stores.list_stores(
        p, keyword=q or keyword, status=status, city=city, page=page, page_size=page_size
    )


@router.get("/stores/{store_id}", response_model=StoreRead, tags=["org"])
async def read_store(store_id: Id, p: Principal = can("org.store:view")) -> StoreRead:
    return StoreRead.model_validate(await stores.get_store(p, store_id))


@router.get("/stores/{store_id}/guides", response_model=list[StaffRead], tags=["org"])
async def list_store_guides(store_id: Id, p: Principal = can("org.store:view")) -> list[StaffRead]:
    await stores.get_store(p, store_id)
    return await staff.list_guides(p, store_id=store_id)


@router.post("/stores", status_code=201, response_model=StoreRead, tags=["org"])
async def create_store(body: StoreCreate, p: Principal = can("org.store:create")) -> StoreRead:
    return await stores.create_store(p, body)


@router.patch("/stores/{store_id}", response_model=StoreRead, tags=["org"])
async def update_store(
    store_id: Id, body: StoreUpdate, p: Principal = can("org.store:edit")
) -> StoreRead:
    return await stores.update_store(p, store_id, body)


@router.delete("/stores/{store_id}", status_code=204, tags=["org"])
async def delete_store(store_id: Id, p: Principal = can("org.store:delete")) -> Response:
    await stores.delete_store(p, store_id)
    return Response(status_code=204)


@router.get("/audit", response_model=Page[AuditRead], tags=["system"])
async def list_audit(
    action: Annotated[str, Query(max_length=64)] = "",
    actor: Annotated[str, Query(max_length=64)] = "",
    page: PageNumber = 1,
    page_size: PageSize = 50,
    p: Principal = can("system.audit:view"),
) -> Page[AuditRead]:
    return await audit_service.list_entries(
        action=action, actor=actor, page=page, page_size=page_size
    )


@router.get("/exports/staff.csv", tags=["exports"], response_class=Response)
async def export_staff(p: Principal = can("org.staff:export")) -> Response:
    return csv_response(await exports.export_staff(p), "staff.csv")


@router.get("/exports/stores.csv", tags=["exports"], response_class=Response)
async def export_stores(p: Principal = can("org.store:export")) -> Response:
    return csv_response(await exports.export_stores(p), "stores.csv")


@router.get("/exports/audit.csv", tags=["exports"], response_class=Response)
async def export_audit(
    action: Annotated[str, Query(max_length=64)] = "", p: Principal = can("system.audit:export")
) -> Response:
    return csv_response(await exports.export_audit(p, action=action), "audit.csv")


@router.get("/exports/staff.xlsx", tags=["exports"], response_class=Response)
async def export_staff_xlsx(p: Principal = can("org.staff:export")) -> Response:
    return export_response(await exports.export_staff(p, "xlsx"), "staff", "xlsx")


@router.get("/exports/stores.xlsx", tags=["exports"], response_class=Response)
async def export_stores_xlsx(p: Principal = can("org.store:export")) -> Response:
    return export_response(await exports.export_stores(p, "xlsx"), "stores", "xlsx")


@router.get("/exports/audit.xlsx", tags=["exports"], response_class=Response)
async def export_audit_xlsx(
    action: Annotated[str, Query(max_length=64)] = "", p: Principal = can("system.audit:export")
) -> Response:
    body = await exports.export_audit(p, action=action, fmt="xlsx")
    return export_response(body, "audit", "xlsx")
