"""Reviews: the write path (once per order, terms segmented once), 4xx codes with nothing
written, the review gift granted once, replies in scope, the per-day rollup (idempotent, equal to
a recomputation from scratch), word clouds and the click-through."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.reviews import rules, service
from analytics.reviews.models import Review, ReviewItem, ReviewTerm, SegmentWord, TermDaily
from analytics.reviews.schemas import ReviewCreate
from crm_core import clock, jobs
from crm_core.errors import CRMError
from crm_core.org.models import Department
from crm_core.sales.models import OrderStatus, SalesOrder, SalesOrderLine
from loyalty.points.models import PointsEntry
from loyalty.points.service import rewards
from tests.factories import bearer, make_staff, make_store
from tests.loyalty.factories import make_member, make_program

NOW = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
TODAY = date(2026, 6, 15)
TEXT = "导购服务态度很好，面料质感不错，性价比高！就是尺码偏大。"


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with clock.freeze(NOW):
        yield


async def world() -> dict[str, Any]:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东", parent=root)
    south = await Department.create(name="华南", parent=root)
    sh = await make_store(east, code="SH001", name="上海店")
    sz = await make_store(south, code="SZ001", name="深圳店")
    member = await make_member(name="张三")
    other = await make_member(name="李四")
    orders = []
    for store, owner, no in ((sh, member, "A1"), (sz, member, "A2"), (sh, other, "A3")):
        order = await SalesOrder.create(
            store=store,
            order_no=no,
            member_id=owner.id,
            total_fen=10000,
            paid_at=NOW,
            request_hash="x",
            created_at=NOW,
        )
        await SalesOrderLine.create(
            order=order,
            product_code="P1",
            product_name="羊毛衫",
            quantity=1,
            unit_price_fen=10000,
            amount_fen=10000,
        )
        orders.append(order)
    return {
        "sh": sh,
        "sz": sz,
        "member": member,
        "other": other,
        "orders": orders,
        "sh_manager": await make_staff("store_manager", department=east, store=sh),
        "marketer": await make_staff("marketer"),
    }


def create(order_id: int, **extra: Any) -> ReviewCreate:
    values: dict[str, Any] = {
        "order_id": order_id,
        "stars": 5,
        "text": TEXT,
        "pictures": ["https://img.example.com/a.jpg"],
        "items": [{"product_code": "P1", "stars": 2}],
    }
    return ReviewCreate(**(values | extra))


async def rows() -> list[Any]:
    return [
        *await Review.all().order_by("id").values_list("order_id", "stars", "sentiment", "reply"),
        *await ReviewItem.all().order_by("id").values_list("product_code", "stars", "sentiment"),
        *await ReviewTerm.all().order_by("id").values_list("review_id", "term", "count"),
        *await SegmentWord.all().order_by("id").values_list("kind", "word", "enabled"),
    ]


def test_sentiment_by_stars() -> None:
    assert [rules.sentiment_of(s) for s in (1, 2, 3, 4, 5)] == [
        "bad",
        "bad",
        "medium",
        "good",
        "good",
    ]


async def test_a_review_is_written_once_with_its_terms_and_queues_gift_and_rollup(
    published_jobs: list[jobs.Job],
) -> None:
    w = await world()
    read = await service.create_review(w["member"].id, create(w["orders"][0].id))
    assert (read.stars, read.sentiment, read.store_id, read.day) == (5, "good", w["sh"].id, TODAY)
    assert [(i.product_code, i.product_name, i.stars, i.sentiment) for i in read.items] == [
        ("P1", "羊毛衫", 2, "bad")
    ]
    assert sorted(read.terms) == sorted(
        ["导购", "服务态度", "面料", "质感", "不错", "性价比", "尺码", "偏大"]
    )
    assert read.pictures == ["https://img.example.com/a.jpg"]
    assert [(j.name, j.kwargs) for j in published_jobs] == [
        (
            "loyalty.reward_action",
            {"member_id": w["member"].id, "action": "review", "ref": str(read.id)},
        ),
        ("analytics.rollup_review_terms", {"day": "2026-06-15"}),
    ]
    before = await rows()
    with pytest.raises(CRMError) as again:
        await service.create_review(w["member"].id, create(w["orders"][0].id, stars=1))
    assert (again.value.status_code, again.value.code) == (409, "review_exists")
    assert await rows() == before


@pytest.mark.parametrize(
    ("which", "extra", "code"),
    [
        (2, {}, "review_order_not_found"),  # someone else's order
        (0, {"items": [{"product_code": "NOPE", "stars": 5}]}, "review_product_invalid"),
    ],
)
async def test_refused_reviews_write_nothing(which: int, extra: dict[str, Any], code: str) -> None:
    w = await world()
    before = await rows()
    with pytest.raises(CRMError) as refused:
        await service.create_review(w["member"].id, create(w["orders"][which].id, **extra))
    assert refused.value.code == code
    assert await rows() == before


async def test_a_refunded_order_cannot_be_reviewed() -> None:
    w = await world()
    await SalesOrder.filter(id=w["orders"][0].id).update(
        status=OrderStatus.REFUNDED, refunded_fen=10000
    )
    with pytest.raises(CRMError) as refused:
        await service.create_review(w["member"].id, create(w["orders"][0].id))
    assert refused.value.code == "review_order_not_reviewable"
    assert await Review.all().count() == 0


async def test_the_review_gift_is_granted_once() -> None:
    w = await world()
    await make_program(review_points=15)
    read = await service.create_review(w["member"].id, create(w["orders"][0].id))
    first = await rewards.reward_action(w["member"].id, rewards.Action.REVIEW, str(read.id))
    again = await rewards.reward_action(w["member"].id, rewards.Action.REVIEW, str(read.id))
    assert first is not None
    assert first.delta == 15
    assert again is None
    entries = await PointsEntry.filter(account__member_id=w["member"].id).values_list(
        "delta", flat=True
    )
    assert list(entries) == [15]


async def test_rollup_twice_changes_nothing_and_cloud_reads_it() -> None:
    w = await world()
    await service.create_review(w["member"].id, create(w["orders"][0].id))
    await service.create_review(
        w["member"].id, create(w["orders"][1].id, stars=1, text="尺码偏大，面料起球", items=[])
    )
    await service.rollup_day(TODAY)
    first = (
        await TermDaily.all()
        .order_by("id")
        .values_list("day", "store_id", "product_code", "sentiment", "term", "count", "reviews")
    )
    await service.rollup_day(TODAY)
    second = (
        await TermDaily.all()
        .order_by("id")
        .values_list("day", "store_id", "product_code", "sentiment", "term", "count", "reviews")
    )
    assert sorted(first) == sorted(second)
    assert len(second) == 8 + 8 + 4  # whole review (good), product P1 (bad), SZ review (bad)
    admin = await make_staff("admin")
    principal = await _principal(admin)
    cloud = await service.word_cloud(principal, sentiment="bad")
    assert [(t.term, t.count, t.reviews) for t in cloud][:2] == [("偏大", 1, 1), ("尺码", 1, 1)]
    assert {t.term for t in cloud} == {"尺码", "偏大", "面料", "起球"}
    good = await service.word_cloud(principal, sentiment="good", start=TODAY, end=TODAY)
    assert [t.count for t in good] == [1] * 8
    product_bad = await service.word_cloud(principal, product_code="P1", sentiment="bad")
    assert len(product_bad) == 8


async def _principal(staff: Any) -> Any:
    from crm_core.org.service.auth import principal_for

    return await principal_for(staff.id)


# --- property: the rollup equals a from-scratch recomputation over random reviews --------------

WORDS = ["面料", "尺码", "导购", "物流", "包装", "质感", "色差", "起球"]
review_strategy = st.lists(
    st.tuples(
        st.integers(0, 2),  # day offset
        st.integers(0, 1),  # store index
        st.integers(1, 5),  # stars
        st.lists(st.sampled_from(WORDS), max_size=6),  # words of the text
        st.lists(st.tuples(st.sampled_from(["P1", "P2"]), st.integers(1, 5)), max_size=2),
    ),
    max_size=12,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=review_strategy)
async def test_rollup_equals_recomputation(data: list[Any]) -> None:
    from tests.conftest import reset_database

    await reset_database()
    root = await Department.create(name="总部")
    stores = [await make_store(root, code="S1"), await make_store(root, code="S2")]
    member = await make_member()
    expected: list[tuple[Any, ...]] = []
    for n, (offset, store, stars, words, items) in enumerate(data):
        day = TODAY - timedelta(days=offset)
        sentiment = rules.sentiment_of(stars)
        review = await Review.create(
            order_id=n + 1,
            member_id=member.id,
            store_id=stores[store].id,
            stars=stars,
            sentiment=sentiment,
            text="，".join(words),
            day=day,
            created_at=NOW,
        )
        products = dict(items)
        for code, item_stars in products.items():
            await ReviewItem.create(
                review=review,
                product_code=code,
                stars=item_stars,
                sentiment=rules.sentiment_of(item_stars),
            )
        counts: dict[str, int] = {}
        for word in words:
            counts[word] = counts.get(word, 0) + 1
        for term, count in counts.items():
            await ReviewTerm.create(review=review, term=term, count=count)
        slices = [("", str(sentiment))]
        slices += [(c, str(rules.sentiment_of(s))) for c, s in products.items()]
        expected.append((day, stores[store].id, slices, counts))
    # Rebuild twice (idempotent) over the whole range.
    await service.rollup_range(TODAY - timedelta(days=2), TODAY)
    await service.rollup_range(TODAY - timedelta(days=2), TODAY)
    stored = {
        (d, s, p, sent, t): (c, r)
        for d, s, p, sent, t, c, r in await TermDaily.all().values_list(
            "day", "store_id", "product_code", "sentiment", "term", "count", "reviews"
        )
    }
    # From scratch, by hand, without rules.rollup:
    scratch: dict[Any, list[int]] = {}
    for day, store_id, slices, counts in expected:
        for product, sentiment in slices:
            for term, count in counts.items():
                row = scratch.setdefault((day, store_id, product, sentiment, term), [0, 0])
                row[0] += count
                row[1] += 1
    assert stored == {k: (c, r) for k, (c, r) in scratch.items()}


# --- API ---------------------------------------------------------------------------------------


async def test_reviews_api_scoped_reply_and_click_through(client: httpx.AsyncClient) -> None:
    w = await world()
    mine = await service.create_review(w["member"].id, create(w["orders"][0].id))
    theirs = await service.create_review(w["member"].id, create(w["orders"][1].id, stars=2))
    await service.rollup_day(TODAY)
    manager = await bearer(w["sh_manager"])
    listed = await client.get("/api/v1/reviews", headers=manager)
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["items"]] == [mine.id]
    by_term = await client.get(
        "/api/v1/reviews", params={"term": "面料"}, headers=await bearer(w["marketer"])
    )
    assert [r["id"] for r in by_term.json()["items"]] == [theirs.id, mine.id]
    hidden = await client.post(
        f"/api/v1/reviews/{theirs.id}/reply", json={"reply": "抱歉"}, headers=manager
    )
    assert (hidden.status_code, hidden.json()["error"]) == (404, "review_not_found")
    assert await Review.filter(id=theirs.id).values_list("reply", flat=True) == [""]
    empty = await client.post(
        f"/api/v1/reviews/{mine.id}/reply", json={"reply": ""}, headers=manager
    )
    assert empty.status_code == 422
    ok = await client.post(
        f"/api/v1/reviews/{mine.id}/reply", json={"reply": "感谢支持"}, headers=manager
    )
    assert (ok.status_code, ok.json()["reply"]) == (200, "感谢支持")
    cloud = await client.get("/api/v1/reviews/cloud", params={"sentiment": "good"}, headers=manager)
    assert len(cloud.json()["terms"]) == 8
    png = await client.get("/api/v1/reviews/cloud.png", headers=manager)
    assert (png.status_code, png.headers["content-type"], png.content[:4]) == (
        200,
        "image/png",
        b"\x89PNG",
    )


async def test_vocabulary_edits_change_new_segmentation(client: httpx.AsyncClient) -> None:
    w = await world()
    marketer = await bearer(w["marketer"])
    bad = await client.put(
        "/api/v1/reviews/vocabulary", json={"kind": "dict", "word": "羊 毛"}, headers=marketer
    )
    assert (bad.status_code, bad.json()["error"]) == (422, "segment_word_invalid")
    assert await SegmentWord.all().count() == 0
    denied = await client.put(
        "/api/v1/reviews/vocabulary",
        json={"kind": "stop", "word": "不错"},
        headers=await bearer(w["sh_manager"]),
    )
    assert denied.status_code == 403
    ok = await client.put(
        "/api/v1/reviews/vocabulary", json={"kind": "stop", "word": "不错"}, headers=marketer
    )
    assert ok.status_code == 200
    assert "不错" in ok.json()["stopwords"]
    read = await service.create_review(w["member"].id, create(w["orders"][0].id))
    assert "不错" not in read.terms
    assert "面料" in read.terms


def test_font_missing_is_a_clear_error(tmp_path: Any) -> None:
    with pytest.raises(CRMError) as missing:
        service.cjk_font((str(tmp_path),))
    assert missing.value.code == "wordcloud_font_missing"
    assert service.cjk_font().endswith((".ttc", ".otf", ".ttf"))
