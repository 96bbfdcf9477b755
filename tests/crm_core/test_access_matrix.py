"""Every /api/v1 route × every built-in role: 403 without the permission, 404 outside the data
scope (every id in the path or the body, one at a time), the database unchanged after every
refused write, and a granted call on the objects in scope really reaches them (never a 404)."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from tortoise import connections

from campaigns.segments.models import Segment
from crm_core import clock
from crm_core.http import require
from crm_core.org.models import Department, Position, Role, Staff
from crm_core.org.rules import BUILTIN_ROLES
from crm_core.permissions import ALL
from crm_core.sales.opportunities.models import LostReason, Stage
from scrm.app import create_app
from tests.factories import bearer, make_staff, make_store

# Login and logout, and what any signed-in staff member may read about themselves.
PUBLIC = {
    ("POST", "/api/v1/auth/token"),
    ("DELETE", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/session"),
    ("GET", "/api/v1/auth/session"),
    ("DELETE", "/api/v1/auth/session"),
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/permissions"),
    # Every signed-in staff member has a workbench; each section checks its own permission.
    ("GET", "/api/v1/workbench"),
    # Export jobs: each kind checks its own export permission when started and again when run;
    # a job is seen and downloaded only by the staff member who started it (test_export_jobs.py).
    ("POST", "/api/v1/export-jobs"),
    ("GET", "/api/v1/export-jobs/{job_id}"),
    ("GET", "/api/v1/export-jobs/{job_id}/file"),
    # A tracked short link in a message (campaigns/links/views.py): the member's phone follows
    # it with no login; an unguessable code is the only key.
    ("GET", "/t/{code}"),
}
SCOPED = {
    "department_id": "department",
    "staff_id": "staff",
    "store_id": "store",
    "qrcode_id": "qrcode",
    "fan_id": "fan",
    "member_id": "member",
    # Member-bound fulfilment and the till's orders (docs/loyalty.md "Data scope").
    "award_id": "award",
    "exchange_id": "exchange",
    "order_id": "order",
    "merge_id": "merge",
    # Customers by their owner (crm_core/customers/repository.py), contacts by their customer.
    "customer_id": "customer",
    "contact_id": "contact",
    # Leads and opportunities by their owner (crm_core/sales/*/repository.py).
    "lead_id": "lead",
    "opportunity_id": "opportunity",
    # Approval requests by their requester, or the caller's part in them (approvals/repository.py).
    "request_id": "approval",
    # Quotes by their owner (crm_core/sales/quotes/repository.py).
    "quote_id": "quote",
    # Contracts and the B2B orders drawn from them by their owner (sales/contracts, sales/orders);
    # an attachment through its contract.
    "contract_id": "contract",
    "attachment_id": "attachment",
    "contract_order_id": "contract_order",
    # Receipts (回款) by their customer's owner (crm_core/payments/repository.py).
    "receipt_id": "receipt",
    # Reviews by their till order's store (analytics/reviews/repository.py).
    "review_id": "review",
    # A payment plan's instalment through its contract (crm_core/payments/service/plans.py).
    "instalment_id": "instalment",
}
# Brand- or system-level objects: the function permission alone decides (docs/wechat.md "Data
# scope"). Official accounts are linked to no department, so their auto-replies and menus aren't.
UNSCOPED = {
    # Owner-bound, not scoped: another staff member gets 404 (test_export_jobs.py).
    "job_id",
    "account_id",
    "reply_id",
    "menu_id",
    "position_id",
    "role_id",
    "message_id",
    "modem_id",
    "template_id",
    "phone",
    # The loyalty programme's configuration, and prize, mall and red-packet fulfilment,
    # which the brand runs centrally (docs/loyalty.md).
    "tier_id",
    "coupon_template_id",
    "activity_id",
    "item_id",
    "red_packet_id",
    # The member center's look is the brand's.
    "banner_id",
    # Segments are the brand's; what they count follows the caller's data scope.
    "segment_id",
    # Care messages and the festival calendar are brand-wide settings.
    "care_type",
    "festival_id",
    # Mass campaigns are the brand's; their recipients follow the starter's data scope.
    "campaign_id",
    # The public pool's rules are brand-wide, one per customer level (a–d).
    "level",
    # The opportunity stages and lost reasons are the brand's configuration.
    "stage_id",
    "reason_id",
    # An approvable record kind ("customer"): the engine's registry, not a row.
    "kind",
    # The product catalogue is the brand's (crm_core/catalog/repository.py).
    "category_id",
    "field_id",
    "product_id",
    "sku_id",
    # The company's money (crm_core/payments): fund accounts, journal entries, suppliers and
    # supplier payments are company-wide, guarded by the finance permissions alone.
    "fund_account_id",
    "entry_id",
    "supplier_id",
    "payment_id",
}
# Ids in request bodies: each is scoped (the same kinds as the path) or brand-level.
BODY_SCOPED = {
    "department_id": "department",
    "parent_id": "department",
    "staff_id": "staff",
    "manager_id": "staff",
    "guide_id": "staff",
    "store_id": "store",
    "member_id": "member",
    # A member id or card number: the member to merge in.
    "source": "member",
    "qrcode_id": "qrcode",
    # Who gets a customer: a staff member in the caller's scope.
    "owner_id": "staff",
    "to_staff_id": "staff",
    # An opportunity's or a quote's customer: one the caller may see.
    "customer_id": "customer",
    # The record an approval is asked for: a customer, the one kind built so far.
    "record_id": "customer",
    # A contract's opportunity and quote: ones the caller may see.
    "opportunity_id": "opportunity",
    "quote_id": "quote",
    # A receipt's contract and its instalment (回款计划): in the contracts' scope.
    "contract_id": "contract",
    "plan_id": "instalment",
}
BODY_UNSCOPED = {
    "segment_id",
    "account_id",
    "gh_id",
    "media_id",
    "tag_id",
    "campaign_id",
    "position_id",
    "coupon_template_id",
    "birthday_coupon_template_id",
    # WeChat Pay's merchant number, not a row of ours (the brand's one merchant).
    "mch_id",
    # A care message's WeChat template (WeChat's template id, the brand's own setting).
    "template_id",
    # Opportunity stages and lost reasons (brand-level configuration).
    "stage_id",
    "lost_reason_id",
    # The catalogue's categories and SKUs (a category's parent_id is a category, and only
    # admins, whose scope is all, edit the tree).
    "category_id",
    "sku_id",
    # A delivery note's line: checked against the order in the path (422 delivery_line_invalid).
    "order_line_id",
    # Fund accounts and suppliers are company-wide (crm_core/payments); a proof is owner-bound:
    # only its uploader may attach it (404 proof_not_found otherwise).
    "from_account_id",
    "to_account_id",
    "supplier_id",
    "proof_id",
}
# Bodies that use a scoped id only together with another field.
BODY_WITH = {
    ("PATCH", "/api/v1/departments/{department_id}", "parent_id"): {"move": True},
    ("POST", "/api/v1/wechat/qrcodes", "guide_id"): {"kind": "guide", "store_id": None},
}


def all_routes(routes: list[Any]) -> list[Any]:
    """Every API route with its full path. FastAPI includes routers lazily: an included router
    answers for its routes through effective contexts that carry the prefixes."""
    flat: list[Any] = []
    for route in routes:
        if hasattr(route, "effective_route_contexts"):
            flat += [c for c in route.effective_route_contexts() if hasattr(c, "dependant")]
        elif isinstance(route, APIRoute):
            flat.append(route)
    return flat


def body_ids(route: Any) -> list[str]:
    """The id-bearing fields of a route's request body."""
    found: list[str] = []
    for param in route.dependant.body_params:
        model = param.field_info.annotation
        for name, info in getattr(model, "model_fields", {}).items():
            # "source" names a member to merge in; a customer's source (来源) is a choice.
            merge_source = name == "source" and info.annotation is str
            if name.endswith("_id") or merge_source:
                found.append(name)
    return found


