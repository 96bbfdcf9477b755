"""The mapping rule: which of a template's fields have no value."""

import pytest

from campaigns.sends.rules import unmapped

FIELDS = ["first", "keyword1", "keyword2", "remark"]


@pytest.mark.parametrize(
    ("mapping", "missing"),
    [
        pytest.param(dict.fromkeys(FIELDS, "{name}"), [], id="all-mapped"),
        pytest.param({}, FIELDS, id="none-mapped"),
        pytest.param(
            {"keyword2": "x", "first": "y"}, ["keyword1", "remark"], id="in-template-order"
        ),
        pytest.param(dict.fromkeys(FIELDS, " \n"), FIELDS, id="blank-is-unmapped"),
        pytest.param({"keyword3": "x", **dict.fromkeys(FIELDS, "v")}, [], id="extra-keys-ignored"),
    ],
)
def test_unmapped(mapping: dict[str, str], missing: list[str]) -> None:
    assert unmapped(FIELDS, mapping) == missing
