"""Tracked links' pure rules, and WeChat's template job-finish statuses."""

import pytest

from campaigns.links import rules
from campaigns.sends.rules import template_outcome


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        pytest.param("无链接", [], id="none"),
        pytest.param(
            "详见 https://shop.example.com/a?b=1&c=2。",
            ["https://shop.example.com/a?b=1&c=2"],
            id="chinese-stop",
        ),
        pytest.param(
            "(http://x.cn/a), http://x.cn/a.", ["http://x.cn/a"], id="punctuation-and-repeat"
        ),
        pytest.param(
            "点https://a.cn/x领券https://b.cn/y",
            ["https://a.cn/x", "https://b.cn/y"],
            id="between-hanzi",
        ),
        pytest.param("ftp://x.cn/a www.x.cn", [], id="not-http"),
        pytest.param("https://s.cn/t/abc https://a.cn", ["https://a.cn"], id="already-tracked"),
    ],
)
def test_find_urls(text: str, urls: list[str]) -> None:
    assert rules.find_urls(text, skip_prefix="https://s.cn/t/") == urls


def test_rewrite_replaces_each_url_whole_and_keeps_the_punctuation() -> None:
    text = "看 https://a.cn/x，或 (https://a.cn/xy)。再看 https://a.cn/x."
    short = {"https://a.cn/x": "https://s.cn/t/AAA", "https://a.cn/xy": "https://s.cn/t/BBB"}
    assert rules.rewrite(text, short) == (
        "看 https://s.cn/t/AAA，或 (https://s.cn/t/BBB)。再看 https://s.cn/t/AAA."
    )


def test_codes_are_ten_url_safe_characters_and_differ() -> None:
    codes = {rules.new_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(len(c) == 10 and rules.is_code(c) for c in codes)
    assert [rules.is_code(c) for c in ("", "a/b", "a-b", "x" * 17, "短码")] == [False] * 5


def test_short_url_and_key() -> None:
    assert rules.short_url("https://s.cn/", "Ab3") == "https://s.cn/t/Ab3"
    assert rules.link_key("d", 7, "https://a.cn") == rules.link_key("d", 7, "https://a.cn")
    assert rules.link_key("d", 7, "https://a.cn") != rules.link_key("c", 7, "https://a.cn")
    assert len(rules.link_key("d", 2**62, "https://a.cn/" + "x" * 2000)) <= 80


@pytest.mark.parametrize(
    ("original", "tracked", "fits"),
    [(300, 402, True), (300, 403, False), (410, 410, True), (410, 411, False)],
)
def test_a_tracked_sms_stays_within_the_parts_the_original_fitted(
    original: int, tracked: int, fits: bool
) -> None:
    assert rules.sms_fits(original, tracked, 402) is fits


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        ("success", (True, "")),
        ("failed:user block", (False, "user_block")),
        ("failed: system failed", (False, "system_failed")),
        ("failed:freq limit", (False, "freq_limit")),
        ("failed", (False, "failed")),
        ("sending", None),
    ],
)
def test_template_outcome(status: str, outcome: tuple[bool, str] | None) -> None:
    assert template_outcome(status) == outcome
