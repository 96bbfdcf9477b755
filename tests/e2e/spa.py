"""Driving the admin console (the Vue app under /admin) in the system Chromium.

`open_console` signs in through the real login page and records every console error, uncaught
exception and failed API call, so a test can assert a screen worked for a real user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from tests.e2e.conftest import ARTIFACTS, ROOT
from tests.factories import PASSWORD

DIST = ROOT / "console" / "dist" / "index.html"
SCREENSHOTS = ARTIFACTS / "console"
WIDTHS = {"desktop": (1440, 900), "pad": (768, 1024), "phone": (375, 812)}


@dataclass
class ConsoleTab:
    page: Any
    context: Any
    base: str
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    # API answers a test provoked on purpose (an invalid form): "METHOD /path status".
    expected: list[str] = field(default_factory=list)

    def expect_failure(self, method: str, path_pattern: str, status: int) -> None:
        self.expected.append(f"{method} {path_pattern} {status}")

    def unexpected_failures(self) -> list[str]:
        def allowed(entry: str) -> bool:
            method, path, status = entry.split(" ")
            for rule in self.expected:
                m, pattern, s = rule.split(" ")
                if m == method and s == status and re.fullmatch(pattern, path):
                    return True
            return False

        return [entry for entry in self.failed if not allowed(entry)]

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.unexpected_failures() == [], self.unexpected_failures()

    async def goto(self, path: str) -> None:
        await self.page.goto(self.base + path)
        await self.page.wait_for_load_state("networkidle")

    async def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        width = self.page.viewport_size["width"]
        await self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)

    async def close(self) -> None:
        await self.context.close()


async def open_console(
    browser: Any,
    base: str,
    username: str,
    password: str = PASSWORD,
    *,
    width: str = "desktop",
    login: bool = True,
) -> ConsoleTab:
    assert DIST.is_file(), "the console is not built: run `make setup` (npm ci + vite build)"
    w, h = WIDTHS[width]
    context = await browser.new_context(viewport={"width": w, "height": h}, locale="zh-CN")
    page = await context.new_page()
    tab = ConsoleTab(page=page, context=context, base=base)

    def on_console(message: Any) -> None:
        if message.type == "error" and "Failed to load resource" not in message.text:
            tab.errors.append(message.text)

    def on_response(response: Any) -> None:
        path = response.url.removeprefix(base).split("?", 1)[0]
        if path.startswith("/api/") and response.status >= 400:
            tab.failed.append(f"{response.request.method} {path} {response.status}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: tab.errors.append(f"pageerror: {error}"))
    page.on("response", on_response)

    def on_failed(request: Any) -> None:
        # Leaving a screen cancels its pending requests: that is not a failure.
        if "ERR_ABORTED" not in (request.failure or ""):
            tab.errors.append(f"requestfailed: {request.url} {request.failure}")

    page.on("requestfailed", on_failed)
    if login:
        # The first load asks who is signed in: nobody yet, so 401 is the expected answer.
        tab.expect_failure("GET", "/api/v1/auth/session", 401)
        await page.goto(base + "/admin/login")
        await page.fill("input[name=username]", username)
        await page.fill("input[name=password]", password)
        await page.click("[data-test=login-submit]")
        await page.wait_for_url(re.compile(r".*/admin(/(?!login).*)?$"))
        await page.wait_for_load_state("networkidle")
    return tab


async def signed_in(
    browser: Any, base: str, username: str, *, width: str = "desktop"
) -> ConsoleTab:
    """A console tab signed in through POST /api/v1/auth/session (the SPA's own login call),
    without the login page's round trip."""
    tab = await open_console(browser, base, username, width=width, login=False)
    response = await tab.context.request.post(
        f"{base}/api/v1/auth/session", data={"username": username, "password": PASSWORD}
    )
    assert response.status == 200, await response.text()
    return tab


# Driving forms: each waits for what the click causes ("networkidle" returns at once in a
# single-page app, before the click's request has started).
def is_write(response: Any) -> bool:
    return "/api/v1/" in response.url and response.request.method in {"POST", "PUT", "PATCH"}


async def submit(tab: ConsoleTab, button: str, *, sends: bool = True) -> None:
    """Click a save button; when it sends, wait for the API's answer (networkidle alone returns
    before a click's request starts)."""
    if not sends:
        await tab.page.click(f"[data-test={button}]")
        return
    async with tab.page.expect_response(is_write):
        await tab.page.click(f"[data-test={button}]")
    await tab.page.wait_for_load_state("networkidle")


async def confirm(tab: ConsoleTab) -> None:
    """Accept the confirm box; the write happens after it."""
    async with tab.page.expect_response(is_write):
        await tab.page.click(
            ".el-message-box__btns .el-button--primary, .el-message-box__btns .el-button--danger"
        )
    await tab.page.wait_for_load_state("networkidle")


async def shows(tab: ConsoleTab, selector: str, text: str) -> None:
    await tab.page.locator(selector, has_text=text).first.wait_for()


async def choose(tab: ConsoleTab, picker: str, text: str, option: str) -> None:
    """Type into a RemotePicker, wait for the search it sends, pick the option and see it shown
    (clicking while the list is being replaced by the answer can miss)."""
    await tab.page.click(f"{picker} .el-select__wrapper")
    async with tab.page.expect_response(
        lambda r: r.request.method == "GET" and quote(text) in r.url
    ) as searched:
        await tab.page.keyboard.type(text)
    await searched.value
    item = tab.page.locator(".el-select-dropdown__item:visible", has_text=option).first
    await item.click()
    await tab.page.locator(picker, has_text=option).first.wait_for()


def field_error(tab: ConsoleTab) -> Any:
    return tab.page.locator(".el-form-item__error:visible").first
