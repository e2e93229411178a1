"""A member of staff signs in, reads the dashboard, opens the map, signs out."""

from __future__ import annotations

from tests.browser.conftest import shot
from tests.webapp import PASSWORD


def test_sign_in_dashboard_and_sign_out(server, page, people):
    page.goto(f"{server}/dashboard")
    assert "/login" in page.url  # sent to sign in first
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/dashboard")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard")
    shot(page, "dashboard")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{server}/")
    page.goto(f"{server}/dashboard")
    assert "/login" in page.url


def test_a_wrong_password_is_said_plainly(server, page, people):
    page.goto(f"{server}/login")
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "wrong username or password"
    shot(page, "login-refused")


def test_the_keyboard_reaches_the_form_and_the_skip_link(server, page, people):
    page.goto(f"{server}/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
