"""The organisation screens of the Vue console in the system Chromium, as admin and as a guide.

Each screen: opened clean (no console error, no failed API call), each form once valid (saved in
the database and shown) and once invalid (the error at the field, the database unchanged),
screenshots at desktop, pad and phone widths.
"""

import re
from dataclasses import dataclass
from typing import Any

import pytest

from crm_core import audit, security
from crm_core.audit import Actor, AuditLog
from crm_core.org.models import Department, Position, Role, Staff, Store
from tests.e2e.spa import WIDTHS, ConsoleTab, open_console
from tests.factories import make_staff, make_store

pytestmark = pytest.mark.browser

MENU_GROUPS = {"部门": "组织架构", "岗位": "组织架构", "员工": "组织架构", "角色与权限": "组织架构"}
MENU_GROUPS |= {"门店": "门店与导购", "导购": "门店与导购", "审计日志": "系统"}


@dataclass
class World:
    root: Department
    east: Department
    store: Store
    admin: Staff
    guide: Staff


async def world() -> World:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东大区", parent=root, sort_order=10)
    store = await make_store(east, code="SH001", name="上海南京路店")
    await Position.create(name="店员", description="门店一线")
    admin = await make_staff("admin", username="admin", department=root)
    guide = await make_staff(
        "guide", username="guide1", department=east, store=store, is_guide=True
    )
    guide.name = "李导购"
    await guide.save()
    return World(root, east, store, admin, guide)


async def open_menu(tab: ConsoleTab, label: str) -> None:
    """Click a menu entry as a person does, unfolding its group first."""
    page = tab.page
    item = page.locator(".aside .el-menu-item").filter(has_text=re.compile(f"^\\s*{label}\\s*$"))
    if not await item.is_visible():
        await page.locator(".aside .el-sub-menu__title", has_text=MENU_GROUPS[label]).click()
    await item.click()
    await page.wait_for_load_state("networkidle")


async def shots(tab: ConsoleTab, name: str) -> None:
    for width in ("desktop", "pad", "phone"):
        w, h = WIDTHS[width]
        await tab.page.set_viewport_size({"width": w, "height": h})
        await tab.page.wait_for_timeout(300)
        await tab.screenshot(f"org-{name}")
    w, h = WIDTHS["desktop"]
    await tab.page.set_viewport_size({"width": w, "height": h})
    await tab.page.wait_for_timeout(200)


async def shows(page: Any, selector: str, text: str) -> None:
    """Wait until the element shows the text (SPA screens load after the route changes)."""
    await page.locator(selector, has_text=text).first.wait_for()


def dialog(tab: ConsoleTab) -> Any:
    return tab.page.locator(".el-dialog:visible").last


async def pick(tab: ConsoleTab, opener: str, text: str) -> None:
    """Open a select or tree-select and click one option in its drop-down."""
    await tab.page.click(opener)
    popper = tab.page.locator(".el-popper:visible").last
    await popper.get_by_text(text, exact=True).first.click()


async def field_error(tab: ConsoleTab, label: str) -> str:
    item = dialog(tab).locator(".el-form-item", has=tab.page.locator(f"label:text-is('{label}')"))
    return str(await item.locator(".el-form-item__error").inner_text())


async def test_login_shows_the_chinese_error_for_a_wrong_password(
    live_server: str, browser: Any
) -> None:
    await world()
    tab = await open_console(browser, live_server, "admin", login=False)
    tab.expect_failure("GET", "/api/v1/auth/session", 401)
    tab.expect_failure("POST", "/api/v1/auth/session", 401)
    await tab.goto("/admin/login")
    await tab.page.fill("input[name=username]", "admin")
    await tab.page.fill("input[name=password]", "wrong-password1")
    await tab.page.click("[data-test=login-submit]")
    error = tab.page.locator("[data-test=login-error]")
    await error.wait_for()
    assert "用户名或密码错误" in await error.inner_text()
    assert await AuditLog.filter(action="auth.login_failed").count() == 1
    assert await AuditLog.filter(action="auth.login").count() == 0
    await shots(tab, "login")
    tab.assert_clean()
    await tab.close()


