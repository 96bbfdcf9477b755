"""Reviews: written by members after a till order, segmented once at write time, replied to by
staff, rolled up per day, and read back as word clouds."""

import asyncio
import io
from datetime import date, timedelta
from pathlib import Path

from analytics.reviews import repository, rules
from analytics.reviews.errors import (
    AlreadyReviewedError,
    FontMissingError,
    ReviewNotFoundError,
    ReviewOrderNotFoundError,
    ReviewOrderNotReviewableError,
    ReviewPicturesInvalidError,
    ReviewProductInvalidError,
    SegmentWordInvalidError,
)
from analytics.reviews.models import Review, ReviewItem, ReviewTerm, SegmentWord
from analytics.reviews.schemas import (
    ReplyIn,
    ReviewCreate,
    ReviewItemRead,
    ReviewPage,
    ReviewRead,
    SegmentWordIn,
    TermCount,
    VocabularyRead,
)
from crm_core import audit, clock, jobs, storage
from crm_core.audit import Actor, actor_of
from crm_core.db import unit_of_work
from crm_core.errors import CRMError
from crm_core.permissions import Principal
from crm_core.sales.models import OrderStatus, SalesOrder, SalesOrderLine
from members.models import Member

REWARD_JOB = "loyalty.reward_action"
ROLLUP_JOB = "analytics.rollup_review_terms"
_segmenters: dict[tuple[int, str], rules.Segmenter] = {}


async def segmenter() -> rules.Segmenter:
    """The tokenizer of the current vocabulary (rebuilt only when the console edits it)."""
    version = await repository.vocabulary_version()
    found = _segmenters.get(version)
    if found is None:
        vocab = rules.vocabulary(await repository.vocabulary_rows())
        found = await asyncio.to_thread(rules.Segmenter, vocab)
        _segmenters.clear()
        _segmenters[version] = found
    return found


async def create_review(member_id: int, data: ReviewCreate) -> ReviewRead:
    """Once per order (409 on a second one); the review gift follows after the commit."""
    text = data.text.strip()
    terms = (await segmenter()).terms(text) if text else {}
    now = clock.utc_now()
    async with unit_of_work():
        order = await SalesOrder.select_for_update().get_or_none(
            id=data.order_id, member_id=member_id
        )
        if order is None:
            raise ReviewOrderNotFoundError()
        if order.status == OrderStatus.REFUNDED:
            raise ReviewOrderNotReviewableError()
        if await Review.exists(order_id=order.id):
            raise AlreadyReviewedError()
        lines = {
            line.product_code: line.product_name
            for line in await SalesOrderLine.filter(order_id=order.id)
        }
        for item in data.items:
            if item.product_code not in lines:
                raise ReviewProductInvalidError(code=item.product_code)
        member = await Member.get(id=member_id)
        review = await Review.create(
            order_id=order.id,
            member_id=member_id,
            store_id=order.store_id,
            guide_id=member.first_guide_id,
            stars=data.stars,
            guide_stars=data.guide_stars if member.first_guide_id else None,
            sentiment=rules.sentiment_of(data.stars),
            text=text,
            pictures=data.pictures,
            day=clock.to_local(now).date(),
            created_at=now,
        )
        seen = {item.product_code: item for item in data.items}
        await ReviewItem.bulk_create(
            [
                ReviewItem(
                    review_id=review.id,
                    product_code=code,
                    product_name=lines[code],
                    stars=item.stars,
                    sentiment=rules.sentiment_of(item.stars),
                )
                for code, item in seen.items()
            ]
        )
        await ReviewTerm.bulk_create(
            [ReviewTerm(review_id=review.id, term=t, count=c) for t, c in sorted(terms.items())]
        )
        await audit.record(
            Actor(None, f"member:{member_id}"),
            "analytics.review_create",
            target_type="review",
            target_id=review.id,
            after={"order_id": order.id, "stars": data.stars},
        )
        jobs.enqueue(REWARD_JOB, member_id=member_id, action="review", ref=str(review.id))
        jobs.enqueue(ROLLUP_JOB, day=review.day.isoformat())
    return await _read(review)


async def _read(review: Review, terms: list[str] | None = None) -> ReviewRead:
    if terms is None:
        terms = (await repository.terms_of([review.id])).get(review.id, [])
    items = await ReviewItem.filter(review_id=review.id).order_by("id")
    columns = {
        n: getattr(review, n) for n in ReviewRead.model_fields if n not in {"items", "terms"}
    }
    return ReviewRead(
        **columns, items=[ReviewItemRead.model_validate(i) for i in items], terms=terms
    )


async def reviewed_orders(member_id: int) -> set[int]:
    ids = await Review.filter(member_id=member_id).values_list("order_id", flat=True)
    return {int(i) for i in ids}  # type: ignore[call-overload]


async def list_reviews(
    principal: Principal,
    *,
    start: date | None = None,
    end: date | None = None,
    store_id: int | None = None,
    product_code: str = "",
    sentiment: str = "",
    term: str = "",
    replied: bool | None = None,
    page: int = 1,
    size: int = 20,
) -> ReviewPage:
    query = repository.filtered(
        principal,
        start=start,
        end=end,
        store_id=store_id,
        product_code=product_code,
        sentiment=sentiment,
        term=term,
        replied=replied,
    )
    total = await query.count()
    reviews = await query.order_by("-id").offset((page - 1) * size).limit(size)
    terms = await repository.terms_of([r.id for r in reviews])
    return ReviewPage(total=total, items=[await _read(r, terms.get(r.id, [])) for r in reviews])