def api_body_ids() -> dict[tuple[str, str], list[str]]:
    return {
        (method, route.path): body_ids(route)
        for route in all_routes(create_app(boot=False).routes)
        if route.path.startswith("/api/v1") and body_ids(route)
        for method in route.methods
    }


def api_routes() -> list[tuple[str, str, str | None]]:
    found = []
    for route in all_routes(create_app(boot=False).routes):
        if route.path.startswith("/api/v1"):
            needs = [
                d.call.permission
                for d in route.dependant.dependencies
                if isinstance(d.call, require)
            ]
            for method in sorted(route.methods):
                found.append((method, route.path, needs[0] if needs else None))
    return found


ROUTES = api_routes()
BODY_IDS = api_body_ids()


def test_every_route_names_a_permission() -> None:
    unguarded = [(m, p) for m, p, perm in ROUTES if perm is None and (m, p) not in PUBLIC]
    assert unguarded == []
    assert len(ROUTES) >= 28


def test_every_path_parameter_is_scoped_or_declared_brand_level() -> None:
    import re

    names = {name for _, path, _ in ROUTES for name in re.findall(r"{(\w+)}", path)}
    assert names - SCOPED.keys() - UNSCOPED == set()


def test_only_brand_level_objects_may_be_missing_from_the_world() -> None:
    assert [p for _, p in NOT_BUILT if any(f"{{{k}}}" in p for k in SCOPED)] == []


def test_every_body_id_is_scoped_or_declared_brand_level() -> None:
    names = {name for fields in BODY_IDS.values() for name in fields}
    assert names - BODY_SCOPED.keys() - BODY_UNSCOPED == set()
    assert len(BODY_IDS) >= 20


@dataclass
class World:
    actor: Staff
    inside: dict[str, int]
    outside: dict[str, int]
    position: int
    role: int
    account: int = 0
    brand: dict[str, int] = field(default_factory=dict)


async def build_world(role_code: str) -> World:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东", parent=root)
    south = await Department.create(name="华南", parent=root)
    east_store = await make_store(east, code="E01")
    south_store = await make_store(south, code="S01")
    actor = await make_staff(role_code, department=east, store=east_store)
    colleague = await make_staff("guide", department=east, store=east_store)
    stranger = await make_staff("guide", department=south, store=south_store)
    position = await Position.create(name="店员")
    role = await Role.create(code="custom", name="自定义", permissions=["org.store:view"])
    own_scope = BUILTIN_ROLES[role_code][3] == "own"
    channel = await wechat_world(east_store.id, actor.id, south_store.id, stranger.id)
    owner = actor.id if own_scope else colleague.id
    for side, crm in (await customer_world(owner, stranger.id)).items():
        channel[side].update(crm)
    for side, approval in (await approval_world(channel, owner, stranger.id)).items():
        channel[side].update(approval)
    catalogue = await catalog_world(owner, stranger.id, channel)
    await contract_world(channel, catalogue["sku"])
    catalogue.update(await payments_world(channel, stranger.id))
    brand = await member_world(channel, {"inside": east_store.id, "outside": south_store.id})
    brand["stage"] = (await Stage.get(name="商务洽谈")).id
    brand["reason"] = (await LostReason.get(name="其他")).id
    brand["segment"] = (
        await Segment.create(
            name="全部会员", rule={}, created_at=clock.utc_now(), updated_at=clock.utc_now()
        )
    ).id
    brand.update(catalogue)
    return World(
        actor=actor,
        inside={
            "department": east.id,
            "store": east_store.id,
            "staff": actor.id if own_scope else colleague.id,
            **channel["inside"],
        },
        outside={
            "department": south.id,
            "store": south_store.id,
            "staff": stranger.id,
            **channel["outside"],
        },
        position=position.id,
        role=role.id,
        account=channel["account"]["id"],
        brand=brand,
    )


async def wechat_world(
    store: int, guide: int, far_store: int, far_guide: int
) -> dict[str, dict[str, int]]:
    """A guide code, fan and member inside the actor's scope, and the same outside it."""
    from members.models import Member
    from wechat.models import Fan, OfficialAccount, QrCode, QrKind

    account = await OfficialAccount.create(
        appid="wxmatrix0000001", name="矩阵", secret_sealed="", token_sealed=""
    )
    ids: dict[str, dict[str, int]] = {"account": {"id": account.id}}
    for side, (store_id, guide_id) in (
        ("inside", (store, guide)),
        ("outside", (far_store, far_guide)),
    ):
        code = await QrCode.create(
            account=account,
            kind=QrKind.GUIDE,
            name=side,
            scene=f"g_{side}",
            store_id=store_id,
            guide_id=guide_id,
        )
        fan = await Fan.create(
            account=account, openid=f"o_{side}", store_id=store_id, guide_id=guide_id
        )
        member = await Member.create(
            first_store_id=store_id, first_guide_id=guide_id, created_at=fan.created_at
        )
        ids[side] = {"qrcode": code.id, "fan": fan.id, "member": member.id}
    return ids


async def member_world(
    channel: dict[str, dict[str, int]], stores: dict[str, int]
) -> dict[str, int]:
    """Per side, for the side's member: a till order, a mall order and a prize both awaiting
    shipment, a done merge, and a twin to merge in. Returns the brand-level item and wheel."""
    from analytics.reviews.models import Review
    from crm_core.sales.models import SalesOrder
    from loyalty.lottery.models import Activity, Award, AwardStatus, Draw, DrawOutcome, Prize
    from loyalty.mall.models import ExchangeStatus, ItemKind, MallItem, MallOrder
    from members.merge import merge
    from members.models import Member

    now = clock.utc_now()
    item = await MallItem.create(name="帆布袋", kind=ItemKind.PHYSICAL, points_price=10, stock=5)
    wheel = await Activity.create(
        name="转盘", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=30)
    )
    prize = await Prize.create(
        activity=wheel, name="杯子", kind="physical", weight=1, stock=1, stock_total=1
    )
    for side in ("inside", "outside"):
        ids, store_id = channel[side], stores[side]
        member = await Member.get(id=ids["member"])
        order = await SalesOrder.create(
            store_id=store_id,
            order_no=f"MX-{side}",
            member_id=member.id,
            total_fen=1000,
            paid_at=now,
            request_hash="0" * 64,
            created_at=now,
        )
        address = {"recipient": "张三", "phone": "13800138000", "address": "长宁路1号"}
        exchange = await MallOrder.create(
            item=item,
            member_id=member.id,
            seq=1,
            idempotency_key=f"matrix-{side}",
            points=10,
            points_entry_id=0,
            status=ExchangeStatus.AWAITING_SHIPMENT,
            created_at=now,
            **address,
        )
        draw = await Draw.create(
            activity=wheel,
            member_id=member.id,
            day=now.date(),
            seq=1,
            idempotency_key=f"matrix-draw-{side}",
            rng_value=0,
            total_weight=1,
            config_hash="0" * 64,
            prize_id=prize.id,
            outcome=DrawOutcome.WIN,
            created_at=now,
        )
        award = await Award.create(
            draw=draw,
            activity_id=wheel.id,
            member_id=member.id,
            prize=prize,
            win_seq=1,
            status=AwardStatus.AWAITING_SHIPMENT,
            created_at=now,
            **address,
        )
        people = {
            "first_store_id": member.first_store_id,  # type: ignore[attr-defined]
            "first_guide_id": member.first_guide_id,  # type: ignore[attr-defined]
            "created_at": now,
        }
        merged = await Member.create(**people)
        record = await merge(member.id, merged.id)
        twin = await Member.create(**people)
        review = await Review.create(
            order_id=order.id,
            member_id=member.id,
            store_id=store_id,
            stars=2,
            sentiment="bad",
            text="尺码偏大",
            day=now.date(),
            created_at=now,
        )
        ids.update(
            order=order.id,
            exchange=exchange.id,
            award=award.id,
            merge=record.id,
            twin=twin.id,
            review=review.id,
        )
    return {"item": item.id, "activity": wheel.id}


