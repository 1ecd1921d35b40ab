"""A newcomer's tour of `weather dev` in headless Chromium, driven by Selenium.

Usage: python ui_tour.py BASE_URL SCREENSHOT_DIR

Loads every page, launches a materialization and watches its run succeed live, opens the asset's
plot, walks the lineage graph, validates config in the launchpad and runs a GraphQL query. Fails
(exit status 1) on any JavaScript console error or missing element; saves a screenshot per page.
"""

import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

BASE, SHOTS = sys.argv[1], sys.argv[2]
os.makedirs(SHOTS, exist_ok=True)
for old in os.listdir(SHOTS):
    if old.endswith(".png"):
        os.remove(os.path.join(SHOTS, old))

options = webdriver.ChromeOptions()
options.binary_location = os.environ.get("CAIRN_CHROMIUM", "/usr/bin/chromium")
for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"):
    options.add_argument(argument)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service(os.environ.get("CAIRN_CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
wait = WebDriverWait(driver, 60)


def fail(message):
    driver.save_screenshot(os.path.join(SHOTS, "failure.png"))
    print("FAIL: " + message + " (at " + driver.current_url + ")")
    driver.quit()
    sys.exit(1)


def check_console(page):
    # A page that answers 400 or 404 by design (a form with problems, an unknown asset) is logged
    # as a failed load of the document itself; anything else is an error.
    own_status = driver.current_url + " - Failed to load resource: the server responded with a status of 4"
    errors = [
        entry
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and not entry["message"].startswith(own_status)
    ]
    if errors:
        fail("JavaScript console errors on " + page + ": " + "; ".join(entry["message"] for entry in errors))


def visit(path, name, expect):
    driver.get(BASE + path)
    if expect not in driver.page_source:
        fail(path + " does not show '" + expect + "'")
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))
    check_console(path)


def wait_for_status(wanted):
    def status(_):
        try:
            return driver.find_element(By.ID, "run-status").text
        except Exception:
            return None

    # The page reloads while the run goes on: the status seen by the wait is the one returned,
    # since reading it again may catch the page between two loads.
    seen = []

    def reached(d):
        current = status(d)
        if current in wanted:
            seen.append(current)
            return True
        return False

    try:
        wait.until(reached)
    except Exception:
        fail("the run did not reach " + "/".join(wanted) + "; its status is " + str(status(driver)))
    return seen[-1]


try:
    visit("/", "01-overview", "Recent runs")
    visit("/assets", "02-assets", "hottest_dates")
    visit("/lineage", "03-lineage", "class=\"lineage\"")
    nodes = driver.find_elements(By.CSS_SELECTOR, "svg.lineage a.node")
    if len(nodes) != 4:
        fail("the lineage graph draws %d assets, not 4" % len(nodes))

    # Materialize what is stale or missing upstream of hottest_dates and watch the run.
    visit("/assets/hottest_dates", "04-asset-before", "Materialize stale and missing")
    driver.find_element(By.XPATH, "//button[normalize-space()='Materialize stale and missing']").click()
    wait.until(expected_conditions.url_contains("/runs/"))
    first = wait_for_status(["QUEUED", "STARTING", "STARTED", "SUCCESS", "FAILURE"])
    driver.save_screenshot(os.path.join(SHOTS, "05-run-live.png"))
    final = wait_for_status(["SUCCESS", "FAILURE"])
    if final != "SUCCESS":
        fail("the run ended " + final)
    wait.until(lambda d: "STEP_SUCCESS" in d.page_source and "RUN_SUCCESS" in d.page_source)
    if "class=\"chart timeline\"" not in driver.page_source:
        fail("the run page has no step timeline")
    driver.save_screenshot(os.path.join(SHOTS, "06-run-success.png"))
    check_console("the run page")
    print("run went from " + first + " to " + final)

    # The asset's metadata plotted over time.
    visit("/assets/daily_temperature_highs", "07-asset-plot", "Metadata over time")
    plot = driver.find_elements(By.CSS_SELECTOR, "#plot-samples svg circle")
    if not plot:
        fail("daily_temperature_highs has no plot of 'samples'")

    # Clicking an asset in the graph shows its neighbourhood.
    visit("/lineage", "08-lineage-fresh", "class=\"lineage\"")
    driver.find_element(By.CSS_SELECTOR, "svg.lineage a.node[data-key='hottest_dates']").click()
    wait.until(expected_conditions.url_contains("focus=hottest_dates"))
    if "Open asset" not in driver.page_source:
        fail("the neighbourhood page does not offer the asset")
    driver.save_screenshot(os.path.join(SHOTS, "09-lineage-neighbourhood.png"))
    check_console("the neighbourhood page")

    # The launchpad shows a config problem at its line.
    visit("/launchpad?select=key:hottest_dates", "10-launchpad", "Launch run")
    editor = driver.find_element(By.NAME, "config")
    editor.clear()
    editor.send_keys("ops:\n  hottest_date:\n    config: {}\n")
    driver.find_element(By.XPATH, "//button[normalize-space()='Validate']").click()
    wait.until(lambda d: "yaml-errors" in d.page_source)
    if "line 2: " not in driver.page_source:
        fail("the launchpad does not show the problem at line 2")
    marked = driver.find_elements(By.CSS_SELECTOR, ".yaml-view .line.bad .number")
    if [element.text for element in marked] != ["2"]:
        fail("the launchpad marks lines %s, not line 2" % [element.text for element in marked])
    driver.save_screenshot(os.path.join(SHOTS, "11-launchpad-error.png"))
    check_console("the launchpad")

    for path, name, expect in [
        ("/runs", "12-runs", "SUCCESS"),
        ("/schedules", "13-schedules", "daily_weather"),
        ("/schedules/daily_weather", "14-schedule", "Next ticks"),
        ("/sensors", "15-sensors", "new_weather_files"),
        ("/sensors/new_weather_files", "16-sensor", "Preview evaluation"),
        ("/backfills", "17-backfills", "Backfills"),
        ("/automation", "18-automation", "hottest_dates"),
        ("/assets/nope", "19-not-found", "404"),
    ]:
        visit(path, name, expect)

    # The GraphQL console.
    visit("/graphql", "20-graphql", "type Query")
    driver.find_element(By.XPATH, "//button[normalize-space()='Run']").click()
    wait.until(lambda d: "latestMaterialization" in d.find_element(By.ID, "graphql-result").text)
    driver.save_screenshot(os.path.join(SHOTS, "21-graphql-result.png"))
    check_console("the GraphQL console")
except SystemExit:
    raise
except Exception as error:
    fail(type(error).__name__ + ": " + str(error))

driver.quit()
print("OK: every page loaded without a console error; screenshots in " + SHOTS)
