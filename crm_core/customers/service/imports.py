"""Import customers from a CSV or Excel file: every row ends created, duplicate (of which
customer) or invalid (why). A dry run writes nothing; a real run writes all its good rows in one
transaction, each behind a savepoint so a row entered concurrently elsewhere becomes a duplicate
instead of undoing the rest."""

import csv
import io
import re
import zipfile
from collections.abc import Iterator

import pydantic
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from crm_core import audit, clock
from crm_core.customers import rules
from crm_core.customers.errors import ImportFileInvalidError, ImportTooLargeError
from crm_core.customers.models import Customer, CustomerKind, CustomerLevel, CustomerSource
from crm_core.customers.schemas import CustomerFields, ImportResult, ImportRow
from crm_core.customers.service._common import duplicate_of
from crm_core.db import unit_of_work
from crm_core.permissions import Principal

MAX_ROWS = 2_000
MAX_BYTES = 2 * 1024 * 1024
# The uncompressed size an .xlsx may unpack to (a zip bomb stops here).
MAX_UNPACKED = 50 * 1024 * 1024
COLUMNS = {
    "客户名称": "name",
    "姓名": "name",
    "名称": "name",
    "手机": "phone",
    "手机号": "phone",
    "电话": "phone",
    "类型": "kind",
    "级别": "level",
    "来源": "source",
    "行业": "industry",
    "地址": "address",
    "标签": "tags",
}
KINDS = {"个人": CustomerKind.PERSON, "企业": CustomerKind.COMPANY, "公司": CustomerKind.COMPANY}
SOURCES = {
    "自主开发": CustomerSource.SELF,
    "转介绍": CustomerSource.REFERRAL,
    "广告": CustomerSource.ADVERTISING,
    "展会": CustomerSource.EXHIBITION,
    "线上": CustomerSource.ONLINE,
    "导入": CustomerSource.IMPORT,
    "其他": CustomerSource.OTHER,
}
FIELD_NAMES = {"name": "客户名称", "industry": "行业", "address": "地址", "tags": "标签"}


def _csv_rows(body: bytes) -> list[list[str]]:
    # Chinese Excel saves CSV as GBK unless told otherwise.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = body.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileInvalidError(problem="文件编码无法识别（请用 UTF-8 或 GBK）", field="file")
    return [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]


def _xlsx_rows(body: bytes) -> list[list[str]]:
    # defusedxml is installed, so openpyxl parses safely; formulas come back as their text.
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
                raise ImportFileInvalidError(problem="解压后过大", field="file")
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileInvalidError(
            problem="不是有效的 Excel（.xlsx）文件", field="file"
        ) from error
    rows: list[list[str]] = []
    for values in book.active.iter_rows(values_only=True):  # type: ignore[union-attr]
        row = ["" if v is None else str(v).strip() for v in values]
        if any(row):
            rows.append(row)
        if len(rows) > MAX_ROWS + 1:
            break
    book.close()
    return rows


def parse_file(filename: str, body: bytes) -> list[dict[str, str]]:
    if len(body) > MAX_BYTES:
        raise ImportTooLargeError(
            max_rows=MAX_ROWS, max_mb=MAX_BYTES // (1024 * 1024), field="file"
        )
    rows = _xlsx_rows(body) if filename.lower().endswith(".xlsx") else _csv_rows(body)
    if not rows:
        raise ImportFileInvalidError(problem="文件是空的", field="file")
    if len(rows) - 1 > MAX_ROWS:
        raise ImportTooLargeError(
            max_rows=MAX_ROWS, max_mb=MAX_BYTES // (1024 * 1024), field="file"
        )
    header = [COLUMNS.get(h.strip()) for h in rows[0]]
    if "name" not in header or "phone" not in header:
        raise ImportFileInvalidError(
            problem="第一行须是表头，至少包含“客户名称”和“手机”两列", field="file"
        )
    return [
        {key: value.strip() for key, value in zip(header, row, strict=False) if key}
        for row in rows[1:]
    ]