async def customer_world(inside: int, outside: int) -> dict[str, dict[str, int]]:
    """A customer with a contact owned inside the actor's scope, and one outside it."""
    from crm_core.customers.models import Contact, Customer

    now = clock.utc_now()
    ids: dict[str, dict[str, int]] = {}
    for side, owner, phone in (
        ("inside", inside, "+8613700137001"),
        ("outside", outside, "+8613700137002"),
    ):
        customer = await Customer.create(
            name=side, name_key=side, phone=phone, owner_id=owner, created_at=now, updated_at=now
        )
        contact = await Contact.create(customer=customer, name="联系人", created_at=now)
        ids[side] = {"customer": customer.id, "contact": contact.id}
        ids[side].update(await pipeline_world(customer, owner, phone))
    return ids


async def pipeline_world(customer: Any, owner: int, phone: str) -> dict[str, int]:
    """A lead and an opportunity owned like the side's customer."""
    from crm_core.sales.leads.models import Lead
    from crm_core.sales.opportunities.models import Opportunity, Stage
    from crm_core.sales.opportunities.service.stages import ensure_defaults

    await ensure_defaults()
    now = clock.utc_now()
    first = await Stage.get(name="初次沟通")
    lead = await Lead.create(
        name="线索", phone=phone, owner_id=owner, created_at=now, updated_at=now
    )
    deal = await Opportunity.create(
        customer=customer,
        name="商机",
        amount_fen=100,
        expected_close_date=now.date(),
        stage=first,
        owner_id=owner,
        stage_entered_at=now,
        created_at=now,
        updated_at=now,
    )
    return {"lead": lead.id, "opportunity": deal.id}


async def approval_world(
    channel: dict[str, dict[str, int]], inside: int, outside: int
) -> dict[str, dict[str, int]]:
    """Per side, a pending credit-limit request on the side's customer, raised and to be decided
    by the side's staff member."""
    from crm_core.approvals.models import ApprovalRequest, ApprovalStep, StepStatus

    now = clock.utc_now()
    ids: dict[str, dict[str, int]] = {}
    for side, staff in (("inside", inside), ("outside", outside)):
        request = await ApprovalRequest.create(
            kind="customer",
            record_id=channel[side]["customer"],
            title=side,
            amount_fen=100_000,
            requester_id=staff,
            current_step=1,
            submitted_at=now,
            updated_at=now,
        )
        await ApprovalStep.create(
            request=request,
            seq=1,
            name="经理",
            approver_id=staff,
            assigned_id=staff,
            status=StepStatus.PENDING,
        )
        ids[side] = {"approval": request.id}
    return ids


def approval_bodies(world: World) -> dict[tuple[str, str], dict[str, object]]:
    prefix = "/api/v1/approvals"
    decision = {"step": 1, "version": 0}
    return {
        ("POST", f"{prefix}/requests"): {
            "kind": "customer",
            "record_id": world.inside["customer"],
            "amount_fen": 100_000,
        },
        ("PUT", f"{prefix}/flows/{{kind}}"): {
            "steps": [{"name": "经理", "approver_type": "role", "role": "sales_manager"}]
        },
        ("POST", f"{prefix}/requests/{{request_id}}/approve"): decision,
        ("POST", f"{prefix}/requests/{{request_id}}/reject"): {**decision, "comment": "不同意"},
        ("POST", f"{prefix}/requests/{{request_id}}/return"): {**decision, "comment": "补充"},
        ("POST", f"{prefix}/requests/{{request_id}}/delegate"): {
            **decision,
            "to_staff_id": world.inside["staff"],
        },
        ("POST", f"{prefix}/requests/{{request_id}}/withdraw"): {"version": 0},
        ("POST", f"{prefix}/requests/{{request_id}}/resubmit"): {"version": 0},
    }


async def catalog_world(
    inside: int, outside: int, channel: dict[str, dict[str, int]]
) -> dict[str, int]:
    """A category, a global custom field, a product with its SKU (the brand's), and per side a
    draft quote owned inside or outside the actor's scope for that side's customer."""
    from crm_core.catalog.models import CustomField, Product, ProductCategory, Sku
    from crm_core.sales.quotes.models import Quote, QuoteLine

    now = clock.utc_now()
    category = await ProductCategory.create(name="矩阵分类", created_at=now)
    field = await CustomField.create(key="origin", label="产地", kind="text", created_at=now)
    product = await Product.create(name="矩阵产品", created_at=now, updated_at=now)
    sku = await Sku.create(product=product, code="MX-1", price_fen=100, created_at=now)
    for side, owner in (("inside", inside), ("outside", outside)):
        quote = await Quote.create(
            number=f"BJ-2099-{owner:04d}",
            customer_id=channel[side]["customer"],
            owner_id=owner,
            valid_until="2099-12-31",
            subtotal_fen=100,
            total_fen=100,
            created_at=now,
            updated_at=now,
        )
        await QuoteLine.create(
            quote=quote,
            sku=sku,
            sku_code="MX-1",
            product_name="矩阵产品",
            unit="件",
            quantity=1,
            unit_price_fen=100,
            amount_fen=100,
        )
        channel[side]["quote"] = quote.id
    return {"category": category.id, "field": field.id, "product": product.id, "sku": sku.id}


async def contract_world(channel: dict[str, dict[str, int]], sku: int) -> None:
    """Per side, an approved contract on the side's quote (owned like it) with one line, a PDF
    attachment, and an order from it waiting for delivery."""
    from crm_core import storage
    from crm_core.sales.contracts.models import Contract, ContractAttachment, ContractLine
    from crm_core.sales.orders.models import ContractOrder, ContractOrderLine, ContractOrderStatus
    from crm_core.sales.quotes.models import Quote

    now = clock.utc_now()
    for side in ("inside", "outside"):
        quote = await Quote.get(id=channel[side]["quote"])
        contract = await Contract.create(
            number=f"HT-2099-{quote.owner_id:04d}",
            title="矩阵合同",
            customer_id=quote.customer_id,
            owner_id=quote.owner_id,
            status="approved",
            subtotal_fen=500,
            amount_fen=500,
            created_at=now,
            updated_at=now,
        )
        line = await ContractLine.create(
            contract=contract,
            sku_id=sku,
            sku_code="MX-1",
            product_name="矩阵产品",
            unit="件",
            quantity=5,
            unit_price_fen=100,
            amount_fen=500,
        )
        stored = await storage.save(f"contracts/{contract.id}", "合同.pdf", MATRIX_PDF)
        attachment = await ContractAttachment.create(
            contract=contract,
            name=stored.name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            storage_key=stored.key,
            uploaded_by_id=quote.owner_id,
            created_at=now,
        )
        proof = await storage.save(f"orders/{contract.id}", "凭证.pdf", MATRIX_PDF)
        order = await ContractOrder.create(
            number=f"DD-2099-{quote.owner_id:04d}",
            contract=contract,
            customer_id=quote.customer_id,
            owner_id=quote.owner_id,
            status=ContractOrderStatus.TO_DELIVER,
            amount_fen=200,
            proof_name=proof.name,
            proof_content_type=proof.content_type,
            proof_size=proof.size,
            proof_sha256=proof.sha256,
            proof_key=proof.key,
            created_at=now,
            updated_at=now,
        )
        order_line = await ContractOrderLine.create(
            order=order,
            contract_line=line,
            sku_code="MX-1",
            product_name="矩阵产品",
            unit="件",
            quantity=2,
            unit_price_fen=100,
            amount_fen=200,
        )
        channel[side].update(
            contract=contract.id,
            attachment=attachment.id,
            contract_order=order.id,
            contract_line=line.id,
            order_line=order_line.id,
        )


MATRIX_PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def disk_storage(tmp_path: Any) -> Any:
    from crm_core import storage

    storage.use_backend(storage.DiskBackend(tmp_path / "files"))
    yield
    storage.use_backend(None)


