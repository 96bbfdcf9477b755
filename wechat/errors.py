"""Typed WeChat errors: `crm_core.errors.CRMError` subclasses with a stable code and a Chinese
message, so the one JSON handler renders them and the console can show `message` verbatim."""

from typing import Any, ClassVar

from crm_core.errors import CRMError, UpstreamError


class WeChatError(CRMError):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "wechat_error"
    message: ClassVar[str] = "微信请求出错"

    def __init__(self, detail: str | None = None, **context: Any) -> None:
        super().__init__(detail or self.message, **context)


# Inbound callback (our server receiving WeChat pushes).


class CallbackRejectedError(WeChatError):
    status_code = 403
    code = "wechat_callback_rejected"
    message = "回调请求未通过校验"


class InvalidSignatureError(CallbackRejectedError):
    code = "wechat_invalid_signature"
    message = "回调签名无效"


class StaleTimestampError(CallbackRejectedError):
    code = "wechat_stale_timestamp"
    message = "回调时间戳超出允许范围"


class UnknownAppError(CallbackRejectedError):
    code = "wechat_unknown_app"
    message = "未知的公众号"


class DecryptionError(CallbackRejectedError):
    code = "wechat_decrypt_failed"
    message = "消息解密失败"


class PlaintextNotAllowedError(CallbackRejectedError):
    code = "wechat_plaintext_not_allowed"
    message = "生产环境只接受安全模式消息"


class CallbackBodyTooLargeError(WeChatError):
    status_code = 413
    code = "payload_too_large"
    message = "请求体过大"


class MalformedXmlError(WeChatError):
    status_code = 400
    code = "wechat_malformed_xml"
    message = "XML 格式无效或包含不允许的声明"


# Outbound API errors: WeChat answers HTTP 200 with {"errcode": N, "errmsg": "..."}.


class WeChatAPIError(WeChatError, UpstreamError):
    status_code = 502
    code = "wechat_api_error"
    message = "微信接口返回错误"
    errcode: ClassVar[int] = 0
    retryable: ClassVar[bool] = False

    def __init__(self, errcode: int | None = None, errmsg: str = "", **context: Any) -> None:
        self.errcode_received = self.errcode if errcode is None else errcode
        self.errmsg = errmsg
        super().__init__(f"{self.message}（{self.errcode_received}: {errmsg}）", **context)


class WeChatUnavailableError(WeChatAPIError):
    code = "wechat_unavailable"
    message = "微信接口无法连接或超时"
    retryable = True


class TokenInvalidError(WeChatAPIError):
    """40001/40014/42001: the client refreshes the token once and retries once."""

    code = "wechat_token_invalid"
    message = "access_token 无效或已过期"


class SystemBusyError(WeChatAPIError):
    errcode = -1
    code = "wechat_system_busy"
    message = "微信系统繁忙，请稍后再试"
    retryable = True


class InvalidCredentialError(TokenInvalidError):
    errcode = 40001
    code = "wechat_invalid_credential"
    message = "access_token 无效或不是最新"


class InvalidAccessTokenError(TokenInvalidError):
    errcode = 40014
    code = "wechat_invalid_access_token"
    message = "access_token 不合法"


class AccessTokenExpiredError(TokenInvalidError):
    errcode = 42001
    code = "wechat_access_token_expired"
    message = "access_token 已过期"


class AccessTokenMissingError(WeChatAPIError):
    errcode = 41001
    code = "wechat_access_token_missing"
    message = "缺少 access_token 参数"


class InvalidOpenidError(WeChatAPIError):
    errcode = 40003
    code = "wechat_invalid_openid"
    message = "openid 无效"


class InvalidAppidError(WeChatAPIError):
    errcode = 40013
    code = "wechat_invalid_appid"
    message = "AppID 无效，请检查公众号配置"


class InvalidAppSecretError(WeChatAPIError):
    errcode = 40125
    code = "wechat_invalid_appsecret"
    message = "AppSecret 无效，请检查公众号配置"


class IpNotWhitelistedError(WeChatAPIError):
    errcode = 40164
    code = "wechat_ip_not_whitelisted"
    message = "服务器 IP 不在公众号白名单中"


class RequireSubscribeError(WeChatAPIError):
    errcode = 43004
    code = "wechat_require_subscribe"
    message = "用户未关注公众号"


class UserBlacklistedError(WeChatAPIError):
    errcode = 43019
    code = "wechat_user_blacklisted"
    message = "用户已被拉黑"


