"""Debian's headless Chromium driven by Selenium through the system chromedriver (never one
Selenium would fetch): the one way the tests open a page as a person would."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="no /usr/bin/chromium: apt-get install chromium chromium-driver (.ci/run does)",
)


@contextmanager
def chromium_at(
    profile: Path, width: int, height: int, *, phone: bool = False, host: str | None = None
) -> Iterator[webdriver.Chrome]:
    """A headless Chromium of this window size; `phone`: a phone's screen; `host`: a public
    host name that leads to this machine, as the reverse proxy would."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ]
    if host is not None:
        flags.append(f"--host-resolver-rules=MAP {host} 127.0.0.1")
    for flag in flags:
        options.add_argument(flag)
    if phone:
        options.add_experimental_option(
            "mobileEmulation",
            {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}},
        )
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def waiting_for(driver: webdriver.Chrome, selector: str) -> WebElement:
    """The element once the page a form led to has loaded."""
    found: WebElement = WebDriverWait(driver, 10).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, selector))
    )
    return found