def contract_bodies(world: World) -> dict[tuple[str, str], dict[str, object]]:
    contracts, orders, inside = "/api/v1/contracts", "/api/v1/orders", world.inside
    contract = {
        "title": "矩阵合同",
        "customer_id": inside["customer"],
        "opportunity_id": inside["opportunity"],
        "quote_id": inside["quote"],
        "lines": [{"sku_id": world.brand["sku"], "quantity": 2}],
    }
    return {
        ("POST", contracts): contract,
        ("PUT", f"{contracts}/{{contract_id}}"): contract,
        ("POST", f"{contracts}/from-quote"): {"quote_id": inside["quote"]},
        ("POST", f"{contracts}/{{contract_id}}/status"): {"status": "signed"},
        ("POST", f"{orders}/{{contract_order_id}}/deliveries"): {
            "shipped_on": "2099-01-02",
            "lines": [{"order_line_id": inside["order_line"], "quantity": 1}],
        },
    }


def order_form(world: World) -> dict[str, str]:
    import json

    line = {"contract_line_id": world.inside["contract_line"], "quantity": 1}
    return {"order": json.dumps({"contract_id": world.inside["contract"], "lines": [line]})}


async def payments_world(channel: dict[str, dict[str, int]], stranger: int) -> dict[str, int]:
    """A fund account with an adjustment to reverse, a supplier with an approved payment, and per
    side a pending receipt (with its proof) for that side's customer, recorded by a stranger."""
    from crm_core import storage
    from crm_core.payments.models import (
        FundAccount,
        Instalment,
        JournalEntry,
        PaymentStatus,
        Proof,
        Receipt,
        Supplier,
        SupplierPayment,
    )

    now, day = clock.utc_now(), clock.utc_now().date()
    account = await FundAccount.create(
        name="矩阵现金",
        kind="cash",
        opening_balance_fen=10_000,
        opened_on=day,
        balance_fen=10_500,
        created_at=now,
        updated_at=now,
    )
    entry = {"account": account, "occurred_on": day, "created_at": now}
    await JournalEntry.create(
        kind="opening",
        amount_fen=10_000,
        balance_after_fen=10_000,
        idempotency_key="matrix-opening",
        request_hash="x",
        **entry,
    )
    adjusted = await JournalEntry.create(
        kind="adjustment",
        amount_fen=500,
        balance_after_fen=10_500,
        idempotency_key="matrix-adjust",
        request_hash="x",
        **entry,
    )
    bank = await FundAccount.create(
        name="矩阵银行",
        kind="bank",
        opening_balance_fen=0,
        opened_on=day,
        balance_fen=0,
        created_at=now,
        updated_at=now,
    )
    proofs = [
        await Proof.create(
            path=f"payment-proofs/matrix-{n}.png",
            filename="水单.png",
            content_type="image/png",
            size=8,
            uploaded_by_id=stranger,
            created_at=now,
        )
        for n in range(3)
    ]
    for proof in proofs:
        await storage.backend().put(proof.path, b"\x89PNG\r\n\x1a\n", "image/png")
    supplier = await Supplier.create(name="矩阵供应商", created_at=now, updated_at=now)
    payment = await SupplierPayment.create(
        supplier=supplier,
        account=account,
        amount_fen=100,
        due_on=day,
        purpose="货款",
        proof_id=proofs[2].id,
        status=PaymentStatus.APPROVED,
        idempotency_key="matrix-payment",
        request_hash="x",
        created_by_id=stranger,
        created_at=now,
        updated_at=now,
    )
    for side, proof in (("inside", proofs[0]), ("outside", proofs[1])):
        receipt = await Receipt.create(
            customer_id=channel[side]["customer"],
            account=account,
            amount_fen=100,
            received_on=day,
            method="cash",
            proof_id=proof.id,
            idempotency_key=f"matrix-receipt-{side}",
            request_hash="x",
            created_by_id=stranger,
            created_at=now,
        )
        channel[side]["receipt"] = receipt.id
        instalment = await Instalment.create(
            contract_id=channel[side]["contract"],
            due_on=day,
            amount_fen=200,
            created_at=now,
            updated_at=now,
        )
        channel[side]["instalment"] = instalment.id
    return {
        "fund_account": account.id,
        "bank_account": bank.id,
        "entry": adjusted.id,
        "supplier": supplier.id,
        "payment": payment.id,
    }


def payments_bodies(world: World) -> dict[tuple[str, str], dict[str, object]]:
    prefix, account, day = "/api/v1/payments", world.brand["fund_account"], "2099-01-01"
    supplier = {"name": "新供应商"}
    instalment = {"due_on": day, "amount_fen": 100, "note": "尾款"}
    return {
        ("POST", f"{prefix}/accounts"): {"name": "新账户", "kind": "bank", "opened_on": day},
        ("PUT", f"{prefix}/accounts/{{fund_account_id}}"): {"name": "改名账户", "is_active": True},
        ("POST", f"{prefix}/journal/adjustments"): {
            "account_id": account,
            "amount_fen": 1,
            "occurred_on": day,
            "reason": "盘点",
            "idempotency_key": "matrix-key-1",
        },
        ("POST", f"{prefix}/journal/transfers"): {
            "from_account_id": account,
            "to_account_id": world.brand["bank_account"],
            "amount_fen": 1,
            "occurred_on": day,
            "idempotency_key": "matrix-key-2",
        },
        ("POST", f"{prefix}/journal/{{entry_id}}/reversal"): {
            "reason": "录错",
            "idempotency_key": "matrix-key-3",
        },
        ("POST", f"{prefix}/receipts"): {
            "customer_id": world.inside["customer"],
            "account_id": account,
            "amount_fen": 100,
            "received_on": day,
            "method": "cash",
            "contract_id": world.inside["contract"],
            "plan_id": world.inside["instalment"],
            "idempotency_key": "matrix-key-4",
        },
        ("POST", f"{prefix}/contracts/{{contract_id}}/plan/instalments"): instalment,
        (
            "PUT",
            f"{prefix}/contracts/{{contract_id}}/plan/instalments/{{instalment_id}}",
        ): instalment,
        ("POST", f"{prefix}/receipts/{{receipt_id}}/reject"): {"reason": "凭证不清"},
        ("POST", f"{prefix}/suppliers"): supplier,
        ("PUT", f"{prefix}/suppliers/{{supplier_id}}"): supplier,
        ("POST", f"{prefix}/supplier-payments"): {
            "supplier_id": world.brand["supplier"],
            "account_id": account,
            "amount_fen": 100,
            "due_on": day,
            "purpose": "货款",
            "idempotency_key": "matrix-key-5",
        },
        ("POST", f"{prefix}/supplier-payments/{{payment_id}}/pay"): {"paid_on": day},
    }


def catalog_bodies(world: World) -> dict[tuple[str, str], dict[str, object]]:
    catalog, quotes, sku = "/api/v1/catalog", "/api/v1/quotes", world.brand["sku"]
    quote = {
        "customer_id": world.inside["customer"],
        "valid_until": "2099-12-31",
        "lines": [{"sku_id": sku, "quantity": 2}],
    }
    template = {
        "number_prefix": "BJ",
        "title": "报价单",
        "columns": ["name", "quantity", "amount"],
    }
    return {
        ("POST", f"{catalog}/categories"): {"name": "新分类"},
        ("PATCH", f"{catalog}/categories/{{category_id}}"): {"name": "改名分类"},
        ("POST", f"{catalog}/fields"): {"key": "grade", "label": "等级", "kind": "text"},
        ("PATCH", f"{catalog}/fields/{{field_id}}"): {"label": "原产地"},
        ("POST", f"{catalog}/products"): {
            "name": "新产品",
            "skus": [{"code": "MX-2", "price_fen": 200}],
        },
        ("PATCH", f"{catalog}/products/{{product_id}}"): {"name": "改名产品"},
        ("POST", f"{catalog}/products/{{product_id}}/skus"): {"code": "MX-3", "price_fen": 300},
        ("PATCH", f"{catalog}/skus/{{sku_id}}"): {"price_fen": 150},
        ("POST", f"{catalog}/till-codes"): {"code": "690001", "sku_id": sku},
        ("POST", quotes): quote,
        ("PUT", f"{quotes}/{{quote_id}}"): quote,
        ("POST", f"{quotes}/{{quote_id}}/status"): {"status": "sent"},
        ("PUT", f"{quotes}/template"): template,
        ("POST", f"{quotes}/template/preview"): template,
    }


