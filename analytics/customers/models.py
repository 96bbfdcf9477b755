"""RFM scores per member, rebuilt nightly from till orders (analytics/customers/repository.py)."""

from datetime import date, datetime

from tortoise import fields
from tortoise.models import Model


class MemberRfm(Model):
    # No index beyond member_id: segments look rows up by member, the pages read them in scope,
    # and every index would be rebuilt row by row each night.
    # Bigint: each nightly rebuild replaces every row (a million a night outlasts int4).
    id = fields.BigIntField(primary_key=True)
    member_id = fields.IntField(unique=True)  # a plain id: members sit below analytics
    store_id = fields.IntField(null=True)  # the member's first store, as of the rebuild
    recency_days = fields.IntField()
    frequency = fields.IntField()  # orders inside the window
    monetary_fen = fields.BigIntField()  # net spend inside the window
    r_score = fields.SmallIntField()
    f_score = fields.SmallIntField()
    m_score = fields.SmallIntField()
    rfm_class = fields.CharField(max_length=24)
    last_purchase_at: datetime = fields.DatetimeField()  # type: ignore[assignment]
    interval_days = fields.IntField(null=True)  # mean days between purchases; None: one purchase
    churned = fields.BooleanField()
    churn_risk = fields.BooleanField()
    computed_on: date = fields.DateField()  # type: ignore[assignment]

    class Meta:
        table = "analytics_rfm"
