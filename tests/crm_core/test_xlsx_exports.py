"""Excel exports: exact cells, formulas kept inert, data scope, permission and audit."""

import io
from typing import Any

import httpx
import openpyxl

from crm_core.audit import AuditLog
from crm_core.exports import XLSX_TYPE, to_xlsx
from tests.factories import bearer, make_department, make_staff, make_store


def cells(body: bytes) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_text_stays_text_and_numbers_stay_numbers() -> None:
    body = to_xlsx(
        ["编号", "内容", "手机", "是否"], [[7, "=1+1", "13800000001", True], [8, None, "", False]]
    )
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book.active
    assert sheet is not None
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["编号", "内容", "手机", "是否"],
        [7, "=1+1", "13800000001", "是"],
        [8, None, None, "否"],
    ]
    assert sheet["B2"].data_type == "s"  # a string, never a formula
    assert sheet["A2"].data_type == "n"


async def test_store_export_xlsx_has_exact_cells_and_is_audited(client: httpx.AsyncClient) -> None:
    east = await make_department("华东")
    south = await make_department("华南")
    await make_store(east, code="E01", name='=HYPERLINK("http://evil")')
    await make_store(south, code="S01", name="深圳店")
    manager = await make_staff("finance", department=east, username="money")
    response = await client.get("/api/v1/exports/stores.xlsx", headers=await bearer(manager))
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_TYPE
    assert "stores.xlsx" in response.headers["content-disposition"]
    assert cells(response.content) == [
        ["门店编码", "门店名称", "省", "市", "区/县", "地址", "电话", "所属部门", "状态"],
        ["E01", '=HYPERLINK("http://evil")', None, None, None, None, None, "华东", "营业中"],
        ["S01", "深圳店", None, None, None, None, None, "华南", "营业中"],
    ]
    entry = await AuditLog.get(action="store.export")
    assert (entry.actor_name, entry.after) == ("money", {"rows": 2, "format": "xlsx"})


async def test_staff_export_xlsx_follows_the_data_scope(client: httpx.AsyncClient) -> None:
    east = await make_department("华东")
    south = await make_department("华南")
    lead = await make_staff("sales_manager", department=east, username="lead")
    await make_staff("guide", department=south, username="far_away")
    response = await client.get("/api/v1/exports/staff.xlsx", headers=await bearer(lead))
    assert response.status_code == 200
    rows = cells(response.content)
    assert rows[0] == ["工号", "登录名", "姓名", "手机", "邮箱", "部门", "角色", "导购", "状态"]
    assert [r[1] for r in rows[1:]] == ["lead"]
    assert rows[1][5:] == ["华东", "销售经理", "否", "在职"]


async def test_export_without_the_export_permission_is_refused_and_not_audited(
    client: httpx.AsyncClient,
) -> None:
    guide = await make_staff("guide", department=await make_department())
    for path in ("stores", "staff", "audit"):
        response = await client.get(f"/api/v1/exports/{path}.xlsx", headers=await bearer(guide))
        assert (response.status_code, response.json()["error"]) == (403, "permission_denied")
    assert not await AuditLog.filter(action__endswith=".export").exists()


async def test_audit_export_xlsx_filters_by_action(client: httpx.AsyncClient) -> None:
    admin = await make_staff("admin", username="root")
    await make_store(await make_department("华东"), code="E01")
    response = await client.get(
        "/api/v1/exports/audit.xlsx", params={"action": "nothing."}, headers=await bearer(admin)
    )
    assert response.status_code == 200
    assert cells(response.content) == [
        ["时间", "操作人", "IP", "操作", "对象类型", "对象", "变更前", "变更后", "原因"]
    ]
    entry = await AuditLog.get(action="audit.export")
    assert entry.after == {"rows": 0, "filter": "nothing.", "format": "xlsx"}