def body_for(method: str, path: str, world: World) -> dict[str, object] | None:
    department = world.inside["department"]
    bodies: dict[tuple[str, str], dict[str, object]] = {
        ("POST", "/api/v1/departments"): {"name": "新部门", "parent_id": department},
        ("PATCH", "/api/v1/departments/{department_id}"): {"name": "改名部门"},
        ("PUT", "/api/v1/campaigns/care-settings/{care_type}"): {"enabled": True, "sms": "您好"},
        ("POST", "/api/v1/campaigns/care-settings/{care_type}/preview"): {
            "member_id": world.inside["member"]
        },
        ("PUT", "/api/v1/campaigns/festivals/{festival_id}"): {
            "name": "七夕",
            "calendar": "lunar",
            "month": 7,
            "day": 7,
        },
        ("POST", "/api/v1/campaigns/dry-runs"): {"member_ids": [world.inside["member"]]},
        ("POST", "/api/v1/campaigns/campaigns"): {
            "name": "新活动",
            "segment_id": world.brand["segment"],
            "plan": "sms",
            "content": {"sms": "您好"},
        },
        ("PUT", "/api/v1/campaigns/campaigns/{campaign_id}"): {
            "name": "改名活动",
            "segment_id": world.brand["segment"],
            "plan": "sms",
            "content": {"sms": "您好"},
        },
        ("POST", "/api/v1/campaigns/campaigns/{campaign_id}/schedule"): {
            "scheduled_at": "2099-01-01T00:00:00+00:00"
        },
        ("POST", "/api/v1/campaigns/campaigns/{campaign_id}/preview"): {"openid": "o_x"},
        ("POST", "/api/v1/reviews/{review_id}/reply"): {"reply": "感谢您的评价"},
        ("PUT", "/api/v1/reviews/vocabulary"): {"kind": "dict", "word": "矩阵词"},
        ("POST", "/api/v1/positions"): {"name": "新岗位"},
        ("PUT", "/api/v1/positions/{position_id}"): {"name": "改名岗位"},
        ("POST", "/api/v1/roles"): {
            "code": "new_role",
            "name": "新角色",
            "permissions": ["org.store:view"],
            "data_scope": "own",
        },
        ("PATCH", "/api/v1/roles/{role_id}"): {"name": "改名角色"},
        ("POST", "/api/v1/staff"): {
            "username": "newbie",
            "name": "新人",
            "password": "abc12345",
            "department_id": department,
        },
        ("PATCH", "/api/v1/staff/{staff_id}"): {"name": "改名"},
        ("POST", "/api/v1/staff/{staff_id}/move"): {"department_id": department},
        ("POST", "/api/v1/staff/{staff_id}/password"): {"password": "newpass123"},
        ("POST", "/api/v1/stores"): {"code": "NEW1", "name": "新店", "department_id": department},
        ("PATCH", "/api/v1/stores/{store_id}"): {"name": "改名门店"},
        ("POST", "/api/v1/wechat/accounts"): {
            "appid": "wxnew000000001",
            "name": "新号",
            "secret": "s",
            "token": "tok",
            "mode": "plain",
        },
        ("PATCH", "/api/v1/wechat/accounts/{account_id}"): {"name": "改名"},
        ("POST", "/api/v1/wechat/qrcodes"): {
            "account_id": world.account,
            "kind": "store",
            "name": "新码",
            "store_id": world.inside["store"],
        },
        ("PATCH", "/api/v1/wechat/qrcodes/{qrcode_id}"): {"name": "改名码"},
        ("POST", "/api/v1/wechat/auto-replies"): {
            "account_id": world.account,
            "kind": "keyword",
            "keyword": "会员",
            "content": "回复",
        },
        ("PATCH", "/api/v1/wechat/auto-replies/{reply_id}"): {"content": "改"},
        ("POST", "/api/v1/wechat/fans/{fan_id}/messages"): {"content": "您好"},
        ("PUT", "/api/v1/wechat/fans/{fan_id}/assignee"): {"staff_id": None},
        ("PUT", "/api/v1/wechat/fans/{fan_id}/tags"): {"tags": ["VIP"]},
        ("PUT", "/api/v1/wechat/fans/{fan_id}/blacklist"): {"blacklisted": True},
        ("POST", "/api/v1/wechat/menus"): {
            "account_id": world.account,
            "name": "菜单",
            "buttons": [{"type": "click", "name": "会员", "key": "MEMBER"}],
        },
        ("PATCH", "/api/v1/wechat/menus/{menu_id}"): {"name": "改名菜单"},
        # An account the world does not build: the sync would call WeChat (the API tests run it
        # against the sandbox, tests/wechat/test_message_templates.py).
        ("POST", "/api/v1/wechat/message-templates/sync"): {"account_id": 999999},
        ("POST", "/api/v1/wechat/menus/check"): {
            "buttons": [{"type": "click", "name": "会员", "key": "MEMBER"}]
        },
        ("POST", "/api/v1/wechat/auto-replies/preview"): {
            "account_id": world.account,
            "content": "欢迎光临{store}",
            "qrcode_id": world.inside["qrcode"],
        },
        ("PUT", "/api/v1/wechat/pay-merchant"): {
            "account_id": world.account,
            "mch_id": "1900000109",
            "api_key": "matrix-api-key",
            "send_name": "矩阵商城",
        },
        ("POST", "/api/v1/sms/messages"): {"to": "13800138000", "text": "您好"},
        ("POST", "/api/v1/sms/messages/preview"): {"text": "您好"},
        ("PATCH", "/api/v1/sms/modems/{modem_id}"): {"enabled": False},
        ("POST", "/api/v1/sms/suppressions"): {"phone": "13800138000"},
        ("POST", "/api/v1/sms/templates"): {"code": "shipped", "name": "发货", "body": "已发货"},
        ("PUT", "/api/v1/sms/templates/{template_id}"): {
            "code": "shipped",
            "name": "发货",
            "body": "已发货",
        },
        ("POST", "/api/v1/sms/verification-codes"): {"phone": "13800138000"},
        ("POST", "/api/v1/sms/verification-codes/verify"): {
            "phone": "13800138000",
            "code": "123456",
        },
        **loyalty_bodies(world),
        **member_bodies(world),
        **customer_bodies(world),
        **pool_bodies(world),
        **pipeline_bodies(world),
        **approval_bodies(world),
        **contract_bodies(world),
        **catalog_bodies(world),
        **payments_bodies(world),
        **segment_bodies(world),
    }
    return bodies.get((method, path))


def member_bodies(world: World) -> dict[tuple[str, str], dict[str, object]]:
    twin = str(world.inside["twin"])
    return {
        ("POST", "/api/v1/members/card-code/resolve"): {"code": "88000000000000.1.AAAA"},
        ("PUT", "/api/v1/members/profile-rewards"): {"field": "name", "points": 10},
        ("PUT", "/api/v1/members/{member_id}/profile"): {"name": "张三", "gender": "male"},
        ("POST", "/api/v1/members/{member_id}/merges"): {"source": twin},
        ("POST", "/api/v1/members/{member_id}/merges/preview"): {"source": twin},
    }


def customer_bodies(world: World) -> dict[tuple[str, str], dict[str, object]]:
    prefix = "/api/v1/customers"
    return {
        ("POST", prefix): {
            "name": "新客户",
            "phone": "13700137009",
            "owner_id": world.inside["staff"],
        },
        ("PATCH", f"{prefix}/{{customer_id}}"): {"name": "改名客户", "level": "a"},
        ("POST", f"{prefix}/{{customer_id}}/contacts"): {"name": "王经理", "title": "经理"},
        ("PATCH", f"{prefix}/{{customer_id}}/contacts/{{contact_id}}"): {"title": "总监"},
        ("POST", f"{prefix}/{{customer_id}}/follow-ups"): {"kind": "note", "content": "备注"},
        ("POST", f"{prefix}/transfers"): {
            "customer_ids": [world.inside["customer"]],
            "to_staff_id": world.inside["staff"],
        },
        # Member links (crm_core/member_links): a member the caller may see.
        ("PUT", f"{prefix}/{{customer_id}}/member-link"): {"member_id": world.inside["member"]},
    }


