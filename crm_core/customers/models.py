"""Customers (people or companies) with their contacts, follow-ups and ownership history.

A customer is never deleted: it changes hands (TransferRecord) or, later, drops into the public
pool (owner NULL). `member_id` will link the member behind a customer (issue 13, part 2).
"""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class CustomerKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"


class CustomerLevel(StrEnum):
    A = "a"
    B = "b"
    C = "c"
    D = "d"


class CustomerSource(StrEnum):
    SELF = "self"
    REFERRAL = "referral"
    ADVERTISING = "advertising"
    EXHIBITION = "exhibition"
    ONLINE = "online"
    IMPORT = "import"
    OTHER = "other"


class FollowUpKind(StrEnum):
    CALL = "call"
    VISIT = "visit"
    WECHAT = "wechat"
    NOTE = "note"


class Customer(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(CustomerKind, max_length=16, default=CustomerKind.PERSON)
    name = fields.CharField(max_length=64)
    # The dedupe key with `phone` (the seed's 手机号+姓名 rule): the name as people mean it.
    name_key = fields.CharField(max_length=64)
    # E.164, fixed at creation (the seed: 手机号不能编辑).
    phone = fields.CharField(max_length=20)
    level = fields.CharEnumField(CustomerLevel, max_length=8, default=CustomerLevel.C)
    source = fields.CharEnumField(CustomerSource, max_length=16, default=CustomerSource.SELF)
    industry = fields.CharField(max_length=64, default="")
    address = fields.CharField(max_length=255, default="")
    tags: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    # Plain ids (the owner's department when they got the customer); NULL owner = public pool.
    owner_id = fields.IntField(null=True, db_index=True)
    department_id = fields.IntField(null=True, db_index=True)
    created_by_id = fields.IntField(null=True)
    # A member of the `members` package above the kernel, linked by verified phone (later).
    member_id = fields.IntField(null=True, db_index=True)
    # 信用额度, in fen: set only by an approved request (crm_core/customers/approvals.py).
    credit_limit_fen = fields.BigIntField(default=0)
    last_followed_at = fields.DatetimeField(null=True)
    next_contact_at = fields.DatetimeField(null=True, db_index=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    # The public pool (crm_core/customers/pool): since when the owner has the customer (the
    # recycle clocks start no earlier), the "no deal" clock, and the pool's own state.
    owned_at = fields.DatetimeField(null=True)
    last_deal_at = fields.DatetimeField(null=True)
    previous_owner_id = fields.IntField(null=True)
    pooled_at = fields.DatetimeField(null=True)
    pool_reason = fields.CharField(max_length=16, default="")
    trashed_at = fields.DatetimeField(null=True)
    trashed_by_id = fields.IntField(null=True)

    class Meta:
        table = "crm_customer"
        unique_together = (("phone", "name_key"),)
        ordering = ("-id",)


class Contact(Model):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm_core.Customer", related_name="contacts", on_delete=fields.RESTRICT
    )
    customer_id: int
    name = fields.CharField(max_length=64)
    phone = fields.CharField(max_length=20, default="")
    title = fields.CharField(max_length=64, default="")
    is_primary = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = "crm_contact"
        ordering = ("-is_primary", "id")


class FollowUp(Model):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm_core.Customer", related_name="follow_ups", on_delete=fields.RESTRICT
    )
    customer_id: int
    kind = fields.CharEnumField(FollowUpKind, max_length=16)
    content = fields.TextField()
    next_contact_at = fields.DatetimeField(null=True)
    staff_id = fields.IntField()
    at = fields.DatetimeField()

    class Meta:
        table = "crm_follow_up"
        ordering = ("-at", "-id")


class TransferRecord(Model):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm_core.Customer", related_name="transfers", on_delete=fields.RESTRICT
    )
    customer_id: int
    from_staff_id = fields.IntField(null=True)
    to_staff_id = fields.IntField(null=True)
    by_staff_id = fields.IntField(null=True)
    reason = fields.CharField(max_length=255, default="")
    at = fields.DatetimeField()

    class Meta:
        table = "crm_customer_transfer"
        ordering = ("-at", "-id")
