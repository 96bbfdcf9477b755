"""Exports as background jobs: started through the API, run by the task as the staff member who
asked (their permission and data scope when it runs), progress counted row by row, the file
only for its owner."""

import io
from typing import Any

import httpx
import openpyxl

from crm_core import exports, jobs
from crm_core.audit import AuditLog
from crm_core.export_jobs import tasks
from crm_core.org.models import DataScope, Department, Role, Staff
from members.models import Member
from tests.factories import bearer, make_staff, make_store
from tests.loyalty.factories import make_member


def cells(body: bytes) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


async def world() -> dict[str, Any]:
    root = await Department.create(name="总部")
    south = await Department.create(name="华南", parent=root)
    sh = await make_store(root, code="SH001", name="上海店")
    sz = await make_store(south, code="SZ001", name="深圳店")
    await Role.create(
        code="member_clerk",
        name="会员专员",
        permissions=["members.member:view", "members.member:export"],
        data_scope=DataScope.SUBTREE,
    )
    found: dict[str, Any] = {
        "admin": await make_staff("admin", username="boss"),
        "clerk": await make_staff("member_clerk", department=south, store=sz, username="clerk"),
        "sh": sh,
        "sz": sz,
    }
    for name, store in (("张三", sh), ("李四", sz), ("李小四", sz)):
        member = await make_member(name=name)
        await Member.filter(id=member.id).update(first_store_id=store.id)
    return found


async def start(
    client: httpx.AsyncClient, staff: Staff, kind: str, **params: str
) -> httpx.Response:
    return await client.post(
        "/api/v1/export-jobs", json={"kind": kind, "params": params}, headers=await bearer(staff)
    )


def test_rendering_reports_progress_every_500_rows_and_at_the_end() -> None:
    seen: list[tuple[int, int]] = []
    with exports.reporting(lambda done, total: seen.append((done, total))):
        exports.to_xlsx(["编号"], [[n] for n in range(1200)])
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]
    exports.to_xlsx(["编号"], [[1]])  # outside a job: nothing reported
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]


