"""Pure rules of reviews: sentiment by stars, segmentation with a retail dictionary and
stopwords."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import jieba

from analytics.reviews.models import Sentiment

MAX_TEXT = 500
MAX_PICTURES = 3
MIN_TERM, MAX_TERM = 2, 64

# Shipped retail dictionary: words jieba would otherwise split (editable in the console).
DEFAULT_DICT = (
    "导购", "性价比", "做工", "面料", "尺码", "偏大", "偏小", "正品", "物流", "包装",
    "退换货", "售后", "服务态度", "回头客", "颜值", "质感", "色差", "起球", "掉色", "不划算",
    "很划算", "专柜", "试穿", "上身", "显瘦", "好评", "差评", "会员价", "积分", "优惠券",
)  # fmt: skip
# Shipped stopwords: function words and filler that say nothing in a word cloud.
DEFAULT_STOPWORDS = (
    "的", "了", "和", "是", "就", "都", "而", "及", "与", "着", "或", "一个", "没有", "我们",
    "你们", "他们", "她们", "我", "你", "他", "她", "它", "这", "那", "也", "还", "在", "有",
    "很", "非常", "比较", "挺", "太", "又", "吧", "啊", "呢", "吗", "哦", "嗯", "呀", "么",
    "这个", "那个", "就是", "还是", "但是", "因为", "所以", "然后", "一下", "一些", "什么",
    "不过", "可以", "觉得", "感觉", "真的", "已经", "这次", "一次", "东西", "给", "把", "被",
    "让", "到", "对", "说", "去", "来", "会", "要", "能", "买", "次", "个", "店",
)  # fmt: skip


def sentiment_of(stars: int) -> Sentiment:
    """4–5 good, 3 medium, 1–2 bad."""
    if stars >= 4:
        return Sentiment.GOOD
    return Sentiment.MEDIUM if stars == 3 else Sentiment.BAD


@dataclass(frozen=True)
class Vocabulary:
    words: frozenset[str]
    stopwords: frozenset[str]


def vocabulary(added: Iterable[tuple[str, str, bool]]) -> Vocabulary:
    """The shipped defaults with the console's edits: (kind, word, enabled) rows."""
    words, stops = set(DEFAULT_DICT), set(DEFAULT_STOPWORDS)
    for kind, word, enabled in added:
        target = words if kind == "dict" else stops
        (target.add if enabled else target.discard)(word)
    return Vocabulary(frozenset(words), frozenset(stops))


class Segmenter:
    """A jieba tokenizer with the vocabulary's user words; one per vocabulary, reused."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        for word in sorted(vocab.words):
            self._tokenizer.add_word(word, freq=100000)

    def terms(self, text: str) -> Counter[str]:
        """Term → occurrences: lower-cased, no stopwords, letters and digits only (no
        punctuation), 2+ characters (single characters are mostly particles), at most MAX_TERM."""
        stop = self.vocab.stopwords
        return Counter(
            term
            for token in self._tokenizer.cut(text)
            if MIN_TERM <= len(token) <= MAX_TERM
            and token.isalnum()
            and (term := token.lower()) not in stop
        )