class UserRefusedMessageError(WeChatAPIError):
    errcode = 43101
    code = "wechat_user_refused"
    message = "用户拒绝接收消息（订阅授权已用完）"


class ApiQuotaExceededError(WeChatAPIError):
    errcode = 45009
    code = "wechat_quota_exceeded"
    message = "接口调用超过每日限额"


class ResponseWindowClosedError(WeChatAPIError):
    errcode = 45015
    code = "wechat_response_window_closed"
    message = "超过48小时客服消息窗口，无法回复"


class ResponseCountExceededError(WeChatAPIError):
    errcode = 45047
    code = "wechat_response_count_exceeded"
    message = "客服消息条数已达上限，需等待用户再次互动"


class MassQuotaExceededError(WeChatAPIError):
    errcode = 45028
    code = "wechat_mass_quota_exceeded"
    message = "群发次数已用完"


class ClientMsgIdExistsError(WeChatAPIError):
    errcode = 45065
    code = "wechat_clientmsgid_exists"
    message = "相同 clientmsgid 的群发已提交"


class OpenidListTooShortError(WeChatAPIError):
    errcode = 40130
    code = "wechat_openid_list_too_short"
    message = "群发 openid 列表至少需要两个"


class OpenidListSizeError(WeChatAPIError):
    errcode = 40032
    code = "wechat_openid_list_size"
    message = "openid 列表长度不合法"


class TooManyTagsError(WeChatAPIError):
    errcode = 45056
    code = "wechat_too_many_tags"
    message = "标签数量已达上限（100个）"


class UserTooManyTagsError(WeChatAPIError):
    errcode = 45059
    code = "wechat_user_too_many_tags"
    message = "该粉丝的标签数已达上限"


class TagNameDuplicateError(WeChatAPIError):
    errcode = 45157
    code = "wechat_tag_name_duplicate"
    message = "标签名已存在"


class TagNameTooLongError(WeChatAPIError):
    errcode = 45158
    code = "wechat_tag_name_too_long"
    message = "标签名超过30个字节"


class InvalidTagError(WeChatAPIError):
    errcode = 45159
    code = "wechat_invalid_tag"
    message = "标签不存在"


class InvalidTemplateError(WeChatAPIError):
    errcode = 40037
    code = "wechat_invalid_template"
    message = "模板 ID 无效"


class InvalidArgumentError(WeChatAPIError):
    errcode = 47003
    code = "wechat_invalid_argument"
    message = "模板参数不合法"


class MenuNotExistError(WeChatAPIError):
    errcode = 46003
    code = "wechat_menu_not_exist"
    message = "菜单不存在"


class NoDefaultMenuError(WeChatAPIError):
    errcode = 65303
    code = "wechat_no_default_menu"
    message = "请先创建默认菜单"


class EmptyMatchRuleError(WeChatAPIError):
    errcode = 65304
    code = "wechat_empty_match_rule"
    message = "个性化菜单匹配规则为空"


class TooManyConditionalMenusError(WeChatAPIError):
    errcode = 65305
    code = "wechat_too_many_conditional_menus"
    message = "个性化菜单数量已达上限"


class UnsupportedMatchRuleError(WeChatAPIError):
    errcode = 65320
    code = "wechat_unsupported_match_rule"
    message = "个性化菜单不再支持性别、地区、语言规则"


class InvalidOAuthCodeError(WeChatAPIError):
    errcode = 40029
    code = "wechat_invalid_oauth_code"
    message = "网页授权 code 无效"


class OAuthCodeUsedError(WeChatAPIError):
    errcode = 40163
    code = "wechat_oauth_code_used"
    message = "网页授权 code 已被使用"


class ApiUnsupportedError(WeChatAPIError):
    errcode = 45103
    code = "wechat_api_unsupported"
    message = "该接口已被微信下线"


class ApiUnauthorizedError(WeChatAPIError):
    errcode = 48001
    code = "wechat_api_unauthorized"
    message = "公众号没有该接口权限"


class InvalidMediaIdError(WeChatAPIError):
    errcode = 40007
    code = "wechat_invalid_media_id"
    message = "media_id 无效或已过期"


