"""Imports: per-row results (created, duplicate of which customer, invalid and why); a dry run
writes nothing; limits answer 413."""

import io

import httpx
import openpyxl
import pytest

from crm_core.audit import AuditLog
from crm_core.customers.models import Customer
from crm_core.customers.service import imports
from tests.crm_core.customers.factories import make_customer, make_team
from tests.factories import bearer

CSV = (
    "客户名称,手机,类型,级别,来源,行业,标签\n"
    "张三,13800138001,个人,A,转介绍,零售,重点、华东\n"
    "李四,13800138002,企业,b,,制造,\n"
    "张三,+86 138 0013 8001,,,,,\n"
    "王五,12345,,,,,\n"
    "赵六,13800138006,外星人,,,,\n"
    "老客户,13800138009,,,,,\n"
    ",13800138010,,,,,\n"
)


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    body: bytes,
    name: str = "客户.csv",
    dry_run: bool = False,
) -> httpx.Response:
    return await client.post(
        "/api/v1/customers/imports",
        files={"file": (name, body, "text/csv")},
        data={"dry_run": "true" if dry_run else "false"},
        headers=headers,
    )


def summary(response: httpx.Response) -> list[tuple[int, str, str, str]]:
    return [(r["row"], r["status"], r["phone"], r["message"]) for r in response.json()["rows"]]


EXPECTED = [
    (2, "created", "13800138001", ""),
    (3, "created", "13800138002", ""),
    (4, "duplicate", "13800138001", "与第 2 行重复"),
    (5, "invalid", "12345", "手机号无效"),
    (6, "invalid", "13800138006", "类型须为“个人”或“企业”"),
    (7, "duplicate", "13800138009", "客户已存在：老客户（138****8009），负责人：测试员工"),
    (8, "invalid", "13800138010", "客户名称为空或过长"),
]


async def test_a_dry_run_reports_every_row_and_writes_nothing(client: httpx.AsyncClient) -> None:
    team = await make_team()
    await make_customer(team.far, "老客户", "13800138009")
    response = await upload(client, await bearer(team.rep), CSV.encode(), dry_run=True)
    assert response.status_code == 200, response.text
    assert summary(response) == EXPECTED
    assert (response.json()["created"], response.json()["duplicates"]) == (2, 2)
    assert await Customer.all().count() == 1
    assert await AuditLog.filter(action="customer.imported").count() == 0


async def test_an_import_writes_the_good_rows_as_the_callers(client: httpx.AsyncClient) -> None:
    team = await make_team()
    await make_customer(team.far, "老客户", "13800138009")
    # Chinese Excel's CSV is GBK.
    response = await upload(client, await bearer(team.rep), CSV.encode("gbk"))
    assert summary(response) == EXPECTED
    created = [
        (c.name, c.phone, c.kind, c.level, c.source, c.industry, c.tags, c.owner_id)
        for c in await Customer.filter(owner_id=team.rep.id).order_by("id")
    ]
    assert created == [
        (
            "张三",
            "+8613800138001",
            "person",
            "a",
            "referral",
            "零售",
            ["重点", "华东"],
            team.rep.id,
        ),
        ("李四", "+8613800138002", "company", "b", "import", "制造", [], team.rep.id),
    ]
    ids = [r["customer_id"] for r in response.json()["rows"] if r["customer_id"]]
    assert ids == [c.id for c in await Customer.filter(owner_id=team.rep.id).order_by("id")]
    entry = await AuditLog.get(action="customer.imported")
    assert entry.after == {"created": 2, "customer_ids": ids}


async def test_an_excel_file_imports_the_same(client: httpx.AsyncClient) -> None:
    team = await make_team()
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["客户名称", "手机", "地址"])
    sheet.append(["张三", 13800138001, '=HYPERLINK("x")'])
    buffer = io.BytesIO()
    book.save(buffer)
    response = await upload(client, await bearer(team.rep), buffer.getvalue(), name="客户.xlsx")
    assert summary(response) == [(2, "created", "13800138001", "")]
    saved = await Customer.get(owner_id=team.rep.id)
    assert (saved.name, saved.phone, saved.address) == ("张三", "+8613800138001", '=HYPERLINK("x")')


@pytest.mark.parametrize(
    ("body", "name", "status", "code"),
    [
        (b"\xff\xfe\x00garbage", "x.xlsx", 422, "import_file_invalid"),
        ("名字,电话\n张三,13800138001\n".encode(), "x.csv", 422, "import_file_invalid"),
        (b"", "x.csv", 422, "import_file_invalid"),
        (
            ("客户名称,手机\n" + "张三,13800138001\n" * (imports.MAX_ROWS + 1)).encode(),
            "x.csv",
            413,
            "import_too_large",
        ),
        (b"x" * (imports.MAX_BYTES + 1), "x.csv", 413, "import_too_large"),
    ],
    ids=["not-xlsx", "no-header", "empty", "too-many-rows", "too-big"],
)
async def test_unreadable_or_oversized_files_are_refused(
    client: httpx.AsyncClient, body: bytes, name: str, status: int, code: str
) -> None:
    team = await make_team()
    response = await upload(client, await bearer(team.rep), body, name=name)
    assert (response.status_code, response.json()["error"]) == (status, code), response.text
    assert await Customer.all().count() == 0


async def test_a_guide_may_not_import(client: httpx.AsyncClient) -> None:
    from tests.factories import make_staff

    guide = await make_staff("guide")
    response = await upload(client, await bearer(guide), CSV.encode())
    assert response.status_code == 403
    assert await Customer.all().count() == 0
