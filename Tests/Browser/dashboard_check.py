#!/usr/bin/env python3
"""The dashboard in headless Chromium (Debian's chromium and chromedriver) on a phone-sized
window, against a running Keel stack whose strategy is about to trade.

Usage: dashboard_check.py BASE_URL READ_TOKEN OPERATOR_TOKEN SCREENSHOT

Logs in with the read token; waits for the live stream, the equity chart's first points, every
service ready with the consumer groups' lag in the health panel, and then a position row to
appear without reloading; checks that the page fits the phone's width;
that pause is refused without the operator token and with the read token in its place; then
pauses with the operator token and waits until the page shows PAUSED. Saves a screenshot and
prints one JSON line of what it saw. Exits non-zero, naming the step, when one fails.
"""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

base, read_token, operator_token, screenshot = sys.argv[1:5]
seen = {}


def wait_for(what, condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    driver.save_screenshot(screenshot)
    raise SystemExit(f"timed out after {timeout} s waiting for {what} (screenshot: {screenshot}); seen: {json.dumps(seen)}")


def text(element_id):
    return driver.find_element(By.ID, element_id).text


def table_rows(selector):
    """The data cells' texts of the rows `selector` picks, read in one step: the page redraws its
    tables on every snapshot, so elements found one call earlier may be gone."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(r => Array.from(r.querySelectorAll('td')).map(c => c.textContent))",
        selector)


def position_rows():
    return table_rows("#positions tbody tr[data-symbol]")


def click_pause_and_read_result(token):
    field = driver.find_element(By.ID, "operator-token")
    field.clear()
    if token:
        field.send_keys(token)
    before = text("command-result")
    driver.find_element(By.ID, "pause-button").click()
    return wait_for("the command's result", lambda: (t := text("command-result")) != before and "sending" not in t and t, 20)


options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=412,915"):
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    driver.get(base + "/")
    driver.find_element(By.ID, "token").send_keys(read_token)
    driver.find_element(By.ID, "connect").click()
    wait_for("the live stream", lambda: text("connection") == "live", 30)

    points = wait_for(
        "the equity chart's first points",
        lambda: int(driver.find_element(By.ID, "equity-chart").get_attribute("data-points") or 0), 120)
    seen["equity_points_at_first"] = points
    seen["positions_at_first"] = len(position_rows())
    if seen["positions_at_first"]:
        raise SystemExit(f"a position was open before the page was: the test cannot see one appear; seen: {json.dumps(seen)}")

    def health_rows():
        return {cells[0]: cells[2] for cells in table_rows("#health tr") if len(cells) >= 3}

    services = ("marketdata", "signals", "risk", "execution", "notifier")
    health = wait_for(
        "every service ready in the health panel",
        lambda: (rows := health_rows()) and all(rows.get(name) == "ready" for name in services) and rows, 60)
    seen["health"] = health
    if not any(state.startswith("lag ") for state in health.values()):
        raise SystemExit(f"the health panel shows no consumer lag; seen: {json.dumps(seen)}")

    rows = wait_for("a position row to appear live", position_rows, 420)
    seen["position"] = rows[0]
    seen["equity_points_with_position"] = int(driver.find_element(By.ID, "equity-chart").get_attribute("data-points"))
    seen["fits_phone_width"] = driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    if not seen["fits_phone_width"]:
        raise SystemExit(f"the page is wider than the phone's screen; seen: {json.dumps(seen)}")

    seen["trading_state_before"] = text("trading-state")
    seen["pause_without_token"] = click_pause_and_read_result("")
    seen["pause_with_read_token"] = click_pause_and_read_result(read_token)
    if "refused (403)" not in seen["pause_with_read_token"]:
        raise SystemExit(f"pause with the read token was not refused; seen: {json.dumps(seen)}")
    seen["pause_with_operator_token"] = click_pause_and_read_result(operator_token)
    if "sent to risk" not in seen["pause_with_operator_token"]:
        raise SystemExit(f"pause with the operator token was not sent; seen: {json.dumps(seen)}")
    wait_for("the page to show PAUSED", lambda: text("trading-state") == "PAUSED", 60)
    seen["trading_state_after"] = text("trading-state")
    seen["token_form_hidden"] = not driver.find_element(By.ID, "token-form").is_displayed()
    # The whole page at the phone's width, top to bottom.
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(412, height + 120)
    driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.5)
    driver.save_screenshot(screenshot)
    seen["screenshot"] = screenshot
    print(json.dumps(seen))
finally:
    driver.quit()
