"""The reviewers' console in a real browser (Debian's chromium, driven by Playwright for Python).

Run by BrowserTests.swift, which makes the central repository, two municipality clones with
contributions, the passwords, and starts `gpmsync serve`. It hands over what it made in the environment:
GPMSYNC_URL, GPMSYNC_CENTRAL, GPMSYNC_BINARY, GPMSYNC_MOVING_CLONE (a clone whose contribution the test
moves while the page is open), GPMSYNC_SCREENSHOTS (a folder outside the repository).
"""
import json
import os
import re
import subprocess
import sys

from playwright.sync_api import sync_playwright

URL = os.environ["GPMSYNC_URL"]
CENTRAL = os.environ["GPMSYNC_CENTRAL"]
BINARY = os.environ["GPMSYNC_BINARY"]
MOVING = os.environ["GPMSYNC_MOVING_CLONE"]
SHOTS = os.environ["GPMSYNC_SCREENSHOTS"]
PASSWORD = "correct horse battery"
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def git(*args):
    return subprocess.run(["git", *args], cwd=CENTRAL, capture_output=True, text=True)


def note(commit):
    r = git("notes", "--ref=gpmsync-review", "show", commit)
    return json.loads(r.stdout) if r.returncode == 0 else None


def tip(org):
    return git("rev-parse", f"refs/heads/contrib/{org}").stdout.strip()