def pool_bodies(world: World) -> dict[tuple[str, str], dict[str, object]]:
    """The world's customers are owned, not pooled: granted claims answer 409 (taken)."""
    prefix, ids = "/api/v1/pool", [world.inside["customer"]]
    return {
        ("POST", f"{prefix}/claims"): {"customer_ids": ids},
        ("POST", f"{prefix}/assignments"): {
            "customer_ids": ids,
            "to_staff_id": world.inside["staff"],
        },
        ("POST", f"{prefix}/trash"): {"customer_ids": ids, "reason": "空号"},
        ("POST", f"{prefix}/restorations"): {"customer_ids": ids},
        ("PUT", f"{prefix}/settings"): {
            "claim_batch_max": 10,
            "claim_daily_quota": 20,
            "cooldown_days": 7,
        },
        ("PUT", f"{prefix}/rules/{{level}}"): {"enabled": False},
        ("POST", f"{prefix}/rules/dry-run"): {"level": "a", "no_follow_up_days": 30},
    }


def pipeline_bodies(world: World) -> dict[tuple[str, str], dict[str, object]]:
    prefix = "/api/v1/sales"
    deal = {"name": "新商机", "amount_fen": 100, "expected_close_date": "2027-01-31"}
    return {
        ("POST", f"{prefix}/leads"): {"name": "新线索", "phone": "13700137010"},
        ("PATCH", f"{prefix}/leads/{{lead_id}}"): {"status": "contacted"},
        ("POST", f"{prefix}/leads/{{lead_id}}/conversion"): {},
        ("POST", f"{prefix}/leads/{{lead_id}}/follow-ups"): {"content": "电话沟通"},
        ("POST", f"{prefix}/opportunities"): {"customer_id": world.inside["customer"], **deal},
        ("PATCH", f"{prefix}/opportunities/{{opportunity_id}}"): {"amount_fen": 200},
        ("POST", f"{prefix}/opportunities/{{opportunity_id}}/stage"): {
            "stage_id": world.brand["stage"]
        },
        ("POST", f"{prefix}/opportunities/{{opportunity_id}}/lose"): {
            "lost_reason_id": world.brand["reason"]
        },
        ("POST", f"{prefix}/opportunity-stages"): {"name": "新阶段", "probability": 10},
        ("PATCH", f"{prefix}/opportunity-stages/{{stage_id}}"): {"probability": 20},
        ("POST", f"{prefix}/lost-reasons"): {"name": "新原因"},
        ("PATCH", f"{prefix}/lost-reasons/{{reason_id}}"): {"is_active": False},
    }


def segment_bodies(world: World) -> dict[tuple[str, str], dict[str, object]]:
    rule = {"groups": [{"conditions": [{"field": "store", "op": "in", "value": [1]}]}]}
    prefix = "/api/v1/campaigns/segments"
    return {
        ("POST", prefix): {"name": "新人群", "rule": rule},
        ("PUT", f"{prefix}/{{segment_id}}"): {"name": "改名人群", "rule": rule},
        ("POST", f"{prefix}/preview"): {"rule": rule},
        ("POST", f"{prefix}/explain"): {"rule": rule},
    }


def loyalty_bodies(world: World) -> dict[tuple[str, str], dict[str, object]]:
    member, store = world.inside["member"], world.inside["store"]
    window = {"starts_at": "2026-01-01T00:00:00+00:00", "ends_at": "2099-01-01T00:00:00+00:00"}
    program = {
        "points_per_yuan": 1,
        "follow_points": 10,
        "checkin_points": 5,
        "profile_points": 20,
        "review_points": 10,
        "invite_points": 50,
        "points_validity_days": 365,
        "tier_basis": "points",
        "tier_window_days": 365,
        "new_days": 30,
        "dormant_days": 90,
        "churned_days": 180,
        "coupon_expiring_notice_days": 3,
    }
    prefix = "/api/v1/loyalty"
    return {
        ("POST", "/api/v1/sales/orders"): {
            "order_no": "M1",
            "store_id": store,
            "member_id": member,
            "lines": [{"product_code": "P1", "quantity": 1, "unit_price_fen": 1000}],
            "paid_at": "2026-01-01T00:00:00+00:00",
        },
        ("POST", "/api/v1/sales/orders/{order_id}/refunds"): {
            "refund_no": "R1",
            "amount_fen": 100,
            "refunded_at": "2026-01-02T00:00:00+00:00",
        },
        ("POST", f"{prefix}/members/{{member_id}}/redemptions"): {
            "points": 10,
            "idempotency_key": "matrix-redeem-1",
        },
        ("POST", f"{prefix}/members/{{member_id}}/adjustments"): {
            "delta": 10,
            "reason": "补录积分",
            "idempotency_key": "matrix-adjust-1",
        },
        ("PUT", f"{prefix}/program"): program,
        ("POST", f"{prefix}/tiers"): {"code": "vip", "name": "VIP", "rank": 5, "threshold": 100},
        ("PATCH", f"{prefix}/tiers/{{tier_id}}"): {"name": "改名"},
        ("PUT", f"{prefix}/streak-rewards"): {"streak_days": 3, "points": 10},
        ("POST", f"{prefix}/follow-gifts"): {"name": "关注礼", "points": 10},
        ("POST", f"{prefix}/coupon-templates"): {
            "name": "券",
            "kind": "amount_off",
            "amount_off_fen": 500,
            "valid_days": 7,
        },
        ("POST", f"{prefix}/coupon-templates/{{coupon_template_id}}/issues"): {
            "member_id": member,
            "idempotency_key": "matrix-issue-1",
        },
        ("POST", f"{prefix}/coupons/verify"): {"code": "ABCDEFGH2345", "store_id": store},
        ("POST", f"{prefix}/lotteries"): {"name": "转盘", **window},
        ("POST", f"{prefix}/lotteries/{{activity_id}}/prizes"): {
            "name": "杯子",
            "kind": "physical",
            "weight": 1,
            "stock": 1,
        },
        ("PATCH", f"{prefix}/lottery-awards/{{award_id}}"): {"status": "shipped"},
        ("POST", f"{prefix}/mall/items"): {
            "name": "杯子",
            "kind": "physical",
            "points_price": 100,
            "stock": 5,
        },
        ("PATCH", f"{prefix}/mall/items/{{item_id}}"): {
            "name": "杯子",
            "points_price": 100,
            "stock": 5,
        },
        ("POST", f"{prefix}/mall/items/{{item_id}}/exchanges"): {
            "member_id": member,
            "idempotency_key": "matrix-exchange-1",
        },
        ("PATCH", f"{prefix}/mall/orders/{{exchange_id}}"): {"status": "shipped"},
    }


def fill(path: str, world: World, ids: dict[str, int]) -> str:
    return path.format(
        department_id=ids["department"],
        staff_id=ids["staff"],
        store_id=ids["store"],
        position_id=world.position,
        role_id=world.role,
        account_id=world.account,
        qrcode_id=ids["qrcode"],
        fan_id=ids["fan"],
        member_id=ids["member"],
        reply_id=999999,
        menu_id=999999,
        # SMS objects the world does not create: granted roles get a 404.
        message_id=999999,
        modem_id=999999,
        template_id=999999,
        phone="13800138000",
        order_id=ids["order"],
        award_id=ids["award"],
        exchange_id=ids["exchange"],
        merge_id=ids["merge"],
        customer_id=ids["customer"],
        contact_id=ids["contact"],
        lead_id=ids["lead"],
        opportunity_id=ids["opportunity"],
        stage_id=world.brand["stage"],
        reason_id=world.brand["reason"],
        request_id=ids["approval"],
        kind="customer",
        quote_id=ids["quote"],
        contract_id=ids["contract"],
        attachment_id=ids["attachment"],
        contract_order_id=ids["contract_order"],
        receipt_id=ids["receipt"],
        review_id=ids["review"],
        instalment_id=ids["instalment"],
        fund_account_id=world.brand["fund_account"],
        entry_id=world.brand["entry"],
        supplier_id=world.brand["supplier"],
        payment_id=world.brand["payment"],
        category_id=world.brand["category"],
        field_id=world.brand["field"],
        product_id=world.brand["product"],
        sku_id=world.brand["sku"],
        activity_id=world.brand["activity"],
        item_id=world.brand["item"],
        # Loyalty objects the world does not create.
        tier_id=999999,
        coupon_template_id=999999,
        red_packet_id=999999,
        banner_id=999999,
        segment_id=999999,
        campaign_id=999999,
        care_type="birthday",
        # The festival calendar is seeded on first read, which the world does not do.
        festival_id=999999,
        level="a",
    )


