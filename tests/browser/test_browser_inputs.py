"""Nothing a user does is lost, checked in a real browser: a slow AA API fetch can be cancelled and leaves the data as
they were. The served app's AA API is the loopback stand-in's ``/drip-body`` (a body a byte every 0.1 s, never
ending), so only the user's Cancel can end the wait before the fetch's own deadline."""

import pytest

from tests.chromium import PATIENCE_MS, served_app, wait_rendered

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(aa_api_server):
    base, _ = aa_api_server
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AA_API_KEY", "test-key-not-a-secret-0123456789")
        mp.setenv("AA_API_URL", base + "/drip-body")
        with served_app() as (url, _):
            yield url


def go(page, link: str) -> None:
    page.locator("[data-testid='stSidebar']").get_by_role("link", name=link, exact=True).click()


def test_a_slow_aa_fetch_can_be_cancelled_and_keeps_the_data(browser, app):
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.set_default_timeout(PATIENCE_MS)
    page.goto(app + "/data", wait_until="domcontentloaded")
    wait_rendered(page, "Coverage per benchmark")
    page.get_by_text("Upload an AA API response (JSON)").click()
    page.get_by_role("button", name="Fetch live from the AA API (key from the environment or st.secrets)").click()
    page.get_by_text("Fetching from the AA API", exact=False).first.wait_for(state="visible")
    page.get_by_role("button", name="Cancel the fetch").click()
    wait_rendered(page, "The fetch was cancelled; the data below are as they were.")
    text = page.inner_text("[data-testid=stMain]")
    assert "Fetching from the AA API" not in text
    assert "Coverage per benchmark · Artificial Analysis" in text  # the embedded data, unchanged
    page.close()