def sign_in(page, user, password):
    page.goto(URL + "/signin")
    page.fill("input[name=user]", user)
    page.fill("input[name=password]", password)
    page.click("form.signin button[type=submit]")


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, name + ".png"), full_page=True)


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()

    sign_in(page, "elif", "not the password")
    check("Wrong user name or password" in page.content(), "a wrong password cannot sign in")
    shot(page, "01-signin-refused")
    sign_in(page, "ayse", PASSWORD)
    check("not a reviewer" in page.content(), "a municipality user cannot sign in")
    page.goto(URL + "/queue")
    check(page.url.endswith("/signin"), "nobody signed in: the queue sends to sign-in")

    sign_in(page, "elif", PASSWORD)
    check(page.url.endswith("/queue"), "the reviewer signs in and sees the queue")
    rows = page.locator("table.queue tbody tr")
    check(rows.count() == 2, f"two contributions in the queue (saw {rows.count()})")
    check(page.locator("tr[data-org='34-kadikoy'] .chip").count() == 1, "each row has its state chip")
    shot(page, "02-queue")
    page.select_option("select[name=province]", "16")
    page.click("form.filters button")
    check(page.locator("table.queue tbody tr").count() == 1 and page.locator("tr[data-org='16-nilufer']").count() == 1,
          "the province filter keeps Bursa's contribution only")

    # A contribution: the changed cells are highlighted, and each measure has its series as an SVG.
    kadikoy_tip = tip("34-kadikoy")
    page.goto(URL + "/contributions/34-kadikoy")
    changed = page.locator("td.changed")
    check(changed.count() == 1, f"one changed cell highlighted (saw {changed.count()})")
    check("120" in changed.first.inner_text() and "135" in changed.first.inner_text(), "the changed cell shows old and new values")
    chart = changed.first.locator("svg.series")
    check(chart.count() == 1, "the changed cell has its chart")
    check(chart.locator("circle.point").count() == 2, f"its series has two periods (saw {chart.locator('circle.point').count()})")
    check(chart.locator("circle.point.new").count() == 1, "the new value is marked")
    new_file_chart = page.locator("section.file[data-path$='2025Q1.csv'] svg.series").first
    check(new_file_chart.locator("circle.point").count() == 3, "a new period's chart has three points: 2024Q3, 2024Q4, 2025Q1")
    check(page.locator("text=<b>bold</b>").count() >= 1 and page.locator("b:text('bold')").count() == 0,
          "a hostile value is shown as text, not markup")
    corrected = "section.file[data-path$='2024Q4.csv']"
    check(page.locator(corrected + " th:text('source')").count() == 0, "unchanged columns are hidden")
    shot(page, "03-contribution")
    page.click("text=Show all columns")
    check(page.locator(corrected + " th:text('source')").count() == 1, "unchanged columns can be shown")
    shot(page, "04-contribution-all-columns")

    # The form must carry its token: a post without it is refused.
    r = context.request.post(URL + "/contributions/34-kadikoy/decision", form={"tip": kadikoy_tip, "decision": "approve"})
    check(r.status == 403, f"a form without its CSRF token is refused (status {r.status})")
    check(note(kadikoy_tip) is None, "and nothing was noted")

    # A tip that moved while the page was open is refused.
    page.goto(URL + "/contributions/16-nilufer")
    seen = page.locator("input[name=tip]").input_value()
    check(page.locator("ul.activity .chip.approved").count() == 0, "another municipality's approval is not in this branch's activity")
    with open(os.path.join(MOVING, "municipalities/16-nilufer/data/residents/2025Q1.csv"), "a") as f:
        f.write("TP,AFG,M,ALL,12,admin_register,,\n")
    subprocess.run([BINARY, "sync"], cwd=MOVING, check=True, capture_output=True, env={**os.environ, "LANG": "C"})
    check(tip("16-nilufer") != seen, "the municipality's branch moved")
    page.fill("textarea[name=reason]", "the totals do not add up")
    page.click("button.reject")
    check("moved" in page.content(), "a decision on a stale tip is refused with a message")
    check(note(seen) is None and note(tip("16-nilufer")) is None, "and nothing was noted")
    shot(page, "05-stale-tip-refused")

    # Rejecting needs a reason; then it reaches the notes.
    page.goto(URL + "/contributions/16-nilufer")
    page.click("button.reject")
    check("reason" in page.content(), "a rejection without a reason is refused")
    page.fill("textarea[name=reason]", "the totals do not add up")
    page.click("button.reject")
    check(page.url.split("?")[0].endswith("/queue"), "after the decision the queue is shown")
    n = note(tip("16-nilufer"))
    check(n is not None and n["state"] == "rejected" and n["reason"] == "the totals do not add up" and n["reviewer"] == "elif",
          f"git notes show the rejection with its reason: {n}")

    page.goto(URL + "/contributions/34-kadikoy")
    page.click("button.approve")
    n = note(kadikoy_tip)
    check(n is not None and n["state"] == "approved", f"git notes show the approval: {n}")
    check(git("merge-base", "--is-ancestor", kadikoy_tip, "main").returncode == 0, "the approved contribution is in main")
    shot(page, "06-after-decisions")

    page.goto(URL + "/completeness")
    heat = page.locator("section[data-dataset='residents'] svg.heatmap")
    check(heat.count() == 1, "the completeness page draws a heat map per dataset")
    check(heat.locator("rect.cell").count() == 2 * page.locator("section[data-dataset='residents'] svg.heatmap text[transform]").count(),
          "one cell per municipality and period")
    check(page.locator("section[data-dataset='residents'] table.rates tbody tr").count() == 3, "rates for two provinces and the whole union")
    shot(page, "08-completeness")
    page.goto(URL + "/practices")
    check(page.locator("article.practice").count() == 1, "the approved good practice is in the catalogue")
    check(page.locator("article.practice strong").count() == 1, "its Markdown is rendered")
    check(page.locator("article.practice img").count() == 0, "markup in a document does not act")
    page.select_option("select[name=theme]", "women")
    page.click("form.filters button")
    check(page.locator("article.practice").count() == 1, "the theme filter keeps it")
    shot(page, "09-practices")

    # Turkish, by the switch in the header.
    page.click("header a.lang")
    check(page.locator("html[lang=tr]").count() == 1 and "İyi uygulamalar" in page.content(), "the page switches to Turkish")
    page.goto(URL + "/queue")
    check("Katkılar" in page.content(), "and stays Turkish on the next page")
    shot(page, "10-queue-tr")
    browser.close()

print(f"browser checks: {len(failures)} failed")
sys.exit(1 if failures else 0)
