"""End to end in a real browser: `crm dashboard` on a small published warehouse, opened
in headless Chromium (Debian's chromium and chromium-driver, driven by Selenium; `make
browser` installs them): every page renders its charts without an error, the language
switch and the customer lookup work, and a screenshot of each page is saved into the
test output (and into $CRM_SCREENSHOT_DIR when set)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard_support import chromium_paths, free_port

from conftest import SmallWarehouse, query

# page -> (URL path, heading in Chinese, fewest charts it must draw)
PAGES = {
    "overview": ("", "总览", 9),
    "lifecycle": ("lifecycle", "生命周期", 3),
    "rfm": ("rfm", "RFM", 2),
    "tiers": ("tiers", "会员等级", 2),
    "tags": ("tags", "标签与人群", 1),
    "campaigns": ("campaigns", "营销活动", 1),
    "lookup": ("lookup", "客户查询", 0),
}
READY_TIMEOUT = 90


@pytest.fixture(scope="module")
def dashboard(
    tmp_path_factory: pytest.TempPathFactory, small_warehouse: SmallWarehouse
) -> Iterator[str]:
    database = small_warehouse.database
    port = free_port()
    log = tmp_path_factory.mktemp("dashboard") / "dashboard.log"
    crm = str(Path(sys.executable).with_name("crm"))
    with log.open("w") as output:
        process = subprocess.Popen(
            [crm, "dashboard", "--database", str(database), "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"dashboard did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert small_warehouse.serving.exists()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    paths = chromium_paths()
    if paths is None:
        pytest.fail(
            "Debian's chromium and chromium-driver are missing: `make browser` installs them "
            "(apt-get install chromium chromium-driver fonts-noto-cjk)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = paths[0]
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,1000",
        "--lang=zh-CN",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(paths[1]), options=options)
    driver.set_page_load_timeout(READY_TIMEOUT)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dashboard_screenshots")


def wait_rendered(driver, heading: str, min_charts: int, min_metrics: int = 0) -> float:
    """Wait until the page shows `heading`, the script has finished and at least
    `min_charts` charts have drawn and `min_metrics` metrics are shown; the seconds it
    took."""
    started = time.monotonic()
    deadline = started + READY_TIMEOUT
    state: dict = {}
    while time.monotonic() < deadline:
        state = driver.execute_script(
            """
            const q = (s) => Array.from(document.querySelectorAll(s));
            return {
              headings: q('[data-testid="stHeading"]').map((e) => e.innerText.trim()),
              running: q('[data-testid="stStatusWidgetRunningIcon"], '
                         + '[data-testid="stSkeleton"]').length,
              charts: q('[data-testid="stVegaLiteChart"]').length,
              metrics: q('[data-testid="stMetric"]').length,
              drawn: q('[data-testid="stVegaLiteChart"]').filter(
                (e) => e.querySelector('canvas, svg')).length,
              exceptions: q('[data-testid="stException"]').map((e) => e.innerText),
              errors: q('[data-testid="stAlertContentError"]').map((e) => e.innerText),
            };
            """
        )
        if state["exceptions"] or state["errors"]:
            break
        if (
            any(text.startswith(heading) for text in state["headings"])
            and not state["running"]
            and state["drawn"] >= min_charts
            and state["metrics"] >= min_metrics
        ):
            return time.monotonic() - started
        time.sleep(0.25)
    raise AssertionError(f"page with heading {heading!r} not rendered: {state}")


def save(driver, screenshots: Path, name: str) -> Path:
    path = screenshots / f"{name}.png"
    driver.save_screenshot(str(path))
    extra = os.environ.get("CRM_SCREENSHOT_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(extra) / path.name)
    return path


def test_every_page_renders_in_chromium(dashboard: str, browser, screenshots: Path) -> None:
    timings = {}
    for name, (path, heading, min_charts) in PAGES.items():
        browser.get(dashboard + path)
        timings[name] = wait_rendered(browser, heading, min_charts)
        shot = save(browser, screenshots, name)
        assert shot.stat().st_size > 10_000
    print("browser render seconds:", {name: round(value, 2) for name, value in timings.items()})
    print("screenshots:", screenshots)


def test_language_switch_and_lookup(
    dashboard: str, browser, screenshots: Path, small_warehouse: SmallWarehouse
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(dashboard)
    wait_rendered(browser, "总览", 9)
    english = browser.find_element(By.XPATH, "//label[.//p[text()='English']]")
    english.click()
    wait_rendered(browser, "Overview", 9, min_metrics=11)
    save(browser, screenshots, "overview_en")

    database = small_warehouse.serving
    [(customer_id,)] = query(
        database,
        "select c.customer_id from marts.dim_customers as c "
        "inner join marts.customer_tiers as t on c.customer_id = t.customer_id "
        "order by c.customer_id limit 1",
    )
    browser.get(dashboard + "lookup")
    wait_rendered(browser, "客户查询", 0)
    field = browser.find_element(By.CSS_SELECTOR, '[data-testid="stTextInput"] input')
    field.send_keys(customer_id, Keys.ENTER)
    wait_rendered(browser, f"客户概况: {customer_id}", 0, min_metrics=7)
    save(browser, screenshots, "lookup_customer")