API_ERRORS: dict[int, type[WeChatAPIError]] = {
    cls.errcode: cls
    for cls in (
        SystemBusyError,
        InvalidCredentialError,
        InvalidAccessTokenError,
        AccessTokenExpiredError,
        AccessTokenMissingError,
        InvalidOpenidError,
        InvalidAppidError,
        InvalidAppSecretError,
        IpNotWhitelistedError,
        RequireSubscribeError,
        UserBlacklistedError,
        UserRefusedMessageError,
        ApiQuotaExceededError,
        ResponseWindowClosedError,
        ResponseCountExceededError,
        MassQuotaExceededError,
        ClientMsgIdExistsError,
        OpenidListTooShortError,
        OpenidListSizeError,
        TooManyTagsError,
        UserTooManyTagsError,
        TagNameDuplicateError,
        TagNameTooLongError,
        InvalidTagError,
        InvalidTemplateError,
        InvalidArgumentError,
        MenuNotExistError,
        NoDefaultMenuError,
        EmptyMatchRuleError,
        TooManyConditionalMenusError,
        UnsupportedMatchRuleError,
        InvalidOAuthCodeError,
        OAuthCodeUsedError,
        ApiUnsupportedError,
        ApiUnauthorizedError,
        InvalidMediaIdError,
    )
}


def api_error_for(errcode: int, errmsg: str = "", **context: Any) -> WeChatAPIError:
    """The typed error for a WeChat errcode; unknown codes keep their number on the base class."""
    return API_ERRORS.get(errcode, WeChatAPIError)(errcode, errmsg, **context)


# Product records of the channel (accounts, QR codes, fans, replies, menus).


class AccountNotFoundError(WeChatError):
    status_code = 404
    code = "wechat_account_not_found"
    message = "公众号不存在"


class DuplicateAccountError(WeChatError):
    status_code = 409
    code = "wechat_account_exists"
    message = "该 AppID 的公众号已存在"


class QrCodeNotFoundError(WeChatError):
    status_code = 404
    code = "wechat_qrcode_not_found"
    message = "二维码不存在"


class DuplicateSceneError(WeChatError):
    status_code = 409
    code = "wechat_scene_exists"
    message = "该公众号下已有相同场景值的二维码"


class QrCodeNotReadyError(WeChatError):
    status_code = 409
    code = "wechat_qrcode_not_ready"
    message = "二维码尚未生成（正在向微信申请），请稍后再试"


class InvalidQrTargetError(WeChatError):
    status_code = 422
    code = "wechat_invalid_qr_target"
    message = "二维码的门店、导购或渠道设置不正确"


class FanNotFoundError(WeChatError):
    status_code = 404
    code = "wechat_fan_not_found"
    message = "粉丝不存在"


class AutoReplyNotFoundError(WeChatError):
    status_code = 404
    code = "wechat_autoreply_not_found"
    message = "自动回复规则不存在"


class InvalidAutoReplyError(WeChatError):
    status_code = 422
    code = "wechat_invalid_autoreply"
    message = "自动回复规则不完整"


class MenuNotFoundError(WeChatError):
    status_code = 404
    code = "wechat_local_menu_not_found"
    message = "菜单不存在"


class InvalidMenuError(WeChatError):
    status_code = 422
    code = "wechat_invalid_menu"
    message = "菜单不符合微信的要求"


class WindowClosedError(WeChatError):
    status_code = 409
    code = "wechat_window_closed"
    message = (
        "该粉丝超过 48 小时没有发消息（或已取消关注），微信不允许再发客服消息；"
        "请等粉丝再次发消息后回复，或改用模板消息"
    )


class ReplyQuotaUsedError(WeChatError):
    status_code = 409
    code = "wechat_reply_quota_used"
    message = (
        "粉丝上次互动后可回复的客服消息条数已用完（微信限制每次互动后最多 5 条），"
        "请等粉丝再次发消息后继续回复"
    )


class InvalidAccountError(WeChatError):
    status_code = 422
    code = "wechat_invalid_account"
    message = "兼容模式和安全模式需要填写 43 位的 EncodingAESKey"


class MerchantNotConfiguredError(WeChatError):
    status_code = 409
    code = "wechat_pay_merchant_missing"
    message = "尚未配置微信支付商户号，无法发放红包"


class DuplicateMerchantError(WeChatError):
    status_code = 409
    code = "wechat_pay_merchant_exists"
    message = "该商户号已绑定到另一个公众号"


# WeChat Pay v2 (red packets): XML with return_code/result_code and a string err_code.