async def test_departments_create_rename_move_and_delete(live_server: str, browser: Any) -> None:
    w = await world()
    tab = await open_console(browser, live_server, "admin")
    page = tab.page
    await open_menu(tab, "部门")
    await shows(page, "[data-test=department-tree]", "华东大区")
    await shots(tab, "departments")

    # Invalid: an empty name is refused at the field, nothing is created.
    tab.expect_failure("POST", "/api/v1/departments", 422)
    await page.click("[data-test=create]")
    await dialog(tab).locator("[data-test=save]").click()
    assert await field_error(tab, "部门名称") == "内容太短"
    assert await Department.all().count() == 2

    # Valid: a new top-level department, shown in the tree.
    await dialog(tab).locator("input[name=name]").fill("华南大区")
    await dialog(tab).locator("[data-test=save]").click()
    await page.locator("[data-test=department-tree] .name", has_text="华南大区").wait_for()
    south = await Department.get(name="华南大区")
    assert south.parent_id is None  # type: ignore[attr-defined]

    # Rename and move under 总部 with the parent picker.
    await page.locator(f"[data-test=department-{south.id}] [data-test=edit]").click()
    await dialog(tab).locator("input[name=name]").fill("华南区")
    await pick(tab, ".el-dialog:visible [data-test=parent]", "总部")
    await dialog(tab).locator("[data-test=save]").click()
    await page.locator("[data-test=department-tree] .name", has_text="华南区").wait_for()
    south = await Department.get(id=south.id)
    assert (south.name, south.parent_id) == ("华南区", w.root.id)  # type: ignore[attr-defined]

    # A department with a store is not deleted; an empty one is, after the confirmation.
    tab.expect_failure("DELETE", f"/api/v1/departments/{w.east.id}", 409)
    await page.locator(f"[data-test=department-{w.east.id}] [data-test=delete]").click()
    await page.locator(".el-message-box .el-button--danger").click()
    await page.locator(".el-message--error").wait_for()
    assert await Department.filter(id=w.east.id).count() == 1
    await page.locator(f"[data-test=department-{south.id}] [data-test=delete]").click()
    await page.locator(".el-message-box .el-button--danger").click()
    await page.locator(".el-message--success", has_text="部门已删除").wait_for()
    assert await Department.filter(id=south.id).count() == 0
    tab.assert_clean()
    await tab.close()


async def test_positions_create_and_refuse_an_empty_name(live_server: str, browser: Any) -> None:
    await world()
    tab = await open_console(browser, live_server, "admin")
    page = tab.page
    await open_menu(tab, "岗位")
    await shows(page, ".data-table", "店员")
    await shots(tab, "positions")

    tab.expect_failure("POST", "/api/v1/positions", 422)
    await page.click("[data-test=create]")
    await dialog(tab).locator("input[name=name]").fill("   ")
    await dialog(tab).locator("[data-test=save]").click()
    assert await field_error(tab, "岗位名称") == "内容太短"
    assert await Position.all().count() == 1

    await dialog(tab).locator("input[name=name]").fill("店长")
    await dialog(tab).locator("textarea[name=description]").fill("管理一家门店")
    await dialog(tab).locator("[data-test=save]").click()
    await page.locator(".data-table", has_text="管理一家门店").wait_for()
    assert await Position.filter(name="店长", description="管理一家门店").count() == 1
    tab.assert_clean()
    await tab.close()


async def test_staff_create_edit_disable_reset_password_and_move(
    live_server: str, browser: Any
) -> None:
    w = await world()
    tab = await open_console(browser, live_server, "admin")
    page = tab.page
    await open_menu(tab, "员工")
    await shows(page, ".data-table", "李导购")
    await shows(page, ".el-table__row", "系统管理员")  # roles by their Chinese names
    await shots(tab, "staff")

    # Invalid: a two-letter login name is refused at its field.
    tab.expect_failure("POST", "/api/v1/staff", 422)
    await page.click("[data-test=create]")
    box = dialog(tab)
    await box.locator("input[name=username]").fill("ab")
    await box.locator("input[name=password]").fill("Passw0rd-1")
    await box.locator("input[name=name]").fill("王店长")
    await box.locator("[data-test=save]").click()
    assert await field_error(tab, "登录名") == "内容太短"
    assert await Staff.all().count() == 2

    # Valid: department from the tree, store from the picker, a role by its Chinese name.
    await box.locator("input[name=username]").fill("wang")
    await pick(tab, ".el-dialog:visible [data-test=department]", "华东大区")
    await page.click(".el-dialog:visible [data-test=store]")
    await page.keyboard.type("南京")
    await page.locator(
        ".el-popper:visible .el-select-dropdown__item", has_text="上海南京路店"
    ).click()
    await pick(tab, ".el-dialog:visible [data-test=roles]", "店长")
    await box.locator(".el-dialog__title").click()  # closes the multi-select's drop-down
    await box.locator("[data-test=save]").click()
    await page.locator(".data-table", has_text="王店长").wait_for()
    wang = await Staff.get(username="wang").prefetch_related("roles")
    assert (wang.name, wang.department_id, wang.store_id) == ("王店长", w.east.id, w.store.id)  # type: ignore[attr-defined]
    assert [r.code for r in wang.roles] == ["store_manager"]
    assert security.verify_password(wang.password_hash, "Passw0rd-1")

    # Disable after the confirmation.
    row = page.locator(".el-table__row", has_text="王店长")
    await row.locator("[data-test=toggle]").click()
    await page.locator(".el-message-box .el-button--danger").click()
    await page.locator(".el-message--success", has_text="账号已停用").wait_for()
    assert (await Staff.get(id=wang.id)).is_active is False

    # The detail page: edit, reset the password (too short, then right), move department.
    await row.get_by_text("详情").click()
    await page.wait_for_url(f"{live_server}/admin/staff/{wang.id}")
    await shows(page, "[data-test=staff-details]", "华东大区")
    await shots(tab, "staff-detail")
    await page.click("[data-test=edit]")
    await dialog(tab).locator("input[name=phone]").fill("13900001111")
    await dialog(tab).locator("[data-test=save]").click()
    await page.locator("[data-test=staff-details]", has_text="13900001111").wait_for()
    assert (await Staff.get(id=wang.id)).phone == "13900001111"

    tab.expect_failure("POST", f"/api/v1/staff/{wang.id}/password", 422)
    await page.click("[data-test=reset-password]")
    await dialog(tab).locator("input[name=new_password]").fill("short")
    await dialog(tab).locator("[data-test=save-password]").click()
    assert await field_error(tab, "新密码") == "内容太短"
    assert security.verify_password((await Staff.get(id=wang.id)).password_hash, "Passw0rd-1")
    await dialog(tab).locator("input[name=new_password]").fill("NewPassw0rd-2")
    await dialog(tab).locator("[data-test=save-password]").click()
    await page.locator(".el-message--success", has_text="密码已重置").wait_for()
    assert security.verify_password((await Staff.get(id=wang.id)).password_hash, "NewPassw0rd-2")

    await page.click("[data-test=move]")
    await pick(tab, ".el-dialog:visible [data-test=move-department]", "总部")
    await dialog(tab).locator("[data-test=save-move]").click()
    await page.locator(".el-message--success", has_text="已调整部门").wait_for()
    assert (await Staff.get(id=wang.id)).department_id == w.root.id  # type: ignore[attr-defined]
    tab.assert_clean()
    await tab.close()


