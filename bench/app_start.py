"""The app's start-up as a user meets it (issue 10: the first answer ≤ 3 s after the page is ready).

Each run starts ``streamlit run app.py`` on the built library, opens the ask page in Debian's Chromium
(Playwright, nothing downloaded), and measures: server start → page ready (the question box drawn and
the script run finished), then the first question → its answer drawn. Prints one line per run and the
medians.

    python bench/app_start.py [--runs 3] [--wait 0] [--question "电解铝2015年底前要做什么？"]

``--wait S`` waits S seconds between ready and asking (a person reading the page first); the default 0
asks at once, the hardest case for the background warm-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from soak import free_port, start_app, stop_process  # bench/soak.py: the same server start and stop

CHROMIUM = "/usr/bin/chromium"


def one_run(question: str, wait: float, log: Path) -> tuple[float, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # The browser is up before the server starts, as a user's is.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(locale="zh-CN")
        port = free_port()
        started = time.perf_counter()
        process = start_app(port, log)  # the soak's: returns once the server answers its health check
        try:
            page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")  # the ask page is the default
            page.get_by_label("输入问题").wait_for(timeout=120_000)
            page.wait_for_timeout(100)
            page.locator("[data-testid='stStatusWidget']").wait_for(state="detached", timeout=120_000)
            ready = time.perf_counter()
            if wait:
                page.wait_for_timeout(wait * 1000)
            asked = time.perf_counter()
            page.get_by_label("输入问题").fill(question)
            page.get_by_role("button", name="提问", exact=True).click()
            page.locator(".pkg-answer, .pkg-ev").first.wait_for(timeout=120_000)
            answered = time.perf_counter()
        finally:
            stop_process(process)
            browser.close()
    return ready - started, answered - asked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--wait", type=float, default=0.0, help="seconds between ready and asking")
    parser.add_argument("--question", default="电解铝2015年底前要做什么？")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing (apt-get install chromium)")
    readies, answers = [], []
    print(f"{'run':>3} {'start → ready s':>16} {'ask → answer s':>15}", flush=True)
    for run in range(1, args.runs + 1):
        ready, answer = one_run(args.question, args.wait, Path(tempfile.gettempdir()) / "policykg-app-start.log")
        readies.append(ready)
        answers.append(answer)
        print(f"{run:>3} {ready:>16.2f} {answer:>15.2f}", flush=True)
    print(f"median {statistics.median(readies):>13.2f} {statistics.median(answers):>15.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
