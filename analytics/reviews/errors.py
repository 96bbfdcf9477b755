"""Review errors (stable codes, Chinese messages)."""

from crm_core.errors import ConflictError, NotFoundError, ValidationError


class ReviewNotFoundError(NotFoundError):
    code = "review_not_found"
    message = "评价不存在"


class ReviewOrderNotFoundError(NotFoundError):
    code = "review_order_not_found"
    message = "订单不存在"


class AlreadyReviewedError(ConflictError):
    code = "review_exists"
    message = "这笔订单已经评价过了"


class ReviewOrderNotReviewableError(ConflictError):
    code = "review_order_not_reviewable"
    message = "已退款的订单不能评价"


class ReviewProductInvalidError(ValidationError):
    code = "review_product_invalid"
    message = "商品 {code} 不在这笔订单里"


class ReviewPicturesInvalidError(ValidationError):
    code = "review_pictures_invalid"
    message = "最多上传 3 张图片（PNG、JPEG 或 WebP，每张不超过 20 MB）"


class SegmentWordInvalidError(ValidationError):
    code = "segment_word_invalid"
    message = "词语须为 1–32 个字，不含空格"


class FontMissingError(ConflictError):
    code = "wordcloud_font_missing"
    message = "服务器没有中文字体（请安装 fonts-noto-cjk），无法生成词云图片"