async def test_guides_by_store_and_the_store_detail(live_server: str, browser: Any) -> None:
    w = await world()
    tab = await open_console(browser, live_server, "admin")
    page = tab.page
    await open_menu(tab, "导购")
    table = page.locator(".data-table")
    await shows(page, ".data-table", "李导购")
    await shows(page, ".data-table", "上海南京路店")
    await shots(tab, "guides")

    await table.get_by_text("上海南京路店").first.click()
    await page.wait_for_url(f"{live_server}/admin/stores/{w.store.id}")
    await page.wait_for_load_state("networkidle")
    await shows(page, "[data-test=store-guides]", "李导购")
    await shows(page, "[data-test=store-details]", "华东大区")
    await shots(tab, "store-detail")
    tab.assert_clean()
    await tab.close()


async def test_roles_permission_matrix_and_data_scope(live_server: str, browser: Any) -> None:
    await world()
    tab = await open_console(browser, live_server, "admin")
    page = tab.page
    await open_menu(tab, "角色与权限")
    await shows(page, ".data-table", "系统管理员")
    await shows(page, ".data-table", "管理一家门店及其导购")  # Chinese descriptions
    await shots(tab, "roles")

    await page.click("[data-test=create]")
    await page.wait_for_url(f"{live_server}/admin/roles/new")
    await page.wait_for_load_state("networkidle")
    await shows(page, "[data-test=permission-matrix] thead", "导出")
    await shots(tab, "role-edit")
    before = await Role.all().count()

    tab.expect_failure("POST", "/api/v1/roles", 422)
    await page.fill("input[name=code]", "Store Auditor")
    await page.fill("input[name=name]", "门店稽核")
    await page.click("[data-test=save]")
    error = page.locator(".el-form-item", has=page.locator("label:text-is('角色编码')"))
    assert await error.locator(".el-form-item__error").inner_text() == "格式不正确"
    assert await Role.all().count() == before

    await page.fill("input[name=code]", "store_auditor")
    await page.locator("[data-test='perm-org.store:view']").click()
    await page.locator("[data-test='perm-org.store:export']").click()
    await page.locator("[data-test=data-scope]").get_by_text("本部门及下级").click()
    await page.click("[data-test=save]")
    await page.wait_for_url(re.compile(r".*/admin/roles/\d+$"))
    role = await Role.get(code="store_auditor")
    assert sorted(role.permissions) == ["org.store:export", "org.store:view"]
    assert (role.name, role.data_scope) == ("门店稽核", "subtree")
    assert await page.locator("[data-test='perm-org.store:view'] input").is_checked()
    tab.assert_clean()
    await tab.close()


