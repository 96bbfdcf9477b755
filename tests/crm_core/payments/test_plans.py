"""Payment plans (回款计划) and receipts against contracts: the instalments' sum within the
contract amount, derived statuses, receipts beyond what remains (409, also when two race), the
daily reminders (idempotent per instalment per day) and receivables aging on a fixed clock."""

import asyncio
from datetime import UTC, date, datetime, timedelta

import httpx

from crm_core import clock
from crm_core.payments.models import Instalment, PlanReminder, Receipt
from crm_core.payments.service import receivables
from crm_core.sales.contracts.models import ContractStatus
from tests.crm_core.customers.factories import make_customer
from tests.crm_core.payments.factories import make_account, make_contract, make_finance
from tests.factories import bearer

# 2026-06-20 10:00 in Shanghai.
NOW = datetime(2026, 6, 20, 2, 0, tzinfo=UTC)


def plan_url(contract_id: int, instalment_id: int | None = None) -> str:
    base = f"/api/v1/payments/contracts/{contract_id}/plan"
    return base if instalment_id is None else f"{base}/instalments/{instalment_id}"


async def instalment_rows() -> list[tuple[object, ...]]:
    return list(
        await Instalment.all().order_by("id").values_list("contract_id", "due_on", "amount_fen")
    )


async def receipt_rows() -> list[tuple[object, ...]]:
    return list(
        await Receipt.all()
        .order_by("id")
        .values_list("contract_id", "plan_id", "amount_fen", "status")
    )


def field(answer: httpx.Response) -> str | None:
    """The body field a 4xx names, where the console shows the error."""
    fields = answer.json().get("fields")
    return fields[0]["loc"][-1] if fields else None


def receipt(customer_id: int, account_id: int, key: str, **extra: object) -> dict[str, object]:
    return {
        "customer_id": customer_id,
        "account_id": account_id,
        "amount_fen": 30_000,
        "received_on": "2026-06-15",
        "method": "bank_transfer",
        "idempotency_key": key,
        **extra,
    }


async def world():  # type: ignore[no-untyped-def]
    finance = await make_finance()
    bank = await make_account(finance.cashier, "招行")
    mine = await make_customer(finance.team.rep, "北京茶行", "13800138000")
    theirs = await make_customer(finance.team.far, "广州茶行", "13900139000")
    contract = await make_contract(finance.team.rep, mine, 100_000, "HT2026-0001")
    far_contract = await make_contract(finance.team.far, theirs, 50_000, "HT2026-0002")
    return finance, bank, mine, theirs, contract, far_contract


async def add(client: httpx.AsyncClient, headers, contract_id, due_on, amount_fen, note=""):  # type: ignore[no-untyped-def]
    body = {"due_on": due_on, "amount_fen": amount_fen, "note": note}
    return await client.post(f"{plan_url(contract_id)}/instalments", json=body, headers=headers)


