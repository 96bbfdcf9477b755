"""The catalogue over the API: the category tree, custom fields, products with SKUs."""

import asyncio

import httpx

from crm_core.audit import AuditLog
from crm_core.catalog.models import CustomField, Product, ProductCategory, Sku
from tests.crm_core.catalog.factories import make_category, make_sku
from tests.crm_core.customers.factories import make_team
from tests.factories import bearer, make_staff

TEA = {
    "name": "普洱茶饼",
    "unit": "饼",
    "custom": {"origin": "云南", "year": 2019, "grade": "一级"},
    "skus": [
        {"code": "PE-357", "spec": "357g", "price_fen": 29_900},
        {"code": "PE-100", "spec": "100g", "price_fen": 9_900},
    ],
}


async def product_rows() -> list[tuple[object, ...]]:
    products = await Product.all().order_by("id").values_list("id", "name", "custom")
    skus = await Sku.all().order_by("id").values_list("code", "price_fen", "product_id")
    return [*products, *skus]


async def tea_fields(category: ProductCategory) -> None:
    """A global required text field and two fields of the category 茶叶."""
    from crm_core import clock

    now = clock.utc_now()
    await CustomField.create(key="origin", label="产地", kind="text", required=True, created_at=now)
    await CustomField.create(
        key="year", label="年份", kind="number", category=category, created_at=now
    )
    await CustomField.create(
        key="grade",
        label="等级",
        kind="select",
        options=["一级", "二级"],
        category=category,
        created_at=now,
    )


async def test_an_admin_builds_the_tree_and_enters_a_product(client: httpx.AsyncClient) -> None:
    admin = await bearer(await make_staff("admin"))
    food = await client.post("/api/v1/catalog/categories", json={"name": "食品"}, headers=admin)
    assert food.status_code == 201, food.text
    tea = await client.post(
        "/api/v1/catalog/categories",
        json={"name": " 茶叶 ", "parent_id": food.json()["id"]},
        headers=admin,
    )
    assert tea.status_code == 201, tea.text
    tea_id = tea.json()["id"]
    await tea_fields(await ProductCategory.get(id=tea_id))

    response = await client.post(
        "/api/v1/catalog/products", json={**TEA, "category_id": tea_id}, headers=admin
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["name"], body["category_name"], body["unit"], body["status"]) == (
        "普洱茶饼",
        "茶叶",
        "饼",
        "on_sale",
    )
    assert body["custom"] == {"origin": "云南", "year": 2019, "grade": "一级"}
    assert [(s["code"], s["spec"], s["price_fen"]) for s in body["skus"]] == [
        ("PE-357", "357g", 29_900),
        ("PE-100", "100g", 9_900),
    ]
    product = await Product.get(id=body["id"])
    assert (product.name, product.category_id, product.custom) == (
        "普洱茶饼",
        tea_id,
        {"origin": "云南", "year": 2019, "grade": "一级"},
    )
    tree = (await client.get("/api/v1/catalog/categories", headers=admin)).json()
    assert [(n["name"], n["product_count"]) for n in tree] == [("食品", 0)]
    assert [(n["name"], n["product_count"]) for n in tree[0]["children"]] == [("茶叶", 1)]
    # A category lists its sub-categories' products too.
    listed = await client.get(
        "/api/v1/catalog/products",
        params={"category_id": food.json()["id"], "q": "PE-100"},
        headers=admin,
    )
    assert [p["name"] for p in listed.json()["items"]] == ["普洱茶饼"]
    actions = await AuditLog.all().order_by("id").values_list("action", flat=True)
    assert actions == [
        "catalog.category_created",
        "catalog.category_created",
        "catalog.product_created",
    ]