async def snapshot() -> dict[str, str]:
    connection = connections.get("default")
    result = {}
    for table in (
        "org_department",
        "org_position",
        "org_role",
        "org_staff",
        "org_staff_role",
        "org_store",
        "audit_log",
        "wechat_account",
        "wechat_qrcode",
        "wechat_fan",
        "wechat_fan_message",
        "wechat_auto_reply",
        "wechat_menu",
        "wechat_message_template",
        "members_member",
        "members_center_theme",
        "members_center_banner",
        "members_center_image",
        "sales_order",
        "sales_refund",
        "crm_customer",
        "crm_member_link",
        "crm_member_link_block",
        "crm_contact",
        "crm_follow_up",
        "crm_customer_transfer",
        "crm_pool_rule",
        "crm_pool_setting",
        "crm_pool_reminder",
        "crm_lead",
        "crm_lead_follow_up",
        "crm_opportunity",
        "crm_opportunity_stage",
        "crm_opportunity_stage_history",
        "crm_lost_reason",
        "approval_flow",
        "approval_request",
        "approval_step",
        "approval_action",
        "approval_reminder",
        "loyalty_program",
        "loyalty_tier",
        "loyalty_account",
        "loyalty_points_entry",
        "loyalty_coupon_template",
        "loyalty_coupon",
        "loyalty_lottery_activity",
        "loyalty_lottery_prize",
        "loyalty_mall_item",
        "loyalty_mall_order",
        "loyalty_lottery_draw",
        "loyalty_lottery_award",
        "loyalty_follow_gift",
        "loyalty_streak_reward",
        "members_profile_reward",
        "members_merge",
        "members_profile_completion",
        "members_identity",
        "loyalty_red_packet",
        "wechat_pay_merchant",
        "campaigns_segment",
        "campaigns_care_setting",
        "campaigns_festival",
        "campaigns_delivery",
        "campaigns_campaign",
        "campaigns_mass_job",
        "catalog_category",
        "catalog_custom_field",
        "catalog_product",
        "catalog_sku",
        "catalog_till_code",
        "sales_quote",
        "sales_quote_line",
        "sales_quote_counter",
        "sales_quote_template",
        "sales_contract",
        "sales_contract_line",
        "sales_contract_attachment",
        "sales_document_counter",
        "sales_contract_order",
        "sales_contract_order_line",
        "sales_delivery_note",
        "sales_delivery_line",
        "payments_fund_account",
        "payments_journal_entry",
        "payments_proof",
        "payments_receipt",
        "payments_supplier",
        "payments_supplier_payment",
        "analytics_review",
        "analytics_review_item",
        "analytics_review_term",
        "analytics_term_daily",
        "analytics_segment_word",
        "payments_instalment",
        "payments_plan_reminder",
    ):
        rows = await connection.execute_query_dict(
            f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h "  # noqa: S608
            f"FROM {table} t"
        )
        result[table] = rows[0]["h"]
    return result


def grants(role_code: str, permission: str) -> bool:
    permissions = BUILTIN_ROLES[role_code][2]
    return ALL in permissions or permission in permissions


# Brand-level objects the world does not build: the only granted calls that may answer 404.
NOT_BUILT: dict[tuple[str, str], str] = {
    ("PUT", "/api/v1/campaigns/festivals/{festival_id}"): "festival_not_found",
    ("GET", "/api/v1/sms/messages/{message_id}"): "sms_not_found",
    ("PATCH", "/api/v1/sms/modems/{modem_id}"): "sms_not_found",
    ("DELETE", "/api/v1/sms/suppressions/{phone}"): "sms_not_found",
    ("PUT", "/api/v1/sms/templates/{template_id}"): "sms_not_found",
    ("DELETE", "/api/v1/sms/templates/{template_id}"): "sms_not_found",
    ("PATCH", "/api/v1/wechat/auto-replies/{reply_id}"): "wechat_autoreply_not_found",
    ("DELETE", "/api/v1/wechat/auto-replies/{reply_id}"): "wechat_autoreply_not_found",
    ("POST", "/api/v1/wechat/menus/{menu_id}/publish"): "wechat_local_menu_not_found",
    ("GET", "/api/v1/wechat/menus/{menu_id}"): "wechat_local_menu_not_found",
    ("PATCH", "/api/v1/wechat/menus/{menu_id}"): "wechat_local_menu_not_found",
    ("POST", "/api/v1/wechat/message-templates/sync"): "wechat_account_not_found",
    ("PATCH", "/api/v1/loyalty/tiers/{tier_id}"): "tier_not_found",
    ("POST", "/api/v1/loyalty/coupon-templates/{coupon_template_id}/issues"): (
        "coupon_template_not_found"
    ),
    # The coupon code (the member is at the till), not its store, names the object.
    ("POST", "/api/v1/loyalty/coupons/verify"): "coupon_not_found",
    ("POST", "/api/v1/loyalty/red-packets/{red_packet_id}/retry"): "red_packet_not_found",
    ("DELETE", "/api/v1/member-center/banners/{banner_id}"): "banner_not_found",
    **{
        (method, "/api/v1/campaigns/campaigns/{campaign_id}" + tail): "campaign_not_found"
        for method, tail in (
            ("GET", ""),
            ("PUT", ""),
            ("DELETE", ""),
            ("POST", "/start"),
            ("POST", "/schedule"),
            ("POST", "/cancel"),
            ("POST", "/preview"),
            ("GET", "/progress"),
        )
    },
    **{
        (method, "/api/v1/campaigns/segments/{segment_id}" + tail): "segment_not_found"
        for method, tail in (("GET", ""), ("PUT", ""), ("DELETE", ""), ("GET", "/members"))
    },
}


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(out, format="PNG")
    return out.getvalue()


# Routes taking multipart forms (uploads): their fields (or a function of the world giving
# them) and files.
MULTIPART: dict[tuple[str, str], tuple[Any, dict[str, Any]]] = {
    ("POST", "/api/v1/contracts/{contract_id}/attachments"): (
        {},
        {"file": ("扫描件.pdf", MATRIX_PDF, "application/pdf")},
    ),
    ("POST", "/api/v1/orders"): (
        order_form,
        {"proof": ("凭证.pdf", MATRIX_PDF, "application/pdf")},
    ),
    ("PUT", "/api/v1/member-center/theme"): (
        {"brand_name": "品牌", "primary_color": "#07c160"},
        {},
    ),
    ("POST", "/api/v1/member-center/banners"): (
        {"title": "图"},
        {"image": ("b.png", _png(), "image/png")},
    ),
    ("POST", "/api/v1/payments/proofs"): ({}, {"file": ("水单.png", _png(), "image/png")}),
    ("POST", "/api/v1/customers/imports"): (
        {"dry_run": "false"},
        {"file": ("客户.csv", "客户名称,手机\n张三,13700137008\n".encode(), "text/csv")},
    ),
}


def case_id(role: str, method: str, path: str) -> str:
    return f"{role}-{method}-{path[8:]}"


