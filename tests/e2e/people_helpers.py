"""Signing a browser context in through the real demo OpenID provider."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def sign_in(page: Page, shopper: str, next_path: str = "/") -> None:
    """Go through the sign-in page and the provider's account picker, as a person would."""
    page.goto(f"/sign-in?next={next_path}")
    page.get_by_role("link", name="Continue with Demo sign-in").click()
    expect(page.get_by_role("heading", name="Demo sign-in (not a real account)")).to_be_visible()
    page.get_by_role("button", name=re.compile(shopper, re.IGNORECASE)).click()
    expect(page.get_by_test_id("account-menu")).to_be_visible()
