"""JSON API under /api/v1/reviews: the review list and replies, word clouds (terms and PNG), the
reviews behind a word, and the segmentation dictionary."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

import analytics.reviews.permissions  # noqa: F401 - registers the review resource
from analytics.reviews import service
from analytics.reviews.models import Sentiment
from analytics.reviews.schemas import (
    ReplyIn,
    ReviewPage,
    ReviewRead,
    SegmentWordIn,
    TermCount,
    VocabularyRead,
    WordCloudRead,
)
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id, PageNumber, PageSize

router = APIRouter(prefix="/api/v1/reviews", tags=["reviews"])
Viewer = Annotated[Principal, Depends(require("analytics.review:view"))]
Replier = Annotated[Principal, Depends(require("analytics.review:reply"))]
Editor = Annotated[Principal, Depends(require("analytics.review:edit"))]
StoreId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
Product = Annotated[str, Query(max_length=64)]
Limit = Annotated[int, Query(ge=1, le=300)]


@router.get("", response_model=ReviewPage)
async def list_reviews(
    principal: Viewer,
    start: date | None = None,
    end: date | None = None,
    store_id: StoreId = None,
    product_code: Product = "",
    sentiment: Sentiment | None = None,
    term: Annotated[str, Query(max_length=64)] = "",
    replied: bool | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> ReviewPage:
    """Reviews of the stores in the caller's scope; `term`: those whose text contains the word
    (the word cloud's click-through)."""
    return await service.list_reviews(
        principal,
        start=start,
        end=end,
        store_id=store_id,
        product_code=product_code,
        sentiment=sentiment.value if sentiment else "",
        term=term,
        replied=replied,
        page=page,
        size=page_size,
    )


@router.post("/{review_id}/reply", response_model=ReviewRead)
async def reply(review_id: Id, body: ReplyIn, principal: Replier) -> ReviewRead:
    return await service.reply(principal, review_id, body)


class CloudFilter:
    """The word cloud's filter, shared by its terms and its PNG."""

    def __init__(
        self,
        start: date | None = None,
        end: date | None = None,
        store_id: StoreId = None,
        product_code: Product = "",
        sentiment: Sentiment | None = None,
    ) -> None:
        self.start, self.end, self.store_id = start, end, store_id
        self.product_code, self.sentiment = product_code, sentiment.value if sentiment else ""

    async def terms(self, principal: Principal, limit: int) -> list[TermCount]:
        return await service.word_cloud(
            principal,
            start=self.start,
            end=self.end,
            store_id=self.store_id,
            product_code=self.product_code,
            sentiment=self.sentiment,
            limit=limit,
        )


Cloud = Annotated[CloudFilter, Depends()]


@router.get("/cloud", response_model=WordCloudRead)
async def word_cloud(principal: Viewer, cloud: Cloud, limit: Limit = 100) -> WordCloudRead:
    """Top terms from the per-day rollups (counts are occurrences; reviews: how many contain it)."""
    return WordCloudRead(terms=await cloud.terms(principal, limit))


@router.get("/cloud.png", response_class=Response)
async def word_cloud_png(principal: Viewer, cloud: Cloud, limit: Limit = 150) -> Response:
    terms = await cloud.terms(principal, limit)
    png = await service.render_png_async(terms)
    return Response(
        png,
        media_type="image/png",
        headers={"Content-Disposition": 'attachment; filename="wordcloud.png"'},
    )


@router.get("/vocabulary", response_model=VocabularyRead)
async def vocabulary(_: Editor) -> VocabularyRead:
    """The dictionary words and stopwords in force (shipped defaults with the brand's edits)."""
    return await service.vocabulary()


@router.put("/vocabulary", response_model=VocabularyRead)
async def set_word(body: SegmentWordIn, principal: Editor) -> VocabularyRead:
    """Add a dictionary word or stopword (enabled) or switch one off (defaults included)."""
    return await service.set_word(principal, body)
