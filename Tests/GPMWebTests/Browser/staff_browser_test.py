"""The staff's page in a real browser (Debian's chromium, driven by Playwright for Python): see a held-back
file's finding in the file, settle one conflict with "theirs" and one with a typed value, convert the
held-back Excel file, press "sync now", and check the clone's files and central with the git CLI.

Run by StaffPageTests.swift: GPMSYNC_URL, GPMSYNC_CLONE, GPMSYNC_CENTRAL, GPMSYNC_CONFLICTED, GPMSYNC_EXCEL,
GPMSYNC_SCREENSHOTS (a folder outside the repository).
"""
import json
import os
import subprocess
import sys
import time

from playwright.sync_api import sync_playwright

URL = os.environ["GPMSYNC_URL"]
CLONE = os.environ["GPMSYNC_CLONE"]
CENTRAL = os.environ["GPMSYNC_CENTRAL"]
CONFLICTED = os.environ["GPMSYNC_CONFLICTED"]
EXCEL = os.environ["GPMSYNC_EXCEL"]
SHOTS = os.environ["GPMSYNC_SCREENSHOTS"]
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, name + ".png"), full_page=True)


def text(path):
    with open(os.path.join(CLONE, path), "rb") as f:
        return f.read().decode("utf-8")


def row(csv, key):
    for line in csv.splitlines():
        if line.startswith(key + ","):
            return line.split(",")
    return None


def central(path):
    r = subprocess.run(["git", "show", f"refs/heads/contrib/34-kadikoy:{path}"], cwd=CENTRAL, capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else ""


def syncs():
    try:
        with open(os.path.join(CLONE, ".git/gpmsync/activity.json")) as f:
            return len(json.load(f))
    except FileNotFoundError:
        return 0


def until(condition, seconds=60):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", java_script_enabled=False)
    page = context.new_page()

    page.goto(URL + "/")
    check(page.locator(".glance .state.conflict").count() == 1, "the state at a glance is 'conflict'")
    check(page.locator("section.conflicts tbody tr").count() == 2, "two conflicting cells are listed")
    held = page.locator(f"article.held[data-path='{EXCEL}']")
    check(held.count() == 1, "the Excel file is listed as held back")
    check("encoding-error" in held.inner_text() and "Windows-1254" in held.inner_text(), "with its one finding, saying what the file is")
    check(held.locator("li").count() == 1, "one finding, not one per row")
    shot(page, "staff-01-overview")

    held.locator("a", has_text="line 2").click()
    check("/file?" in page.url and page.url.endswith("#L2"), "the finding links to its line (the first byte not UTF-8)")
    check(page.locator("tr#L2.finding").count() == 1, "the line is marked in the file")
    check("Windows-1254" in page.locator("tr.note").first.inner_text(), "the finding is shown under its line")
    check("Üsküdar" in page.locator("table.file").inner_text(), "the file is shown decoded")
    check(page.locator("table.file tr[id^=L]").count() == 3 and "\\r" not in page.locator("table.file").inner_text(),
          "each CRLF line on its own row")
    shot(page, "staff-02-file")

    page.goto(URL + "/")
    cell = page.locator("tr[data-key='TP|SYR|F|ALL'][data-field='count']")
    check(cell.locator("td.mine").inner_text() == "105" and cell.locator("td.theirs").inner_text() == "110",
          "mine and theirs side by side (105, 110)")
    cell.locator("button[value=theirs]").click()
    check(page.locator(".flash.ok").count() == 1, "resolving with 'theirs' says it is done")
    check(row(text(CONFLICTED), "TP,SYR,F,ALL")[4] == "110", "the file holds theirs (110)")
    check(page.locator("tr[data-key='TP|SYR|F|ALL']").count() == 0, "that conflict is gone from the page")
    shot(page, "staff-03-one-resolved")

    other = page.locator("tr[data-key='TP|SYR|M|ALL'][data-field='count']")
    other.locator("input[name=value]").fill("77")
    other.locator("button[value=value]").click()
    check(row(text(CONFLICTED), "TP,SYR,M,ALL")[4] == "77", "the file holds the typed value (77)")
    check(page.locator("section.conflicts").count() == 0, "no conflict is left")
    log = subprocess.run(["git", "log", "-20", "--format=%s"], cwd=CLONE, capture_output=True, text=True).stdout
    check(log.count("Resolve 1 conflict(s) in " + CONFLICTED) == 2, "each choice was recorded as its own commit: " + log)
    check(subprocess.run(["git", "status", "--porcelain", CONFLICTED], cwd=CLONE, capture_output=True, text=True).stdout == "",
          "the resolved file is committed")

    page.locator(f"article.held[data-path='{EXCEL}'] button").click()
    check(page.locator(".flash.ok").count() == 1, "the Convert button says it is done")
    converted = text(EXCEL)
    check(converted.startswith("legal_status,nationality,sex,age_group,count,source,missing_reason,comment\nTP,IRQ,F,ALL,1250,admin_register,,Üsküdar'dan gelenler\n"),
          "the held-back file is now gpmsync's CSV, value by value")
    check(page.locator("article.held").count() == 0, "nothing is held back any more")
    shot(page, "staff-04-converted")

    before = syncs()
    page.locator("form[action='/sync'] button").click()
    check(page.locator(".flash.ok").count() == 1, "sync now says a sync was started")
    check(until(lambda: syncs() > before), "a sync ran after 'sync now'")
    check(until(lambda: (row(central(CONFLICTED), "TP,SYR,F,ALL") or [""] * 5)[4] == "110"
                and (row(central(CONFLICTED), "TP,SYR,M,ALL") or [""] * 5)[4] == "77"),
          "central's contrib/34-kadikoy holds both choices (git show)")
    check(until(lambda: central(EXCEL) == converted), "and the converted file")
    page.goto(URL + "/")
    check(until(lambda: (page.reload(), page.locator(".glance .state.synced").count() == 1)[1], 30), "the page says synced")
    check(page.locator("ul.activity li").count() >= 2, "the recent activity lists the syncs")
    shot(page, "staff-05-synced")

    tr = browser.new_context(viewport={"width": 1280, "height": 900}, locale="tr-TR").new_page()
    tr.goto(URL + "/")
    check("Şimdi eşitle" in tr.content() and "eşitlendi" in tr.content(), "the page speaks Turkish to a Turkish browser")
    shot(tr, "staff-06-turkish")
    tr.goto(URL + "/practices")
    check(tr.locator("a[href='/practice-template.md']").count() == 1, "the good practices page offers the template")
    browser.close()

print(f"{len(failures)} failed" if failures else "all passed")
sys.exit(1 if failures else 0)
