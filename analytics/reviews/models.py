"""Reviews (评价) of a till order, their segmented terms and the per-day term rollup.

A review belongs to one till order (unique: once per order). Its text is segmented once, when it
is written (ReviewTerm); `TermDaily` rolls the terms up per local day × store × product ×
sentiment (product "" = the review as a whole, sentiment by the review's stars; a product row uses
that product's stars). `SegmentWord` holds the console's edits to the shipped dictionary and
stopword list.
"""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Sentiment(StrEnum):
    GOOD = "good"
    MEDIUM = "medium"
    BAD = "bad"


class WordKind(StrEnum):
    DICT = "dict"
    STOP = "stop"


class Review(Model):
    id = fields.IntField(primary_key=True)
    order_id = fields.IntField(unique=True)
    member_id = fields.IntField(db_index=True)
    store_id = fields.IntField(db_index=True)
    guide_id = fields.IntField(null=True)
    stars = fields.SmallIntField()
    guide_stars = fields.SmallIntField(null=True)
    sentiment = fields.CharEnumField(Sentiment, max_length=8)
    text = fields.CharField(max_length=500, default="")
    pictures: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    day = fields.DateField(db_index=True)  # local (Shanghai) day of created_at
    created_at = fields.DatetimeField()
    reply = fields.CharField(max_length=500, default="")
    replied_by_id = fields.IntField(null=True)
    replied_at = fields.DatetimeField(null=True)
    items: fields.ReverseRelation["ReviewItem"]
    terms: fields.ReverseRelation["ReviewTerm"]

    class Meta:
        table = "analytics_review"
        ordering = ("-id",)


class ReviewItem(Model):
    id = fields.IntField(primary_key=True)
    review: fields.ForeignKeyRelation[Review] = fields.ForeignKeyField(
        "analytics.Review", related_name="items", on_delete=fields.CASCADE
    )
    review_id: int
    product_code = fields.CharField(max_length=64)
    product_name = fields.CharField(max_length=128, default="")
    stars = fields.SmallIntField()
    sentiment = fields.CharEnumField(Sentiment, max_length=8)

    class Meta:
        table = "analytics_review_item"
        unique_together = (("review", "product_code"),)


class ReviewTerm(Model):
    id = fields.IntField(primary_key=True)
    review: fields.ForeignKeyRelation[Review] = fields.ForeignKeyField(
        "analytics.Review", related_name="terms", on_delete=fields.CASCADE
    )
    review_id: int
    term = fields.CharField(max_length=64, db_index=True)
    count = fields.IntField()

    class Meta:
        table = "analytics_review_term"
        unique_together = (("review", "term"),)


class TermDaily(Model):
    id = fields.BigIntField(primary_key=True)
    day = fields.DateField()
    store_id = fields.IntField()
    product_code = fields.CharField(max_length=64)
    sentiment = fields.CharEnumField(Sentiment, max_length=8)
    term = fields.CharField(max_length=64)
    count = fields.IntField()
    reviews = fields.IntField()

    class Meta:
        table = "analytics_term_daily"
        unique_together = (("day", "store_id", "product_code", "sentiment", "term"),)
        indexes = (("day", "product_code", "sentiment"),)


class SegmentWord(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(WordKind, max_length=8)
    word = fields.CharField(max_length=32)
    enabled = fields.BooleanField(default=True)  # False: a shipped default switched off
    updated_at = fields.DatetimeField()

    class Meta:
        table = "analytics_segment_word"
        unique_together = (("kind", "word"),)
