"""Custom field values by their definition, and the category tree's cycle rule."""

import pytest

from crm_core.catalog.models import FieldKind
from crm_core.catalog.rules import CustomValueError, FieldDef, clean_custom, would_cycle

FIELDS = [
    FieldDef("origin", "产地", FieldKind.TEXT, required=True),
    FieldDef("weight", "重量", FieldKind.NUMBER),
    FieldDef("launch", "上市日期", FieldKind.DATE),
    FieldDef("grade", "等级", FieldKind.SELECT, ("一级", "二级")),
    FieldDef("gift", "可作赠品", FieldKind.BOOL),
]


def test_good_values_are_kept_cleaned_and_empty_ones_dropped() -> None:
    values = {
        "origin": " 云南 ",
        "weight": 2.5,
        "launch": "2026-03-01",
        "grade": "一级",
        "gift": False,
    }
    assert clean_custom(FIELDS, values) == {
        "origin": "云南",
        "weight": 2.5,
        "launch": "2026-03-01",
        "grade": "一级",
        "gift": False,
    }
    assert clean_custom(FIELDS, {"origin": "云南", "weight": None, "grade": ""}) == {
        "origin": "云南"
    }


@pytest.mark.parametrize(
    ("values", "key", "message"),
    [
        pytest.param({}, "origin", "产地为必填项", id="required-missing"),
        pytest.param({"origin": "  "}, "origin", "产地为必填项", id="required-blank"),
        pytest.param({"origin": "a", "weight": "2"}, "weight", "重量须为数字", id="number-text"),
        pytest.param({"origin": "a", "weight": True}, "weight", "重量须为数字", id="number-bool"),
        pytest.param(
            {"origin": "a", "launch": "2026-13-01"},
            "launch",
            "上市日期须为日期（YYYY-MM-DD）",
            id="bad-date",
        ),
        pytest.param(
            {"origin": "a", "grade": "三级"}, "grade", "等级须为以下之一：一级、二级", id="option"
        ),
        pytest.param({"origin": "a", "gift": "yes"}, "gift", "可作赠品须为是或否", id="bool"),
        pytest.param(
            {"origin": "a", "color": "红"}, "color", "未定义的自定义字段：color", id="unknown"
        ),
        pytest.param({"origin": "x" * 201}, "origin", "产地须为不超过 200 字的文本", id="long"),
    ],
)
def test_bad_values_name_their_field(values: dict[str, object], key: str, message: str) -> None:
    with pytest.raises(CustomValueError) as caught:
        clean_custom(FIELDS, values)
    assert (caught.value.key, caught.value.message) == (key, message)


def test_a_category_cannot_move_under_itself_or_below() -> None:
    parents: dict[int, int | None] = {1: None, 2: 1, 3: 2, 4: None}
    assert would_cycle(1, 1, parents)
    assert would_cycle(1, 3, parents)
    assert would_cycle(2, 3, parents)
    assert not would_cycle(3, 1, parents)
    assert not would_cycle(1, 4, parents)
    assert not would_cycle(2, None, parents)