async def test_a_plan_adds_up_to_the_contract_and_derives_statuses_from_receipts(
    client: httpx.AsyncClient,
) -> None:
    finance, bank, mine, _, contract, _ = await world()
    rep = await bearer(finance.team.rep)
    cashier = await bearer(finance.cashier)
    with clock.freeze(NOW):
        for due_on, amount in (("2026-07-10", 30_000), ("2026-06-10", 30_000)):
            added = await add(client, rep, contract.id, due_on, amount, "首付")
            assert added.status_code == 201, added.text
        plan = (await add(client, rep, contract.id, "2026-08-10", 40_000)).json()
        first, second, third = plan["instalments"]
        assert [
            (i["seq"], i["due_on"], i["amount_fen"], i["status"]) for i in (first, second, third)
        ] == [
            (1, "2026-06-10", 30_000, "overdue"),
            (2, "2026-07-10", 30_000, "not_due"),
            (3, "2026-08-10", 40_000, "not_due"),
        ]
        assert (plan["planned_fen"], plan["remaining_fen"], plan["editable"]) == (
            100_000,
            100_000,
            True,
        )
        # One fen beyond the contract amount, by adding or by editing: 422, nothing changed.
        before = await instalment_rows()
        over = await add(client, rep, contract.id, "2026-09-10", 1)
        assert (over.status_code, over.json()["error"], field(over)) == (
            422,
            "plan_exceeds_contract",
            "amount_fen",
        )
        body = {"due_on": "2026-08-10", "amount_fen": 40_001}
        edited = await client.put(plan_url(contract.id, third["id"]), json=body, headers=rep)
        assert (edited.status_code, edited.json()["error"]) == (422, "plan_exceeds_contract")
        bad = await add(client, rep, contract.id, "2026-13-01", 0)
        assert bad.status_code == 422
        assert await instalment_rows() == before

        # Receipts against instalments: confirmed ones count as paid, pending ones don't.
        paid = await client.post(
            "/api/v1/payments/receipts",
            json=receipt(
                mine.id, bank.id, "plan-r-0001", contract_id=contract.id, plan_id=first["id"]
            ),
            headers=rep,
        )
        assert (paid.status_code, paid.json()["contract_number"]) == (201, "HT2026-0001"), paid.text
        assert (
            await client.post(
                f"/api/v1/payments/receipts/{paid.json()['id']}/confirm", headers=cashier
            )
        ).status_code == 200
        partial = await client.post(
            "/api/v1/payments/receipts",
            json=receipt(
                mine.id,
                bank.id,
                "plan-r-0002",
                amount_fen=10_000,
                contract_id=contract.id,
                plan_id=second["id"],
            ),
            headers=rep,
        )
        assert partial.status_code == 201, partial.text
        plan = (await client.get(plan_url(contract.id), headers=rep)).json()
        assert [(i["paid_fen"], i["pending_fen"], i["status"]) for i in plan["instalments"]] == [
            (30_000, 0, "paid"),
            (0, 10_000, "not_due"),
            (0, 0, "not_due"),
        ]
        assert (plan["paid_fen"], plan["pending_fen"], plan["remaining_fen"]) == (
            30_000,
            10_000,
            60_000,
        )
        await client.post(
            f"/api/v1/payments/receipts/{partial.json()['id']}/confirm", headers=cashier
        )
        plan = (await client.get(plan_url(contract.id), headers=rep)).json()
        assert [i["status"] for i in plan["instalments"]] == ["paid", "partial", "not_due"]

        # Instalments with receipts are frozen; others in scope only; closed contracts not at all.
        before = await instalment_rows()
        body = {"due_on": "2026-06-11", "amount_fen": 30_000}
        frozen = await client.put(plan_url(contract.id, first["id"]), json=body, headers=rep)
        assert (frozen.status_code, frozen.json()["error"]) == (409, "instalment_has_receipts")
        gone = await client.delete(plan_url(contract.id, second["id"]), headers=rep)
        assert (gone.status_code, gone.json()["error"]) == (409, "instalment_has_receipts")
        far = await bearer(finance.team.far)
        hidden = await client.put(plan_url(contract.id, third["id"]), json=body, headers=far)
        assert (hidden.status_code, hidden.json()["error"]) == (404, "contract_not_found")
        elsewhere = await client.get(plan_url(contract.id), headers=far)
        assert elsewhere.status_code == 404
        await contract.filter(id=contract.id).update(status=ContractStatus.VOID)
        closed = await client.delete(plan_url(contract.id, third["id"]), headers=rep)
        assert (closed.status_code, closed.json()["error"]) == (409, "plan_not_editable")
        assert await instalment_rows() == before
        await contract.filter(id=contract.id).update(status=ContractStatus.SIGNED)
        deleted = await client.delete(plan_url(contract.id, third["id"]), headers=rep)
        assert [i["id"] for i in deleted.json()["instalments"]] == [first["id"], second["id"]]