async def test_audit_log_reads_as_sentences_with_a_diff(live_server: str, browser: Any) -> None:
    w = await world()
    zhang = await make_staff("admin", username="zhang")
    zhang.name = "张三"
    await zhang.save()
    await audit.record(
        Actor(zhang.id, "张三", "127.0.0.1", "test"),
        "store.update",
        target_type="store",
        target_id=w.store.id,
        before={"phone": "021-1", "status": "open"},
        after={"phone": "021-2", "status": "suspended"},
    )
    tab = await open_console(browser, live_server, "admin")
    page = tab.page
    await open_menu(tab, "审计日志")
    table = page.locator(".data-table")
    await table.get_by_text("张三 修改了门店「上海南京路店」").wait_for()
    row = page.locator(".el-table__row", has_text="张三 修改了门店")
    diff = await row.inner_text()
    assert "电话" in diff
    assert "021-1" in diff
    assert "021-2" in diff
    assert "暂停营业" in diff
    await shows(page, ".data-table", "admin 登录了系统")  # a login names the login name
    await shots(tab, "audit")

    await page.click("[data-test=filter-actor]")
    await page.keyboard.type("张")
    await page.locator(".el-popper:visible .el-select-dropdown__item", has_text="张三").click()
    await page.wait_for_load_state("networkidle")
    await page.wait_for_function(
        "() => !document.querySelector('.data-table').innerText.includes('admin 登录了系统')"
    )
    assert await page.locator(".el-table__row").count() == 1
    tab.assert_clean()
    await tab.close()


async def test_a_guide_sees_no_roles_menu_and_the_api_refuses_them(
    live_server: str, browser: Any
) -> None:
    await world()
    tab = await open_console(browser, live_server, "guide1")
    page = tab.page
    await shows(page, ".aside", "门店")
    menu = await page.locator(".aside").text_content()  # folded groups too
    assert "角色与权限" not in menu
    await tab.goto("/admin/roles")
    await shows(page, ".el-result__title", "没有权限")
    assert page.url.startswith(f"{live_server}/admin/forbidden")
    await shots(tab, "forbidden")
    refused = await page.request.get(f"{live_server}/api/v1/roles")
    assert refused.status == 403
    assert (await refused.json())["error"] == "permission_denied"
    tab.assert_clean()
    await tab.close()


async def test_stores_create_and_edit(live_server: str, browser: Any) -> None:
    w = await world()
    tab = await open_console(browser, live_server, "admin")
    page = tab.page
    await tab.goto("/admin/stores")

    # Invalid: no department (refused in the page), then a code with a space (by the API).
    await page.click("[data-test=create]")
    box = dialog(tab)
    await box.locator("input[name=code]").fill("SH 002")
    await box.locator("input[name=name]").fill("上海徐家汇店")
    await box.locator("[data-test=save]").click()
    assert await field_error(tab, "所属部门") == "请选择所属部门"
    tab.expect_failure("POST", "/api/v1/stores", 422)
    await pick(tab, ".el-dialog:visible [data-test=department]", "华东大区")
    async with page.expect_response(lambda r: r.url.endswith("/api/v1/stores")):
        await box.locator("[data-test=save]").click()
    assert await field_error(tab, "门店编码") == "格式不正确"
    assert await Store.filter(name="上海徐家汇店").count() == 0

    await box.locator("input[name=code]").fill("SH002")
    await box.locator("input[name=address]").fill("漕溪北路 1 号")
    await box.locator("input[name=phone]").fill("021-12345678")
    await box.locator("[data-test=save]").click()
    await shows(page, ".el-table", "上海徐家汇店")
    store = await Store.get(code="SH002")
    assert (store.name, store.department_id, store.address, store.phone) == (
        "上海徐家汇店",
        w.east.id,
        "漕溪北路 1 号",
        "021-12345678",
    )

    # Edit: a phone with letters is refused at the field; then the new name is saved.
    tab.expect_failure("PATCH", r"/api/v1/stores/\d+", 422)
    row = page.locator(".el-table__row", has_text="上海徐家汇店").first
    await row.locator("button:visible", has_text="编辑").click()
    box = dialog(tab)
    await box.locator("input[name=phone]").fill("call-me")
    async with page.expect_response(lambda r: f"/api/v1/stores/{store.id}" in r.url):
        await box.locator("[data-test=save]").click()
    assert await field_error(tab, "电话") == "格式不正确"
    assert (await Store.get(id=store.id)).phone == "021-12345678"
    await box.locator("input[name=phone]").fill("021-87654321")
    await box.locator("input[name=name]").fill("上海徐汇旗舰店")
    await box.locator("[data-test=save]").click()
    await shows(page, ".el-table", "上海徐汇旗舰店")
    store = await Store.get(id=store.id)
    assert (store.code, store.name, store.phone) == ("SH002", "上海徐汇旗舰店", "021-87654321")
    tab.assert_clean()
    await tab.close()