class WeChatPayError(WeChatError, UpstreamError):
    """A definite answer: nothing was paid, the same mch_billno may be sent again later."""

    status_code = 502
    code = "wechat_pay_error"
    message = "微信支付接口返回错误"
    err_code: ClassVar[str] = ""
    # True: WeChat may or may not have paid; query the bill (gethbinfo) before any resend.
    uncertain: ClassVar[bool] = False

    def __init__(self, err_code: str | None = None, err_code_des: str = "", **context: Any) -> None:
        self.err_code_received = err_code or self.err_code or "FAIL"
        self.err_code_des = err_code_des
        super().__init__(f"{self.message}（{self.err_code_received}: {err_code_des}）", **context)


class PayOutcomeUnknownError(WeChatPayError):
    code = "wechat_pay_outcome_unknown"
    message = "微信支付结果未知（超时或系统繁忙），需先查询再决定是否重发"
    uncertain = True


class PaySystemError(PayOutcomeUnknownError):
    err_code = "SYSTEMERROR"
    code = "wechat_pay_system_error"
    message = "微信支付系统繁忙，结果未知，需先查询红包状态"


class PayProcessingError(PayOutcomeUnknownError):
    err_code = "PROCESSING"
    code = "wechat_pay_processing"
    message = "红包正在发放中，请稍后查询结果"


class PayRequestRefusedError(WeChatPayError):
    """return_code=FAIL: the request was refused before any business processing."""

    code = "wechat_pay_request_refused"
    message = "微信支付拒绝了请求（商户号、XML 或证书有误）"


class PaySignError(PayRequestRefusedError):
    err_code = "SIGN_ERROR"
    code = "wechat_pay_sign_error"
    message = "微信支付签名错误，请检查商户 API 密钥"


class PayCertificateError(PayRequestRefusedError):
    err_code = "CA_ERROR"
    code = "wechat_pay_certificate_error"
    message = "商户 API 证书无效或未配置"


class PayParamError(WeChatPayError):
    err_code = "PARAM_ERROR"
    code = "wechat_pay_param_error"
    message = "红包参数错误"


class PayBalanceError(WeChatPayError):
    err_code = "NOTENOUGH"
    code = "wechat_pay_not_enough"
    message = "商户账户余额不足，请充值后重试"


class PaySendNumLimitError(WeChatPayError):
    err_code = "SENDNUM_LIMIT"
    code = "wechat_pay_sendnum_limit"
    message = "该用户今日领取红包个数已达上限"


class PayMoneyLimitError(WeChatPayError):
    err_code = "MONEY_LIMIT"
    code = "wechat_pay_money_limit"
    message = "红包金额超出允许范围（默认 1–200 元）"


class PayFrequencyLimitError(WeChatPayError):
    err_code = "FREQ_LIMIT"
    code = "wechat_pay_freq_limit"
    message = "红包发放过于频繁，请稍后重试"


class PayNoAuthError(WeChatPayError):
    err_code = "NO_AUTH"
    code = "wechat_pay_no_auth"
    message = "商户没有红包权限，或公众号未与商户号绑定"


class PayOpenidError(WeChatPayError):
    err_code = "OPENID_ERROR"
    code = "wechat_pay_openid_error"
    message = "openid 与公众号不匹配"


class PaySendFailedError(WeChatPayError):
    err_code = "SEND_FAILED"
    code = "wechat_pay_send_failed"
    message = "红包发放失败（被微信风控拦截）"


class PayBillNotFoundError(WeChatPayError):
    err_code = "NOT_FOUND"
    code = "wechat_pay_bill_not_found"
    message = "微信支付查无此红包单号"


PAY_ERRORS: dict[str, type[WeChatPayError]] = {
    cls.err_code: cls
    for cls in (
        PaySystemError,
        PayProcessingError,
        PaySignError,
        PayCertificateError,
        PayParamError,
        PayBalanceError,
        PaySendNumLimitError,
        PayMoneyLimitError,
        PayFrequencyLimitError,
        PayNoAuthError,
        PayOpenidError,
        PaySendFailedError,
        PayBillNotFoundError,
    )
}
PAY_ERRORS["SENDNUMLIMIT"] = PaySendNumLimitError  # older documents spell it without "_"


def pay_error_for(err_code: str, err_code_des: str = "") -> WeChatPayError:
    """Unknown err_code values are uncertain: WeChat adds codes over time (wechat.md §2.12)."""
    return PAY_ERRORS.get(err_code, PayOutcomeUnknownError)(err_code, err_code_des)
