"""Pydantic I/O for the organisation. Inputs forbid unknown fields (no mass assignment)."""

from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from crm_core.org.models import DataScope, StoreStatus
from crm_core.validation import Id


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


Name = Field(min_length=1, max_length=64)


class DepartmentCreate(Input):
    name: str = Name
    parent_id: Id | None = None
    sort_order: int = Field(0, ge=0, le=100_000)


class DepartmentUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=64)
    parent_id: Id | None = None
    move: bool = False  # parent_id is applied only when move is true (None then means top level)
    sort_order: int | None = Field(None, ge=0, le=100_000)


class DepartmentRead(Output):
    id: int
    name: str
    parent_id: int | None
    sort_order: int


class PositionCreate(Input):
    name: str = Name
    description: str = Field("", max_length=255)


class PositionRead(Output):
    id: int
    name: str
    description: str


class RoleCreate(Input):
    code: str = Field(min_length=2, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Name
    description: str = Field("", max_length=255)
    permissions: list[str] = Field(default_factory=list, max_length=500)
    data_scope: DataScope = DataScope.OWN


class RoleUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=64)
    description: str | None = Field(None, max_length=255)
    permissions: list[str] | None = Field(None, max_length=500)
    data_scope: DataScope | None = None


class RoleRead(Output):
    id: int
    code: str
    name: str
    description: str
    builtin: bool
    permissions: list[str]
    data_scope: DataScope


Password = Field(min_length=8, max_length=128)


class StaffCreate(Input):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    name: str = Name
    password: str = Password
    phone: str = Field("", max_length=32, pattern=r"^[0-9+\- ]*$")
    email: str = Field("", max_length=128)
    department_id: Id | None = None
    position_id: Id | None = None
    store_id: Id | None = None
    is_guide: bool = False
    role_ids: list[Id] = Field(default_factory=list, max_length=20)


class StaffUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=64)
    phone: str | None = Field(None, max_length=32, pattern=r"^[0-9+\- ]*$")
    email: str | None = Field(None, max_length=128)
    position_id: Id | None = None
    store_id: Id | None = None
    clear_store: bool = False
    is_guide: bool | None = None
    role_ids: list[Id] | None = Field(None, max_length=20)


class StaffMove(Input):
    department_id: Id


class PasswordReset(Input):
    password: str = Password


class StaffRead(Output):
    id: int
    username: str
    name: str
    phone: str
    email: str
    department_id: int | None
    position_id: int | None
    store_id: int | None
    is_guide: bool
    is_active: bool
    role_ids: list[int] = Field(default_factory=list)
    last_login_at: datetime | None


class StoreCreate(Input):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Name
    province: str = Field("", max_length=32)
    city: str = Field("", max_length=32)
    district: str = Field("", max_length=32)
    address: str = Field("", max_length=255)
    phone: str = Field("", max_length=32, pattern=r"^[0-9+\- ]*$")
    status: StoreStatus = StoreStatus.OPEN
    department_id: Id
    manager_id: Id | None = None


class StoreUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=64)
    province: str | None = Field(None, max_length=32)
    city: str | None = Field(None, max_length=32)
    district: str | None = Field(None, max_length=32)
    address: str | None = Field(None, max_length=255)
    phone: str | None = Field(None, max_length=32, pattern=r"^[0-9+\- ]*$")
    status: StoreStatus | None = None
    department_id: Id | None = None
    manager_id: Id | None = None


class StoreRead(Output):
    id: int
    code: str
    name: str
    province: str
    city: str
    district: str
    address: str
    phone: str
    status: StoreStatus
    department_id: int
    manager_id: int | None


class LoginRequest(Input):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int


class RoleBrief(Output):
    code: str
    name: str


class NavEntry(BaseModel):
    """One console menu entry; `group` is empty for a top-level entry (the dashboard)."""

    group: str
    label: str
    path: str
    icon: str
    permission: str | None


class MeRead(BaseModel):
    id: int
    username: str
    name: str
    permissions: list[str]
    data_scope: DataScope
    roles: list[RoleBrief]
    store_id: int | None
    store_name: str | None
    nav: list[NavEntry]


class SessionRead(BaseModel):
    """A console session: send `csrf_token` as X-CSRF-Token on every unsafe request."""

    csrf_token: str
    me: MeRead


class PermissionRead(BaseModel):
    code: str
    label: str
    group: str
    resource: str
    resource_label: str
    action: str
    action_label: str


class AuditRead(Output):
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    ip: str
    action: str
    target_type: str
    target_id: str
    before: dict[str, object] | None
    after: dict[str, object] | None
    reason: str


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


class PermissionActionRead(BaseModel):
    permission: str
    action: str
    label: str
    label_en: str


class PermissionResourceRead(BaseModel):
    """One row of the role editor: a resource and the actions it offers."""

    code: str
    label: str
    label_en: str
    group: str
    group_en: str
    actions: list[PermissionActionRead]


class DataScopeRead(BaseModel):
    code: str
    label: str


class PermissionCatalogRead(BaseModel):
    resources: list[PermissionResourceRead]
    data_scopes: list[DataScopeRead]