async def test_a_bad_custom_value_is_refused_under_its_field(client: httpx.AsyncClient) -> None:
    admin = await bearer(await make_staff("admin"))
    tea = await make_category("茶叶")
    await tea_fields(tea)
    for custom, loc, detail in (
        ({"year": 2019}, "custom.origin", "产地为必填项"),
        ({"origin": "云南", "grade": "特级"}, "custom.grade", "等级须为以下之一：一级、二级"),
        ({"origin": "云南", "color": "红"}, "custom.color", "未定义的自定义字段：color"),
    ):
        response = await client.post(
            "/api/v1/catalog/products",
            json={**TEA, "category_id": tea.id, "custom": custom},
            headers=admin,
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"] == "custom_value_invalid"
        assert response.json()["detail"] == detail
        assert response.json()["fields"][0]["loc"] == ["body", loc]
    # 年份 and 等级 belong to 茶叶: a product without a category cannot carry them.
    response = await client.post(
        "/api/v1/catalog/products",
        json={**TEA, "custom": {"origin": "云南", "year": 1}},
        headers=admin,
    )
    assert response.json()["error"] == "custom_value_invalid"
    assert await product_rows() == []
    assert await AuditLog.all().count() == 0


async def test_a_sku_code_is_the_catalogue_s_once(client: httpx.AsyncClient) -> None:
    admin = await bearer(await make_staff("admin"))
    await make_sku("旧茶", "PE-100", 100)
    before = await product_rows()
    response = await client.post(
        "/api/v1/catalog/products", json={**TEA, "custom": {}}, headers=admin
    )
    assert response.status_code == 409, response.text
    assert response.json()["error"] == "sku_code_taken"
    assert response.json()["fields"][0]["loc"] == ["body", "skus.1.code"]
    assert await product_rows() == before
    twice = {**TEA, "custom": {}, "skus": [TEA["skus"][0], TEA["skus"][0]]}  # type: ignore[index]
    response = await client.post("/api/v1/catalog/products", json=twice, headers=admin)
    assert response.json()["error"] == "sku_code_taken"
    assert await product_rows() == before


async def test_two_concurrent_products_with_one_code_end_as_one(
    client: httpx.AsyncClient,
) -> None:
    admin = await bearer(await make_staff("admin"))
    body = {"name": "绿茶", "skus": [{"code": "GT-1", "price_fen": 500}]}
    responses = await asyncio.gather(
        *(client.post("/api/v1/catalog/products", json=body, headers=admin) for _ in range(2))
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert await Sku.all().values_list("code", flat=True) == ["GT-1"]
    assert await Product.all().count() == 1


async def test_editing_a_product_and_its_skus(client: httpx.AsyncClient) -> None:
    admin = await bearer(await make_staff("admin"))
    sku = await make_sku("绿茶", "GT-1", 500)
    response = await client.patch(
        f"/api/v1/catalog/products/{sku.product_id}",
        json={"name": "龙井", "status": "off_sale"},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    response = await client.patch(
        f"/api/v1/catalog/skus/{sku.id}", json={"price_fen": 650, "spec": "250g"}, headers=admin
    )
    assert response.status_code == 200, response.text
    added = await client.post(
        f"/api/v1/catalog/products/{sku.product_id}/skus",
        json={"code": "GT-2", "price_fen": 1200},
        headers=admin,
    )
    assert added.status_code == 201, added.text
    product = await Product.get(id=sku.product_id)
    assert (product.name, product.status) == ("龙井", "off_sale")
    assert await Sku.all().order_by("id").values_list("code", "spec", "price_fen") == [
        ("GT-1", "250g", 650),
        ("GT-2", "", 1200),
    ]
    refused = await client.patch(
        f"/api/v1/catalog/skus/{sku.id}", json={"code": "X", "price_fen": -1}, headers=admin
    )
    assert refused.status_code == 422
    assert await Sku.get(id=sku.id).values_list("code", "price_fen") == ("GT-1", 650)


async def test_the_tree_refuses_cycles_and_deleting_what_is_in_use(
    client: httpx.AsyncClient,
) -> None:
    admin = await bearer(await make_staff("admin"))
    food = await make_category("食品")
    tea = await make_category("茶叶", food)
    await make_sku("绿茶", "GT-1", 500, category=tea)
    moved = await client.patch(
        f"/api/v1/catalog/categories/{food.id}",
        json={"move": True, "parent_id": tea.id},
        headers=admin,
    )
    assert moved.status_code == 409
    assert moved.json()["error"] == "category_cycle"
    same = await client.post(
        "/api/v1/catalog/categories", json={"name": "茶叶", "parent_id": food.id}, headers=admin
    )
    assert same.json()["error"] == "category_duplicate"
    for category in (food, tea):
        gone = await client.delete(f"/api/v1/catalog/categories/{category.id}", headers=admin)
        assert gone.json()["error"] == "category_in_use"
    assert await ProductCategory.all().order_by("id").values_list("name", "parent_id") == [
        ("食品", None),
        ("茶叶", food.id),
    ]
    assert await AuditLog.all().count() == 0
    top = await client.patch(
        f"/api/v1/catalog/categories/{tea.id}",
        json={"move": True, "parent_id": None},
        headers=admin,
    )
    assert top.status_code == 200, top.text
    assert (await ProductCategory.get(id=tea.id)).parent_id is None
    assert (
        await client.delete(f"/api/v1/catalog/categories/{food.id}", headers=admin)
    ).status_code == 204
    assert await ProductCategory.all().values_list("name", flat=True) == ["茶叶"]


async def test_a_select_field_needs_options(client: httpx.AsyncClient) -> None:
    admin = await bearer(await make_staff("admin"))
    response = await client.post(
        "/api/v1/catalog/fields",
        json={"key": "grade", "label": "等级", "kind": "select", "options": []},
        headers=admin,
    )
    assert response.json()["error"] == "custom_field_options_invalid"
    ok = await client.post(
        "/api/v1/catalog/fields",
        json={"key": "grade", "label": "等级", "kind": "select", "options": ["一级"]},
        headers=admin,
    )
    assert ok.status_code == 201, ok.text
    again = await client.post(
        "/api/v1/catalog/fields",
        json={"key": "grade", "label": "级", "kind": "text"},
        headers=admin,
    )
    assert again.json()["error"] == "custom_field_key_taken"
    assert await CustomField.all().values_list("key", "options") == [("grade", ["一级"])]


async def test_reps_read_the_catalogue_but_do_not_change_it(client: httpx.AsyncClient) -> None:
    team = await make_team()
    rep = await bearer(team.rep)
    await make_sku("绿茶", "GT-1", 500)
    listed = await client.get("/api/v1/catalog/products", headers=rep)
    assert listed.status_code == 200
    assert [p["name"] for p in listed.json()["items"]] == ["绿茶"]
    refused = await client.post("/api/v1/catalog/products", json=TEA, headers=rep)
    assert refused.status_code == 403
    assert (
        await client.post("/api/v1/catalog/categories", json={"name": "x"}, headers=rep)
    ).status_code == 403
    assert await Product.all().count() == 1
