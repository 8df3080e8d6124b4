"""The office's follow-up page in a real browser: Debian's headless Chromium, driven by
Selenium through the system chromedriver, with the bot in webhook mode (the page is served in
either mode; tests/test_followup.py uses polling). The office opens the link a moderator made,
sets a status with a reason and a due date, and sees it saved; the change is recorded once.
A stopped link and an expired one are refused, politely.

The picture docs/followup-page.png is taken when it is missing, or again with
`UPDATE_SCREENSHOTS=1` (the README shows it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium_at, needs_chromium, waiting_for
from checks import said
from followup_helpers import (
    LINK,
    PROPOSAL,
    QUOTE,
    STAFF_THEME,
    USERS_THEME,
    free_port,
    office_link,
    page_config,
    seminar_with_followup,
)
from harness import BotProcess, button, contains
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from bot.i18n import translator
from localapi import LocalBotApi

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "followup-page.png"
# A phone's screen: the office may well open the link there.
WIDTH, HEIGHT = 412, 915
DAY = 24 * 3600

pytestmark = needs_chromium


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    with chromium_at(
        tmp_path / "profile", WIDTH, HEIGHT, phone=True, host="office.example.org"
    ) as driver:
        yield driver


def _status(name: str) -> str:
    return translator("nb").pgettext("status", name)


async def test_the_office_sets_a_status_on_its_page_in_a_browser(
    api: LocalBotApi, tmp_path: Path, chromium: webdriver.Chrome
) -> None:
    hook, page_port = free_port(), free_port()
    public = "https://seminar.example.org:8443/telegram-updates"
    api.reverse_proxy("https://seminar.example.org:8443", f"http://127.0.0.1:{hook}")
    bot = BotProcess(
        api,
        tmp_path,
        telegram={"mode": '"webhook"', "webhook_url": f'"{public}"', "webhook_port": hook},
        config=page_config(page_port),
    )
    await bot.start()
    try:
        assert "bot started (webhook)" in bot.log_text
        mona = api.user("Mona Moderator", language_code="nb", username="mona_mod")
        _, proposal = await seminar_with_followup(bot, mona)
        url, table = await office_link(mona, page_port)
        token = url.rsplit("/", 1)[1]

        chromium.get(url)
        assert chromium.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nb"
        heading = chromium.find_element(By.TAG_NAME, "h1")
        assert heading.text == said("nb", "Follow-up: {title}", title="Gode møter med Nav")
        section = chromium.find_element(By.ID, f"p{proposal}")
        assert PROPOSAL in section.find_element(By.TAG_NAME, "h2").text
        sides = section.find_elements(By.CSS_SELECTOR, ".sides > div")
        assert [s.find_element(By.TAG_NAME, "li").text for s in sides] == [
            USERS_THEME,
            STAFF_THEME,
        ]
        # Side by side on a phone's width too, neither wider than the screen.
        assert sides[0].rect["y"] == sides[1].rect["y"]
        assert chromium.execute_script("return document.documentElement.scrollWidth") <= WIDTH
        assert section.find_element(By.TAG_NAME, "blockquote").text == QUOTE
        page_text = chromium.find_element(By.TAG_NAME, "body").text
        for person in ("Mona", "mona_mod", str(mona.id)):
            assert person not in page_text

        # «Not possible» without a reason: refused politely, nothing saved.
        Select(section.find_element(By.NAME, "status")).select_by_visible_text(
            _status("not possible")
        )
        section.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        problems = waiting_for(chromium, ".problems")
        assert said("nb", _REASON_NEEDED) in problems.text
        assert bot.query("SELECT count(*) FROM status_changes") == [(0,)]

        # With an owner role, a reason and a due date: saved, and shown as saved.
        section = chromium.find_element(By.ID, f"p{proposal}")
        owner = section.find_element(By.NAME, "owner")
        owner.clear()
        owner.send_keys("Leder for mottaket")
        Select(section.find_element(By.NAME, "status")).select_by_visible_text(
            _status("not possible")
        )
        section.find_element(By.NAME, "reason").send_keys("Vi har ikke nok folk i år")
        chromium.execute_script(
            "arguments[0].value = '2027-05-01'", section.find_element(By.NAME, "due")
        )
        section.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        notice = waiting_for(chromium, ".saved")
        assert notice.text == said("nb", "Saved.")
        assert "saved=" in chromium.current_url  # post/redirect/get: a reload posts nothing
        section = chromium.find_element(By.ID, f"p{proposal}")
        assert section.find_element(By.NAME, "owner").get_attribute("value") == (
            "Leder for mottaket"
        )
        assert section.find_element(By.NAME, "due").get_attribute("value") == "2027-05-01"
        chromium.refresh()
        assert bot.query("SELECT owner, status, reason, due FROM followups") == [
            ("Leder for mottaket", "not_possible", "Vi har ikke nok folk i år", "2027-05-01")
        ]
        assert bot.query("SELECT status, reason FROM status_changes") == [
            ("not_possible", "Vi har ikke nok folk i år")
        ]

        if os.environ.get("UPDATE_SCREENSHOTS") or not SCREENSHOT.exists():
            SCREENSHOT.parent.mkdir(exist_ok=True)
            chromium.get(url)
            SCREENSHOT.write_bytes(chromium.get_screenshot_as_png())

        # Stopped: the page says to ask the moderator for a new link.
        await mona.press(table, button("nb", "Stop the office's links"))
        await mona.wait_for(contains("1"))
        chromium.get(url)
        assert said("nb", _ASK_MODERATOR) in chromium.find_element(By.TAG_NAME, "body").text

        # A new link, expired after link_days.
        await mona.press(table, button("nb", "Make a link for the office"))
        newer = await mona.wait_for(
            lambda m: (f := LINK.search(m.text)) is not None and f.group(1) != token
        )
        second = LINK.search(newer.text)
        assert second is not None
        fresh = f"http://office.example.org:{page_port}/followup/{second.group(1)}"
        chromium.get(fresh)
        assert chromium.find_elements(By.ID, f"p{proposal}")
        bot.advance_clock(8 * DAY)
        chromium.get(fresh)
        assert said("nb", _ASK_MODERATOR) in chromium.find_element(By.TAG_NAME, "body").text
        assert not chromium.find_elements(By.TAG_NAME, "form")
    finally:
        await bot.stop()
    bot.assert_clean_logs()
    assert token not in bot.log_text


_REASON_NEEDED = "Please write why the proposal is not possible. People who took part will read it."
_ASK_MODERATOR = (
    "The link may be too old, or it was stopped. Please ask the seminar's moderator for a new link."
)