# Granted writes run one to a test, each on a fresh world. Denied calls and granted reads change
# nothing the next call depends on, so each role runs all of its own on one world (building the
# world is most of a case's cost), and every case is still asserted.
CASES = [
    pytest.param(role, method, path, perm, id=case_id(role, method, path))
    for method, path, perm in ROUTES
    if perm is not None and method != "GET"
    for role in BUILTIN_ROLES
    if grants(role, perm)
]
DENIED = {
    role: [(m, p) for m, p, perm in ROUTES if perm is not None and not grants(role, perm)]
    for role in BUILTIN_ROLES
}
READS = {
    role: [(m, p) for m, p, perm in ROUTES if m == "GET" and perm and grants(role, perm)]
    for role in BUILTIN_ROLES
}


async def call(
    client: httpx.AsyncClient, method: str, path: str, world: World, headers: dict[str, str]
) -> httpx.Response:
    """A route called on the objects inside the actor's scope, with a valid body."""
    url = fill(path, world, world.inside)
    return await send(client, method, path, url, body_for(method, path, world), world, headers)


async def send(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    url: str,
    body: dict[str, object] | None,
    world: World,
    headers: dict[str, str],
) -> httpx.Response:
    """JSON, or the route's multipart form (its fields may be a function of the world)."""
    if (method, path) in MULTIPART:
        data, files = MULTIPART[method, path]
        data = data(world) if callable(data) else data
        return await client.request(method, url, data=data, files=files, headers=headers)
    return await client.request(method, url, json=body, headers=headers)


def granted_failure(method: str, path: str, response: httpx.Response) -> str | None:
    """Why a granted call's answer is wrong, or None when it is right."""
    if response.status_code in {401, 403, 422} or response.status_code >= 500:
        return response.text
    # The objects in scope exist: a 404 here would hide a scope that is too narrow.
    if response.status_code == 404 and NOT_BUILT.get((method, path)) != response.json()["error"]:
        return response.text
    return None


@pytest.mark.parametrize(("role", "method", "path", "permission"), CASES)
async def test_a_granted_write_reaches_its_objects(
    client: httpx.AsyncClient, role: str, method: str, path: str, permission: str
) -> None:
    world = await build_world(role)
    response = await call(client, method, path, world, await bearer(world.actor))
    assert granted_failure(method, path, response) is None, response.text


@pytest.mark.parametrize("role", list(BUILTIN_ROLES))
async def test_granted_reads_reach_their_objects(client: httpx.AsyncClient, role: str) -> None:
    world = await build_world(role)
    headers = await bearer(world.actor)
    failures = {}
    for method, path in READS[role]:
        problem = granted_failure(method, path, await call(client, method, path, world, headers))
        if problem is not None:
            failures[case_id(role, method, path)] = problem
    assert failures == {}
    assert len(READS[role]) >= 1


@pytest.mark.parametrize("role", [r for r in BUILTIN_ROLES if DENIED[r]])
async def test_calls_without_the_permission_answer_403_and_change_nothing(
    client: httpx.AsyncClient, role: str
) -> None:
    world = await build_world(role)
    headers = await bearer(world.actor)
    before = await snapshot()
    failures = {}
    for method, path in DENIED[role]:
        response = await call(client, method, path, world, headers)
        if response.status_code != 403 or response.json()["error"] != "permission_denied":
            failures[case_id(role, method, path)] = response.text
        elif (after := await snapshot()) != before:
            changed = sorted(t for t in before if before[t] != after[t])
            failures[case_id(role, method, path)] = f"changed {changed}"
            before = after
    assert failures == {}


def scoped_ids(method: str, path: str) -> list[str]:
    """The scoped ids a route takes: path parameters, then body fields ("body.store_id")."""
    in_path = [key for key in SCOPED if f"{{{key}}}" in path]
    in_body = [f"body.{f}" for f in BODY_IDS.get((method, path), []) if f in BODY_SCOPED]
    return in_path + in_body


# Out-of-scope calls change nothing either: each role runs all of its own on one world.
SCOPE_CASES = {
    role: [
        (method, path, target)
        for method, path, perm in ROUTES
        if perm is not None and grants(role, perm)
        for target in scoped_ids(method, path)
    ]
    for role, (_, _, _, scope) in BUILTIN_ROLES.items()
    if scope != "all"
}


def out_of_scope_request(
    method: str, path: str, target: str, world: World
) -> tuple[str, dict[str, object] | None]:
    """The request with exactly one id, `target`, swapped for the object outside the scope."""
    body = body_for(method, path, world)
    if not target.startswith("body."):
        kind = SCOPED[target]
        return fill(path, world, {**world.inside, kind: world.outside[kind]}), body
    name = target.removeprefix("body.")
    outside = world.outside[BODY_SCOPED[name]]
    extra = BODY_WITH.get((method, path, name), {})
    value: object = str(outside) if name == "source" else outside
    return fill(path, world, world.inside), {**(body or {}), **extra, name: value}


@pytest.mark.parametrize("role", list(SCOPE_CASES))
async def test_objects_outside_the_data_scope_answer_404(
    client: httpx.AsyncClient, role: str
) -> None:
    world = await build_world(role)
    headers = await bearer(world.actor)
    before = await snapshot()
    failures = {}
    for method, path, target in SCOPE_CASES[role]:
        url, body = out_of_scope_request(method, path, target, world)
        response = await send(client, method, path, url, body, world, headers)
        name = f"{case_id(role, method, path)}-{target}"
        if response.status_code != 404 or not response.json()["error"].endswith("not_found"):
            failures[name] = response.text
        elif (after := await snapshot()) != before:
            failures[name] = f"changed {sorted(t for t in before if before[t] != after[t])}"
            before = after
    assert failures == {}
    assert len(SCOPE_CASES[role]) >= 1


async def test_out_of_scope_answer_equals_missing_answer(client: httpx.AsyncClient) -> None:
    world = await build_world("store_manager")
    headers = await bearer(world.actor)
    hidden = await client.get(f"/api/v1/stores/{world.outside['store']}", headers=headers)
    missing = await client.get("/api/v1/stores/999999", headers=headers)
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    listing = await client.get("/api/v1/stores", headers=headers)
    assert [s["code"] for s in listing.json()["items"]] == ["E01"]


@pytest.mark.parametrize(
    ("method", "path", "target", "missing"),
    [
        ("POST", "/api/v1/sales/orders", "body.member_id", 999999),
        ("POST", "/api/v1/members/{member_id}/merges/preview", "body.source", "999999"),
        ("POST", "/api/v1/wechat/qrcodes", "body.store_id", 999999),
        ("POST", "/api/v1/staff/{staff_id}/move", "body.department_id", 999999),
    ],
    ids=["till-member", "merge-source", "qrcode-store", "move-department"],
)
async def test_an_out_of_scope_body_id_answers_like_a_missing_one(
    client: httpx.AsyncClient, method: str, path: str, target: str, missing: object
) -> None:
    world = await build_world("store_manager")
    headers = await bearer(world.actor)
    url, body = out_of_scope_request(method, path, target, world)
    hidden = await client.request(method, url, json=body, headers=headers)
    gone = await client.request(
        method, url, json={**(body or {}), target.removeprefix("body."): missing}, headers=headers
    )
    assert hidden.status_code == 404, hidden.text
    assert (hidden.status_code, hidden.json()) == (gone.status_code, gone.json())


FAN_SCOPED_ROLES = [
    role
    for role, (_, _, _, scope) in BUILTIN_ROLES.items()
    if scope != "all" and grants(role, "wechat.fan:view")
]


@pytest.mark.parametrize("role", FAN_SCOPED_ROLES)
async def test_a_fan_assigned_to_the_actor_is_inside_the_scope(
    client: httpx.AsyncClient, role: str
) -> None:
    """The inbox assignment widens the fan scope: an outside store's fan assigned to me is
    mine to see, the same fan assigned to a stranger stays a 404."""
    from wechat.models import Fan

    world = await build_world(role)
    headers = await bearer(world.actor)
    path = f"/api/v1/wechat/fans/{world.outside['fan']}"
    await Fan.filter(id=world.outside["fan"]).update(assigned_staff_id=world.outside["staff"])
    assert (await client.get(path, headers=headers)).status_code == 404
    await Fan.filter(id=world.outside["fan"]).update(assigned_staff_id=world.actor.id)
    assert (await client.get(path, headers=headers)).status_code == 200
