"""Organisation: departments, positions, roles, staff and stores."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class DataScope(StrEnum):
    OWN = "own"
    DEPARTMENT = "department"
    SUBTREE = "subtree"
    ALL = "all"


class StoreStatus(StrEnum):
    PREPARING = "preparing"
    OPEN = "open"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class Department(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    parent: fields.ForeignKeyNullableRelation["Department"] = fields.ForeignKeyField(
        "crm_core.Department", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    sort_order = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "org_department"
        unique_together = (("parent", "name"),)
        ordering = ("sort_order", "id")


class Position(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)
    description = fields.CharField(max_length=255, default="")

    class Meta:
        table = "org_position"


class Role(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)
    description = fields.CharField(max_length=255, default="")
    builtin = fields.BooleanField(default=False)
    permissions: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    data_scope = fields.CharEnumField(DataScope, max_length=16, default=DataScope.OWN)
    # Default permissions already offered to this built-in role. An upgrade adds only defaults
    # that are new, so a permission an administrator removed on purpose stays removed.
    offered_defaults: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]

    class Meta:
        table = "org_role"


class Store(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)
    province = fields.CharField(max_length=32, default="")
    city = fields.CharField(max_length=32, default="")
    district = fields.CharField(max_length=32, default="")
    address = fields.CharField(max_length=255, default="")
    phone = fields.CharField(max_length=32, default="")
    status = fields.CharEnumField(StoreStatus, max_length=16, default=StoreStatus.OPEN)
    department: fields.ForeignKeyRelation[Department] = fields.ForeignKeyField(
        "crm_core.Department", related_name="stores", on_delete=fields.RESTRICT
    )
    # A plain id, not a foreign key: Staff already points at Store, and Tortoise cannot create
    # tables with cyclic foreign keys. The service checks that the manager exists.
    manager_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "org_store"
        ordering = ("code",)


class Staff(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=64)
    phone = fields.CharField(max_length=32, default="")
    email = fields.CharField(max_length=128, default="")
    password_hash = fields.CharField(max_length=255)
    department: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "crm_core.Department", related_name="staff", null=True, on_delete=fields.RESTRICT
    )
    position: fields.ForeignKeyNullableRelation[Position] = fields.ForeignKeyField(
        "crm_core.Position", related_name="staff", null=True, on_delete=fields.SET_NULL
    )
    store: fields.ForeignKeyNullableRelation[Store] = fields.ForeignKeyField(
        "crm_core.Store", related_name="guides", null=True, on_delete=fields.SET_NULL
    )
    is_guide = fields.BooleanField(default=False)
    is_active = fields.BooleanField(default=True)
    roles: fields.ManyToManyRelation[Role] = fields.ManyToManyField(
        "crm_core.Role", related_name="staff", through="org_staff_role"
    )
    last_login_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "org_staff"
        ordering = ("id",)