async def test_a_member_export_runs_in_the_scope_and_filters_of_its_owner(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    w = await world()
    started = await start(client, w["clerk"], "members", q="李")
    assert started.status_code == 202, started.text
    job = started.json()
    assert (job["kind"], job["label"], job["state"], job["done"], job["total"]) == (
        "members",
        "会员",
        "queued",
        0,
        0,
    )
    assert job["filename"].startswith("会员-")
    assert job["filename"].endswith(".xlsx")
    assert published_jobs == [jobs.Job("crm_core.run_export", {"job_id": job["id"]})]

    headers = await bearer(w["clerk"])
    early = await client.get(f"/api/v1/export-jobs/{job['id']}/file", headers=headers)
    assert (early.status_code, early.json()["error"]) == (409, "export_not_ready")

    assert await tasks.run_export(job["id"]) == "done"
    assert await tasks.run_export(job["id"]) == "done"  # a redelivered task does nothing more
    polled = (await client.get(f"/api/v1/export-jobs/{job['id']}", headers=headers)).json()
    assert (polled["state"], polled["done"], polled["total"], polled["error"]) == ("done", 2, 2, "")
    file = await client.get(f"/api/v1/export-jobs/{job['id']}/file", headers=headers)
    assert file.status_code == 200
    assert "filename*=UTF-8''%E4%BC%9A%E5%91%98-" in file.headers["content-disposition"]
    rows = cells(file.content)
    # The clerk's department (华南) only: 张三 of 上海店 is out of scope.
    assert [(r[1], r[4]) for r in rows[1:]] == [("李四", "深圳店"), ("李小四", "深圳店")]
    assert await AuditLog.filter(action="member.export").count() == 1


async def test_member_export_takes_the_lists_store_filter(client: httpx.AsyncClient) -> None:
    w = await world()
    job = (await start(client, w["admin"], "members", store_id=str(w["sh"].id))).json()
    assert await tasks.run_export(job["id"]) == "done"
    file = await client.get(
        f"/api/v1/export-jobs/{job['id']}/file", headers=await bearer(w["admin"])
    )
    assert [r[1] for r in cells(file.content)[1:]] == ["张三"]


async def test_another_staff_member_cannot_see_or_download_a_job(
    client: httpx.AsyncClient,
) -> None:
    w = await world()
    job = (await start(client, w["admin"], "members")).json()
    await tasks.run_export(job["id"])
    other = await bearer(w["clerk"])
    for path in (f"/api/v1/export-jobs/{job['id']}", f"/api/v1/export-jobs/{job['id']}/file"):
        response = await client.get(path, headers=other)
        assert (response.status_code, response.json()["error"]) == (404, "export_job_not_found")


async def test_bad_requests_are_refused_and_start_nothing(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    w = await world()
    guide = await make_staff("guide", store=w["sz"])
    cases = [
        (w["admin"], {"kind": "spaceships"}, 404, "export_kind_unknown"),
        (
            w["admin"],
            {"kind": "members", "params": {"store_id": "x"}},
            422,
            "export_params_invalid",
        ),
        (
            w["admin"],
            {"kind": "members", "params": {"colour": "red"}},
            422,
            "export_params_invalid",
        ),
        (w["admin"], {"kind": "Members!"}, 422, "validation_error"),
        (guide, {"kind": "staff"}, 403, "permission_denied"),
    ]
    for staff, body, status, code in cases:
        response = await client.post("/api/v1/export-jobs", json=body, headers=await bearer(staff))
        assert (response.status_code, response.json()["error"]) == (status, code), body
    assert published_jobs == []
    missing = await client.get(
        "/api/v1/export-jobs/0123456789abcdef", headers=await bearer(w["admin"])
    )
    assert (missing.status_code, missing.json()["error"]) == (404, "export_job_not_found")


async def test_a_job_whose_owner_lost_the_permission_fails_and_writes_nothing(
    client: httpx.AsyncClient,
) -> None:
    w = await world()
    job = (await start(client, w["clerk"], "members")).json()
    await Role.filter(code="member_clerk").update(permissions=["members.member:view"])
    assert await tasks.run_export(job["id"]) == "failed"
    polled = await client.get(f"/api/v1/export-jobs/{job['id']}", headers=await bearer(w["clerk"]))
    assert (polled.json()["state"], polled.json()["error"]) == (
        "failed",
        "账号已停用或已无导出权限",
    )
    assert not await AuditLog.filter(action="member.export").exists()


async def test_every_registered_export_runs(client: httpx.AsyncClient) -> None:
    w = await world()
    kinds = ("staff", "stores", "audit", "fans", "qrcodes", "points-entries", "coupons")
    for kind in (*kinds, "mall-orders"):
        job = (await start(client, w["admin"], kind)).json()
        assert await tasks.run_export(job["id"]) == "done", kind
    job = (await start(client, w["admin"], "lottery-awards")).json()
    assert await tasks.run_export(job["id"]) == "done"
    awards = await client.get(
        f"/api/v1/export-jobs/{job['id']}/file", headers=await bearer(w["admin"])
    )
    assert cells(awards.content) == [cells(awards.content)[0]]  # a header, no award yet
    assert cells(awards.content)[0][0] is not None


async def test_fan_export_follows_the_scope_and_the_follow_filter(
    client: httpx.AsyncClient,
) -> None:
    from tests.wechat.callback_support import make_account
    from wechat.models import Fan

    w = await world()
    await Role.create(
        code="fan_clerk",
        name="粉丝专员",
        permissions=["wechat.fan:view", "wechat.fan:export"],
        data_scope=DataScope.SUBTREE,
    )
    south = await Department.get(name="华南")
    manager = await make_staff("fan_clerk", department=south, store=w["sz"])
    account = await make_account()
    for openid, store, subscribed in (
        ("o-sz-1", w["sz"], True),
        ("o-sz-2", w["sz"], False),
        ("o-sh-1", w["sh"], True),
    ):
        await Fan.create(
            account=account,
            openid=openid,
            store_id=store.id,
            subscribed=subscribed,
            nickname=openid,
        )
    job = (await start(client, manager, "fans", subscribed="true")).json()
    assert await tasks.run_export(job["id"]) == "done"
    file = await client.get(f"/api/v1/export-jobs/{job['id']}/file", headers=await bearer(manager))
    rows = cells(file.content)
    assert rows[0][:4] == ["昵称", "备注", "openid", "关注状态"]
    assert [(r[2], r[3], r[5]) for r in rows[1:]] == [("o-sz-1", "已关注", "深圳店")]
    assert await AuditLog.filter(action="fan.export").count() == 1