async def test_receipts_against_a_contract_refuse_bad_links_and_amounts_beyond_it(
    client: httpx.AsyncClient,
) -> None:
    finance, bank, mine, theirs, contract, far_contract = await world()
    other = await make_contract(finance.team.rep, mine, 10_000, "HT2026-0003")
    rep = await bearer(finance.team.rep)
    with clock.freeze(NOW):
        foreign = (await add(client, rep, other.id, "2026-07-01", 10_000)).json()["instalments"][0]
        before = await receipt_rows()
        cases = [
            ({"contract_id": far_contract.id}, 404, "contract_not_found", "contract_id"),
            (
                {"contract_id": contract.id, "customer_id": theirs.id},
                404,
                "customer_not_found",
                None,
            ),
            (
                {"contract_id": contract.id, "plan_id": foreign["id"]},
                404,
                "instalment_not_found",
                "plan_id",
            ),
            ({"plan_id": foreign["id"]}, 422, "receipt_plan_without_contract", "plan_id"),
            (
                {"contract_id": contract.id, "amount_fen": 100_001},
                409,
                "payment_exceeds_contract",
                "amount_fen",
            ),
        ]
        for n, (extra, status, code, named) in enumerate(cases):
            body = {**receipt(mine.id, bank.id, f"bad-receipt-{n:04d}"), **extra}
            answer = await client.post("/api/v1/payments/receipts", json=body, headers=rep)
            assert (answer.status_code, answer.json()["error"], field(answer)) == (
                status,
                code,
                named,
            ), extra
        # The customer in scope but the contract another customer's: 422.
        third = await make_customer(finance.team.rep, "上海茶行", "13700137000")
        body = receipt(third.id, bank.id, "bad-receipt-0100", contract_id=contract.id)
        mismatch = await client.post("/api/v1/payments/receipts", json=body, headers=rep)
        assert (mismatch.status_code, mismatch.json()["error"]) == (
            422,
            "receipt_contract_mismatch",
        )
        assert await receipt_rows() == before
        # Pending receipts count against what remains; rejected ones free it again.
        first = await client.post(
            "/api/v1/payments/receipts",
            json=receipt(
                mine.id, bank.id, "ok-receipt-0001", amount_fen=70_000, contract_id=contract.id
            ),
            headers=rep,
        )
        assert first.status_code == 201
        body = receipt(
            mine.id, bank.id, "ok-receipt-0002", amount_fen=30_001, contract_id=contract.id
        )
        beyond = await client.post("/api/v1/payments/receipts", json=body, headers=rep)
        assert (beyond.status_code, beyond.json()["error"], beyond.json()["detail"]) == (
            409,
            "payment_exceeds_contract",
            "回款 300.01 元超过合同尚未回款的 300.00 元",
        )
        cashier = await bearer(finance.cashier)
        rejected = await client.post(
            f"/api/v1/payments/receipts/{first.json()['id']}/reject",
            json={"reason": "金额不符"},
            headers=cashier,
        )
        assert rejected.status_code == 200
        body = receipt(
            mine.id, bank.id, "ok-receipt-0003", amount_fen=100_000, contract_id=contract.id
        )
        assert (
            await client.post("/api/v1/payments/receipts", json=body, headers=rep)
        ).status_code == 201


async def test_two_concurrent_receipts_cannot_both_exceed_the_contract(
    client: httpx.AsyncClient,
) -> None:
    finance, bank, mine, _, contract, _ = await world()
    rep = await bearer(finance.team.rep)
    answers = await asyncio.gather(
        *(
            client.post(
                "/api/v1/payments/receipts",
                json=receipt(
                    mine.id, bank.id, f"race-{n:04d}", amount_fen=60_000, contract_id=contract.id
                ),
                headers=rep,
            )
            for n in range(2)
        )
    )
    assert sorted(a.status_code for a in answers) == [201, 409]
    assert [a.json()["error"] for a in answers if a.status_code == 409] == [
        "payment_exceeds_contract"
    ]
    assert await Receipt.filter(contract_id=contract.id).values_list("amount_fen", flat=True) == [
        60_000
    ]


async def test_reminders_are_recorded_once_per_instalment_per_day(
    client: httpx.AsyncClient,
) -> None:
    finance, _bank, mine, _theirs, contract, far_contract = await world()
    draft = await make_contract(finance.team.rep, mine, 10_000, "HT2026-0009", ContractStatus.DRAFT)
    rep = await bearer(finance.team.rep)
    with clock.freeze(NOW):
        for due_on, amount in (
            ("2026-06-10", 20_000),
            ("2026-06-23", 30_000),
            ("2026-06-24", 40_000),
        ):
            await add(client, rep, contract.id, due_on, amount)
        await add(client, rep, draft.id, "2026-06-01", 10_000)
        await add(client, await bearer(finance.team.far), far_contract.id, "2026-06-21", 50_000)
        # Within 3 days (06-23), overdue (06-10), the far rep's (06-21); not 06-24 nor the draft.
        assert await receivables.record_reminders() == 3
        assert await receivables.record_reminders() == 0
        listed = await client.get("/api/v1/payments/plan-reminders?mine=true", headers=rep)
        assert [
            (r["kind"], r["due_on"], r["outstanding_fen"], r["contract_number"], r["customer_name"])
            for r in listed.json()
        ] == [
            ("overdue", "2026-06-10", 20_000, "HT2026-0001", "北京茶行"),
            ("due_soon", "2026-06-23", 30_000, "HT2026-0001", "北京茶行"),
        ]
        far = await client.get(
            "/api/v1/payments/plan-reminders", headers=await bearer(finance.team.far)
        )
        assert [r["due_on"] for r in far.json()] == ["2026-06-21"]
        clock.advance(timedelta(days=1))
        assert await receivables.record_reminders() == 4
        assert await receivables.record_reminders() == 0
    days = await PlanReminder.all().order_by("day", "due_on").values_list("day", "kind", "due_on")
    assert days == [
        (date(2026, 6, 20), "overdue", date(2026, 6, 10)),
        (date(2026, 6, 20), "due_soon", date(2026, 6, 21)),
        (date(2026, 6, 20), "due_soon", date(2026, 6, 23)),
        (date(2026, 6, 21), "overdue", date(2026, 6, 10)),
        (date(2026, 6, 21), "due_soon", date(2026, 6, 21)),
        (date(2026, 6, 21), "due_soon", date(2026, 6, 23)),
        (date(2026, 6, 21), "due_soon", date(2026, 6, 24)),
    ]