def _fields(raw: dict[str, str]) -> CustomerFields:
    """The row as a customer, or ValueError with the reason in Chinese."""
    values: dict[str, object] = {
        "name": raw.get("name", ""),
        "industry": raw.get("industry", ""),
        "address": raw.get("address", ""),
        "source": CustomerSource.IMPORT,
    }
    if raw.get("kind"):
        if raw["kind"] not in KINDS:
            raise ValueError("类型须为“个人”或“企业”")
        values["kind"] = KINDS[raw["kind"]]
    if raw.get("level"):
        if raw["level"].lower() not in set(CustomerLevel):
            raise ValueError("级别须为 A、B、C 或 D")
        values["level"] = CustomerLevel(raw["level"].lower())
    if raw.get("source"):
        if raw["source"] not in SOURCES:
            raise ValueError("来源须为 " + "、".join(SOURCES))
        values["source"] = SOURCES[raw["source"]]
    if raw.get("tags"):
        values["tags"] = [t for t in re.split(r"[,，、]", raw["tags"]) if t.strip()]
    try:
        return CustomerFields.model_validate(values)
    except pydantic.ValidationError as error:
        field = str(error.errors()[0]["loc"][0])
        raise ValueError(f"{FIELD_NAMES.get(field, field)}为空或过长") from None


def _check(
    rows: list[dict[str, str]],
) -> Iterator[tuple[int, dict[str, str], CustomerFields | None, str, str]]:
    """(row number, raw, fields or None, E.164 phone, why invalid) per row."""
    for number, raw in enumerate(rows, start=2):
        try:
            phone = rules.normalize_phone(raw.get("phone", ""))
        except rules.PhoneError:
            yield number, raw, None, "", "手机号无效"
            continue
        try:
            yield number, raw, _fields(raw), phone, ""
        except ValueError as error:
            yield number, raw, None, phone, str(error)


def _typed(raw: dict[str, str], phone: str) -> str:
    # The number the caller typed themself (the customer named by a duplicate stays masked).
    return rules.national(phone) if phone else raw.get("phone", "")[:32]


async def import_customers(
    principal: Principal, rows: list[dict[str, str]], *, dry_run: bool
) -> ImportResult:
    results: list[ImportRow] = []
    seen: dict[tuple[str, str], int] = {}
    pending: list[tuple[ImportRow, CustomerFields, str]] = []
    for number, raw, fields, phone, why in _check(rows):
        name = raw.get("name", "")[:64]
        row = ImportRow(row=number, status="invalid", name=name, phone=_typed(raw, phone))
        if fields is None:
            results.append(row.model_copy(update={"message": why}))
            continue
        key = (phone, rules.name_key(fields.name))
        if key in seen:
            results.append(
                row.model_copy(
                    update={"status": "duplicate", "message": f"与第 {seen[key]} 行重复"}
                )
            )
            continue
        seen[key] = number
        if await Customer.exists(phone=phone, name_key=key[1]):
            error = await duplicate_of(principal, phone, fields.name)
            results.append(row.model_copy(update={"status": "duplicate", "message": error.detail}))
            continue
        pending.append((row, fields, phone))
    if not dry_run and pending:
        results += await _write(principal, pending)
    else:
        results += [r.model_copy(update={"status": "created"}) for r, _, _ in pending]
    results.sort(key=lambda r: r.row)
    return ImportResult(
        dry_run=dry_run,
        created=sum(r.status == "created" for r in results),
        duplicates=sum(r.status == "duplicate" for r in results),
        invalid=sum(r.status == "invalid" for r in results),
        rows=results,
    )


async def _write(
    principal: Principal, pending: list[tuple[ImportRow, CustomerFields, str]]
) -> list[ImportRow]:
    done: list[ImportRow] = []
    now = clock.utc_now()
    async with unit_of_work():
        for row, fields, phone in pending:
            try:
                async with in_transaction():
                    customer = await Customer.create(
                        **fields.model_dump(),
                        name_key=rules.name_key(fields.name),
                        phone=phone,
                        owner_id=principal.staff_id,
                        department_id=principal.department_id,
                        created_by_id=principal.staff_id,
                        created_at=now,
                        updated_at=now,
                    )
            except IntegrityError:
                error = await duplicate_of(principal, phone, fields.name)
                done.append(row.model_copy(update={"status": "duplicate", "message": error.detail}))
                continue
            done.append(row.model_copy(update={"status": "created", "customer_id": customer.id}))
        created = [r.customer_id for r in done if r.customer_id is not None]
        await audit.record(
            audit.actor_of(principal),
            "customer.imported",
            target_type="customer",
            after={"created": len(created), "customer_ids": created[:500]},
        )
    return done
