"""Contract attachments: type-checked uploads, scoped downloads, removal refused once locked."""

from pathlib import Path

import httpx

from crm_core.sales.contracts.models import ContractAttachment
from tests.crm_core.contracts.factories import (
    PDF,
    PNG,
    approve_fully,
    contract_body,
    make_world,
    stored_files,
)
from tests.factories import bearer


async def test_upload_download_and_remove(client: httpx.AsyncClient, disk_storage: Path) -> None:
    org, tea, cup = await make_world()
    rep = await bearer(org.rep)
    contract = (
        await client.post(
            "/api/v1/contracts", json=contract_body(org.customer.id, tea.id, cup.id), headers=rep
        )
    ).json()
    url = f"/api/v1/contracts/{contract['id']}/attachments"
    bad = [
        (("合同.pdf", b"not a pdf", "application/pdf"), 422, "file_type_invalid"),
        (("合同.pdf", PNG, "application/pdf"), 422, "file_type_invalid"),
        (("合同.pdf", PDF + b"0" * 20 * 1024 * 1024, "application/pdf"), 413, "file_too_large"),
    ]
    for upload, status, code in bad:
        response = await client.post(url, files={"file": upload}, headers=rep)
        assert (response.status_code, response.json()["error"]) == (status, code)
    assert await ContractAttachment.all().count() == 0
    assert stored_files(disk_storage) == []

    scan = await client.post(url, files={"file": ("扫描件.png", PNG, "image/png")}, headers=rep)
    assert scan.status_code == 201, scan.text
    [attachment] = scan.json()["attachments"]
    assert (attachment["name"], attachment["content_type"], attachment["size"]) == (
        "扫描件.png",
        "image/png",
        len(PNG),
    )
    download = await client.get(f"{url}/{attachment['id']}", headers=rep)
    assert (download.status_code, download.content) == (200, PNG)
    assert download.headers["content-type"] == "image/png"
    assert "attachment;" in download.headers["content-disposition"]
    far = await client.get(f"{url}/{attachment['id']}", headers=await bearer(org.far))
    assert (far.status_code, far.json()["error"]) == (404, "contract_not_found")

    await approve_fully(client, org, "contract", contract["id"])
    # After approval: the signed scan may still arrive, but nothing may be taken away.
    signed = await client.post(
        url, files={"file": ("签字版.pdf", PDF, "application/pdf")}, headers=rep
    )
    assert signed.status_code == 201
    removed = await client.delete(f"{url}/{attachment['id']}", headers=rep)
    assert (removed.status_code, removed.json()["error"]) == (409, "record_locked")
    assert await ContractAttachment.all().count() == 2
    assert len(stored_files(disk_storage)) == 2
