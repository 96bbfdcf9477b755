"""The 360 view's shape: a customer, its member link, and the sections packages registered.

A section is generic (fields, a table, a chart) so that a package can add one without a console
change; the console may still draw a known key its own way.
"""

from typing import Literal

from pydantic import BaseModel

from crm_core.customers.schemas import CustomerRead
from crm_core.member_links.schemas import LinkRead


class SectionField(BaseModel):
    label: str
    value: str


class SectionColumn(BaseModel):
    key: str
    label: str


class SectionTable(BaseModel):
    columns: list[SectionColumn]
    rows: list[dict[str, str]]


class ChartSeries(BaseModel):
    name: str
    kind: Literal["line", "bar"] = "bar"
    values: list[float]


class SectionChart(BaseModel):
    labels: list[str]
    series: list[ChartSeries]


class SectionBody(BaseModel):
    """What a provider returns; the registry adds the key, title and group."""

    subtitle: str = ""
    avatar_text: str = ""
    fields: list[SectionField] = []
    table: SectionTable | None = None
    chart: SectionChart | None = None
    empty_text: str = ""


class Section(SectionBody):
    key: str
    title: str
    group: Literal["customer", "member"]


class Customer360(BaseModel):
    customer: CustomerRead
    link: LinkRead | None
    sections: list[Section]