async def reply(principal: Principal, review_id: int, data: ReplyIn) -> ReviewRead:
    async with unit_of_work():
        review = await repository.in_scope(principal).select_for_update().get_or_none(id=review_id)
        if review is None:
            raise ReviewNotFoundError()
        before = review.reply
        review.reply = data.reply.strip()
        review.replied_by_id = principal.staff_id
        review.replied_at = clock.utc_now()
        await review.save(update_fields=["reply", "replied_by_id", "replied_at"])
        await audit.record(
            actor_of(principal),
            "analytics.review_reply",
            target_type="review",
            target_id=review.id,
            before={"reply": before},
            after={"reply": review.reply},
        )
    return await _read(review)


async def rollup_day(day: date) -> int:
    """Rebuild one day's term rollup from the reviews' saved terms; idempotent."""
    async with unit_of_work():
        return await repository.rebuild_day(day)


async def rollup_range(start: date, end: date) -> int:
    total, day = 0, start
    while day <= end:
        total += await rollup_day(day)
        day += timedelta(days=1)
    return total


async def word_cloud(
    principal: Principal,
    *,
    start: date | None = None,
    end: date | None = None,
    store_id: int | None = None,
    product_code: str = "",
    sentiment: str = "",
    limit: int = 100,
) -> list[TermCount]:
    query = repository.cloud_query(
        principal,
        start=start,
        end=end,
        store_id=store_id,
        product_code=product_code,
        sentiment=sentiment,
    )
    return [
        TermCount(term=t, count=c, reviews=n)
        for t, c, n in await repository.top_terms(query, limit)
    ]


FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"))
FONT_NAMES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSerifCJK-Regular.ttc")


def cjk_font(dirs: tuple[str, ...] = FONT_DIRS) -> str:
    """The first Noto CJK font found (preferred names first, then any *CJK*.tt[cf]/otf)."""
    candidates: list[Path] = []
    for root in map(Path, dirs):
        if root.is_dir():
            candidates += sorted(
                p for p in root.rglob("*CJK*") if p.suffix in {".ttc", ".otf", ".ttf"}
            )
    for name in FONT_NAMES:
        for path in candidates:
            if path.name == name:
                return str(path)
    if candidates:
        return str(candidates[0])
    raise FontMissingError()


def render_png(terms: list[TermCount], *, width: int = 800, height: int = 500) -> bytes:
    from wordcloud import WordCloud

    cloud = WordCloud(
        font_path=cjk_font(),
        width=width,
        height=height,
        background_color="white",
        prefer_horizontal=0.9,
    )
    frequencies = {t.term: t.count for t in terms} or {"暂无评价": 1}
    buffer = io.BytesIO()
    cloud.generate_from_frequencies(frequencies).to_image().save(buffer, format="PNG")
    return buffer.getvalue()


async def vocabulary() -> VocabularyRead:
    vocab = rules.vocabulary(await repository.vocabulary_rows())
    return VocabularyRead(words=sorted(vocab.words), stopwords=sorted(vocab.stopwords))


async def set_word(principal: Principal, data: SegmentWordIn) -> VocabularyRead:
    """Add a word (enabled) or switch one off, shipped defaults included. New reviews use it;
    saved reviews keep their terms (segmented once)."""
    word = data.word.strip()
    if not word or any(c.isspace() for c in word):
        raise SegmentWordInvalidError()
    async with unit_of_work():
        row = await SegmentWord.select_for_update().get_or_none(kind=data.kind, word=word)
        now = clock.utc_now()
        if row is None:
            await SegmentWord.create(
                kind=data.kind, word=word, enabled=data.enabled, updated_at=now
            )
        else:
            row.enabled, row.updated_at = data.enabled, now
            await row.save(update_fields=["enabled", "updated_at"])
        await audit.record(
            actor_of(principal),
            "analytics.segment_word_set",
            target_type="segment_word",
            target_id=word,
            after={"kind": str(data.kind), "word": word, "enabled": data.enabled},
        )
    return await vocabulary()


async def render_png_async(terms: list[TermCount]) -> bytes:
    return await asyncio.to_thread(render_png, terms)


async def order_to_review(member_id: int, order_id: int) -> tuple[SalesOrder, list[SalesOrderLine]]:
    """The member's own order, not yet reviewed and not refunded: what the H5 form shows."""
    order = await SalesOrder.get_or_none(id=order_id, member_id=member_id)
    if order is None:
        raise ReviewOrderNotFoundError()
    if order.status == OrderStatus.REFUNDED:
        raise ReviewOrderNotReviewableError()
    if await Review.exists(order_id=order.id):
        raise AlreadyReviewedError()
    return order, await SalesOrderLine.filter(order_id=order.id).order_by("id")


async def review_actions(member_id: int, order_ids: list[int]) -> dict[int, tuple[str, str]]:
    """The 评价 link beside each of the member's unreviewed, unrefunded orders (member center)."""
    done = set(await Review.filter(order_id__in=order_ids).values_list("order_id", flat=True))
    open_ids = await SalesOrder.filter(
        id__in=order_ids, member_id=member_id, status__not=OrderStatus.REFUNDED
    ).values_list("id", flat=True)
    return {
        int(i): ("评价", f"/h5/member/orders/{i}/review")  # type: ignore[call-overload]
        for i in open_ids
        if i not in done
    }


async def save_pictures(member_id: int, files: list[tuple[str, bytes]]) -> list[str]:
    """Up to three images (PNG, JPEG, WebP) into storage; their keys go in the review."""
    if len(files) > rules.MAX_PICTURES:
        raise ReviewPicturesInvalidError()
    for name, body in files:
        try:
            kind = storage.sniff(name, body)
        except CRMError as error:
            raise ReviewPicturesInvalidError() from error
        if not kind.startswith("image/"):
            raise ReviewPicturesInvalidError()
    return [(await storage.save(f"reviews/{member_id}", n, b)).key for n, b in files]
