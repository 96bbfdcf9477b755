"""Leads: people or companies not yet customers, worked until converted or dropped."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from crm_core.customers.models import CustomerSource


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    CONVERTED = "converted"
    LOST = "lost"


class Lead(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    company = fields.CharField(max_length=128, default="")
    # E.164 like a customer's: conversion dedupes on it with the name.
    phone = fields.CharField(max_length=20)
    source = fields.CharEnumField(CustomerSource, max_length=16, default=CustomerSource.SELF)
    status = fields.CharEnumField(LeadStatus, max_length=16, default=LeadStatus.NEW)
    note = fields.CharField(max_length=500, default="")
    owner_id = fields.IntField(db_index=True)
    department_id = fields.IntField(null=True)
    created_by_id = fields.IntField(null=True)
    # Set once, by the conversion (plain ids: the customer may be an existing one).
    customer_id = fields.IntField(null=True)
    opportunity_id = fields.IntField(null=True)
    converted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "crm_lead"
        ordering = ("-id",)


class LeadFollowUp(Model):
    id = fields.IntField(primary_key=True)
    lead: fields.ForeignKeyRelation[Lead] = fields.ForeignKeyField(
        "crm_core.Lead", related_name="follow_ups", on_delete=fields.RESTRICT
    )
    lead_id: int
    content = fields.TextField()
    staff_id = fields.IntField()
    at = fields.DatetimeField()

    class Meta:
        table = "crm_lead_follow_up"
        ordering = ("-at", "-id")
