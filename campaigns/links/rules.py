"""Pure rules of tracked links: finding URLs in a message, the short codes, the rewrite."""

import hashlib
import re
import secrets
import string
from collections.abc import Mapping

# 62 ** 10 codes: guessing a live one is hopeless, and the link stays short for an SMS.
CODE_ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 10
PATH = "/t/"
# ASCII URL characters only, so Chinese text right after a link ends it.
URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
# Sentence punctuation a writer puts after a link, not part of it.
TRAILING = ".,;:!?'\")]}"
CODE = re.compile(rf"^[{CODE_ALPHABET}]{{1,16}}$")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def is_code(value: str) -> bool:
    return bool(CODE.match(value))


def find_urls(text: str, *, skip_prefix: str = "") -> list[str]:
    """The distinct http(s) URLs in `text`, in order; those under `skip_prefix` (already
    tracked) are left out."""
    found = (match.group(0).rstrip(TRAILING) for match in URL.finditer(text))
    return [
        url for url in dict.fromkeys(found) if not (skip_prefix and url.startswith(skip_prefix))
    ]


def rewrite(text: str, short: Mapping[str, str]) -> str:
    """Every URL of `short` in `text` replaced by its short link (each URL matched whole)."""

    def swap(match: re.Match[str]) -> str:
        whole = match.group(0)
        url = whole.rstrip(TRAILING)
        return short.get(url, url) + whole[len(url) :]

    return URL.sub(swap, text)


def short_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}{PATH}{code}"


def link_key(scope: str, owner_id: int, url: str) -> str:
    digest = hashlib.sha256(url.encode()).hexdigest()[:40]
    return f"{scope}:{owner_id}:{digest}"


def sms_fits(original: int, tracked: int, limit: int) -> bool:
    """A tracked SMS (lengths with signature and opt-out line) may not push the message past
    the parts limit the original fitted in."""
    return tracked <= max(original, limit)
