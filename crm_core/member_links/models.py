"""Which member stands behind a customer: the link, undone auto links, and ambiguous phones.

`crm_customer.member_id` stays the pointer the rest of the CRM reads; a MemberLink row mirrors
it with how, when and by whom, and its two unique columns make "one member, one customer" hold
in the database whatever two workers race to do. Member ids are plain: `members` sits above.
"""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class LinkHow(StrEnum):
    AUTO = "auto"
    MANUAL = "manual"


class MemberLink(Model):
    id = fields.IntField(primary_key=True)
    customer_id = fields.IntField(unique=True)
    member_id = fields.IntField(unique=True)
    how = fields.CharEnumField(LinkHow, max_length=8)
    linked_at = fields.DatetimeField()
    # NULL for an automatic link (the system acted).
    linked_by_id = fields.IntField(null=True)

    class Meta:
        table = "crm_member_link"


class LinkBlock(Model):
    """A pair staff unlinked: automatic runs leave it alone until a manual link or a forced run."""

    id = fields.IntField(primary_key=True)
    customer_id = fields.IntField()
    member_id = fields.IntField(db_index=True)
    blocked_at = fields.DatetimeField()
    blocked_by_id = fields.IntField(null=True)

    class Meta:
        table = "crm_member_link_block"
        unique_together = (("customer_id", "member_id"),)


class LinkConflict(Model):
    """A verified phone several customers share: no automatic link, staff choose."""

    id = fields.IntField(primary_key=True)
    member_id = fields.IntField(unique=True)
    phone = fields.CharField(max_length=20)
    customer_ids: list[int] = fields.JSONField(default=list)  # type: ignore[assignment]
    found_at = fields.DatetimeField()
    resolved_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "crm_member_link_conflict"
        ordering = ("-found_at", "-id")
