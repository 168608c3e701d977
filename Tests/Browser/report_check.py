#!/usr/bin/env python3
"""A backtest report.html in headless Chromium (Debian's chromium and chromedriver) on a
phone-sized window, opened from a file:// URL with no server.

Usage: report_check.py REPORT_HTML SCREENSHOT

Waits until every chart canvas says it drew, then prints one JSON line of what it saw: the
page's title, how many canvases there are, were drawn and hold painted pixels, the browser
console's errors, the resources the page loaded (none expected), the heat map's and the
trades table's row counts, and whether the page fits the phone's width. Saves a screenshot.
Exits non-zero, naming the step, when one fails.
"""
import json
import pathlib
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

report, screenshot = sys.argv[1:3]

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=412,915"):
    options.add_argument(argument)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    driver.get(pathlib.Path(report).resolve().as_uri())
    deadline = time.monotonic() + 20
    while True:
        counts = driver.execute_script(
            "const c = Array.from(document.querySelectorAll('canvas'));"
            "return [c.length, c.filter(x => x.dataset.drawn === 'true').length]")
        if counts[0] > 0 and counts[0] == counts[1]:
            break
        if time.monotonic() > deadline:
            driver.save_screenshot(screenshot)
            raise SystemExit(f"timed out waiting for the charts to draw: {counts}")
        time.sleep(0.25)
    seen = driver.execute_script("""
        const canvases = Array.from(document.querySelectorAll('canvas'));
        const painted = canvases.filter(c => {
          const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
          return false;
        }).length;
        return {
          title: document.title,
          canvases: canvases.length,
          drawn: canvases.filter(c => c.dataset.drawn === 'true').length,
          painted: painted,
          resources: performance.getEntriesByType('resource').map(r => r.name),
          heatmap_rows: document.querySelectorAll('table.heatmap tbody tr').length,
          trade_rows: Array.from(document.querySelectorAll('section')).filter(s => s.querySelector('h2').textContent === 'Trades')
            .map(s => s.querySelectorAll('tbody tr').length)[0] || 0,
          fits_phone_width: document.documentElement.scrollWidth <= window.innerWidth,
        };""")
    seen["errors"] = [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    driver.save_screenshot(screenshot)
    print(json.dumps(seen))
finally:
    driver.quit()
