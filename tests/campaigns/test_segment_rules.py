"""Rule compilation, checked by result sets against a Python oracle on a seeded world."""

import random
from typing import Any

import pytest
from tortoise import Tortoise, connections

from campaigns.segments import rules
from tests.campaigns.segment_world import (
    CONTEXT,
    World,
    build_world,
    holds,
    matches,
    random_condition,
    random_rule,
)


async def run(sql: str, params: list[Any]) -> set[int]:
    rows = await connections.get("default").execute_query_dict(sql, params)
    return {int(r["id"]) for r in rows}


def expected(rule: rules.Rule, world: World) -> set[int]:
    return {i for i, facts in world.members.items() if matches(rule, facts)}


async def test_every_field_and_operator_means_what_the_oracle_says() -> None:
    world = await build_world()
    pick = random.Random(1)
    seen: set[tuple[str, str]] = set()
    for _ in range(600):
        condition = random_condition(pick, world)
        seen.add((condition.field, condition.op))
        rule = rules.Rule("all", (rules.Group("all", (condition,)),))
        sql, params = rules.compile_rule(rule, CONTEXT)
        assert await run(sql, params) == expected(rule, world), condition
    every = {(f, op) for f, spec in rules.FIELDS.items() for op in rules.OPERATORS[spec.kind]}
    assert seen == every


async def test_random_and_or_groups_match_the_oracle() -> None:
    world = await build_world(seed=11)
    pick = random.Random(2)
    sizes = set()
    for _ in range(150):
        rule = random_rule(pick, world)
        sql, params = rules.compile_rule(rule, CONTEXT)
        found = await run(sql, params)
        assert found == expected(rule, world), rule
        sizes.add(len(found))
    # The rules really discriminate: many different result sizes, neither always none nor all.
    assert len(sizes) > 10


async def test_explain_counts_each_condition_alone() -> None:
    world = await build_world(seed=5)
    pick = random.Random(3)
    rule = rules.Rule(
        "any",
        tuple(
            rules.Group("all", tuple(random_condition(pick, world) for _ in range(4)))
            for _ in range(3)
        ),
    )
    sql, params = rules.compile_explain(rule, CONTEXT)
    row = (await connections.get("default").execute_query_dict(sql, params))[0]
    assert row["total"] == len(world.members)
    for i, condition in enumerate(rule.conditions()):
        alone = sum(holds(condition, facts) for facts in world.members.values())
        assert row[f"c{i}"] == alone, condition


async def test_the_scope_query_comes_first_and_keeps_its_parameters() -> None:
    world = await build_world(seed=3, size=10)
    ids = sorted(world.members)
    scope = ("SELECT id FROM members_member WHERE id = ANY($1)", [ids[:4]])
    condition = rules.Condition("member", "in", ids[2:6])
    rule = rules.Rule("all", (rules.Group("all", (condition,)),))
    sql, params = rules.compile_rule(rule, CONTEXT, scope)
    assert await run(sql, params) == set(ids[2:4])
    sql, params = rules.compile_explain(rule, CONTEXT, scope)
    row = (await connections.get("default").execute_query_dict(sql, params))[0]
    assert (row["total"], row["c0"]) == (4, 2)


async def test_values_are_bound_never_written_into_the_sql() -> None:
    world = await build_world(seed=4, size=5)
    hostile = "x' OR '1'='1"
    condition = rules.Condition("city", "not_in", rules.check_value("city", "not_in", [hostile]))
    sql, params = rules.compile_rule(
        rules.Rule("all", (rules.Group("all", (condition,)),)), CONTEXT
    )
    assert hostile not in sql
    assert params == [[hostile]]
    assert await run(sql, params) == set(world.members)


@pytest.mark.parametrize(
    ("field", "op", "value", "code"),
    [
        pytest.param("shoe_size", "in", [1], "segment_unknown_field", id="unknown-field"),
        pytest.param("tier", "gte", 1, "segment_unknown_operator", id="unknown-operator"),
        pytest.param("tier", "in", [], "segment_bad_value", id="empty-list"),
        pytest.param("tier", "in", ["1"], "segment_bad_value", id="id-as-text"),
        pytest.param("tier", "in", [True], "segment_bad_value", id="id-as-bool"),
        pytest.param("gender", "in", ["robot"], "segment_bad_value", id="unknown-choice"),
        pytest.param("birthday_month", "in", [13], "segment_bad_value", id="month-13"),
        pytest.param("spend", "between", [5, 1], "segment_bad_value", id="reversed-range"),
        pytest.param("spend", "between", 5, "segment_bad_value", id="range-not-pair"),
        pytest.param("last_purchase", "within", 0, "segment_bad_value", id="zero-days"),
        pytest.param("subscribed", "is", "yes", "segment_bad_value", id="flag-as-text"),
        pytest.param("fan_tag", "has_any", [], "segment_bad_value", id="no-tags"),
        pytest.param("bought_product", "has_any", [], "segment_bad_value", id="no-products"),
        pytest.param("bought_product", "has_any", [7], "segment_bad_value", id="product-as-id"),
        pytest.param("city", "in", ["长" * 65], "segment_bad_value", id="long-text"),
        pytest.param("member", "in", list(range(1, 10_002)), "segment_bad_value", id="long-list"),
    ],
)
def test_bad_conditions_are_refused_with_a_stable_code(
    field: str, op: str, value: Any, code: str
) -> None:
    with pytest.raises(rules.RuleError) as refused:
        rules.check_value(field, op, value)
    assert refused.value.code == code
    assert refused.value.message


def test_unknown_names_are_told_in_chinese() -> None:
    with pytest.raises(rules.RuleError, match="未知的条件字段：shoe_size"):
        rules.check_field("shoe_size")
    with pytest.raises(rules.RuleError, match="条件「会员等级」不支持运算符 gte"):
        rules.check_operator("tier", "gte")


def test_the_tables_named_in_the_whitelist_are_the_models_tables() -> None:
    known = {model._meta.db_table for app in Tortoise.apps.values() for model in app.values()} | {
        "wechat_fan_tags"
    }
    assert set(rules.TABLES) <= known
    for spec in rules.FIELDS.values():
        named = {t for t in rules.TABLES if f"{t} " in spec.expr}
        assert named <= set(rules.TABLES)


async def test_large_numbers_compare_without_overflow() -> None:
    world = await build_world(seed=9, size=5)
    for field in ("age", "checkin_streak", "points_balance"):
        value = rules.check_value(field, "between", [-(2**53), 2**53])
        rule = rules.Rule("all", (rules.Group("all", (rules.Condition(field, "between", value),)),))
        sql, params = rules.compile_rule(rule, CONTEXT)
        assert await run(sql, params) == expected(rule, world)
