"""Review payloads."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from analytics.reviews.models import Sentiment, WordKind

Stars = Field(ge=1, le=5)


class ReviewItemIn(BaseModel):
    product_code: str = Field(min_length=1, max_length=64)
    stars: int = Stars


class ReviewCreate(BaseModel):
    order_id: int = Field(gt=0)
    stars: int = Stars
    guide_stars: int | None = Field(default=None, ge=1, le=5)
    text: str = Field(default="", max_length=500)
    pictures: list[str] = Field(default_factory=list, max_length=3)
    items: list[ReviewItemIn] = Field(default_factory=list, max_length=50)


class ReviewItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    product_code: str
    product_name: str
    stars: int
    sentiment: Sentiment


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    order_id: int
    member_id: int
    store_id: int
    guide_id: int | None
    stars: int
    guide_stars: int | None
    sentiment: Sentiment
    text: str
    pictures: list[str]
    day: date
    created_at: datetime
    reply: str
    replied_at: datetime | None
    items: list[ReviewItemRead] = []
    terms: list[str] = []


class ReviewPage(BaseModel):
    total: int
    items: list[ReviewRead]


class ReplyIn(BaseModel):
    reply: str = Field(min_length=1, max_length=500)


class TermCount(BaseModel):
    term: str
    count: int
    reviews: int


class WordCloudRead(BaseModel):
    terms: list[TermCount]


class SegmentWordIn(BaseModel):
    kind: WordKind
    word: str = Field(min_length=1, max_length=32)
    enabled: bool = True


class VocabularyRead(BaseModel):
    words: list[str]
    stopwords: list[str]