async def test_aging_buckets_outstanding_instalments_per_customer_on_a_fixed_clock(
    client: httpx.AsyncClient,
) -> None:
    finance, bank, mine, _theirs, contract, far_contract = await world()
    big = await make_contract(finance.team.rep, mine, 1_000_000, "HT2026-0005")
    draft = await make_contract(finance.team.rep, mine, 10_000, "HT2026-0006", ContractStatus.DRAFT)
    rep = await bearer(finance.team.rep)
    with clock.freeze(NOW):
        for due_on, amount in (
            ("2026-06-25", 10_000),  # not due
            ("2026-06-19", 20_000),  # 1 day
            ("2026-05-21", 5_000),  # 30 days
            ("2026-05-20", 7_000),  # 31 days
            ("2026-03-22", 3_000),  # 90 days
            ("2026-03-21", 1_000),  # 91 days
        ):
            await add(client, rep, big.id, due_on, amount)
        await add(client, rep, draft.id, "2026-01-01", 10_000)
        paid = (await add(client, rep, contract.id, "2026-06-01", 40_000)).json()["instalments"][0]
        created = await client.post(
            "/api/v1/payments/receipts",
            json=receipt(
                mine.id,
                bank.id,
                "aging-0001",
                amount_fen=15_000,
                contract_id=contract.id,
                plan_id=paid["id"],
            ),
            headers=rep,
        )
        await client.post(
            f"/api/v1/payments/receipts/{created.json()['id']}/confirm",
            headers=await bearer(finance.cashier),
        )
        await add(client, await bearer(finance.team.far), far_contract.id, "2026-04-01", 50_000)

        mine_only = (await client.get("/api/v1/payments/aging", headers=rep)).json()
        assert mine_only["labels"] == ["未到期", "1–30 天", "31–60 天", "61–90 天", ">90 天"]
        assert [
            (r["customer_name"], r["customer_phone"], r["buckets"], r["total_fen"])
            for r in mine_only["items"]
        ] == [("北京茶行", "13800138000", [10_000, 50_000, 7_000, 3_000, 1_000], 71_000)]
        everyone = (
            await client.get("/api/v1/payments/aging", headers=await bearer(finance.cashier))
        ).json()
        assert [
            (r["customer_name"], r["customer_phone"], r["total_fen"]) for r in everyone["items"]
        ] == [
            ("北京茶行", "138****8000", 71_000),
            ("广州茶行", "139****9000", 50_000),
        ]
        assert (everyone["as_of"], everyone["totals"], everyone["total_fen"]) == (
            "2026-06-20",
            [10_000, 50_000, 7_000, 53_000, 1_000],
            121_000,
        )
        # The customer 360's 回款 section: per binding contract, paid and still owed.
        overview = await client.get(f"/api/v1/customers/{mine.id}/overview", headers=rep)
        section = {s["key"]: s for s in overview.json()["sections"]}["receipts"]
        assert (section["subtitle"], section["table"]["rows"]) == (
            "未回款 10,850.00 元",
            [
                {
                    "number": "HT2026-0005",
                    "amount": "10,000.00",
                    "paid": "0.00",
                    "pending": "0.00",
                    "owed": "10,000.00",
                },
                {
                    "number": "HT2026-0001",
                    "amount": "1,000.00",
                    "paid": "150.00",
                    "pending": "0.00",
                    "owed": "850.00",
                },
            ],
        )
        exported = await client.get("/api/v1/payments/aging/export", headers=rep)
        assert (exported.status_code, exported.content[:2]) == (200, b"PK")
