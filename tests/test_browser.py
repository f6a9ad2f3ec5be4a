"""The app in a real browser: ``streamlit run app.py`` driven by Playwright with Debian's Chromium.

Never downloads a browser: it uses ``/usr/bin/chromium`` and skips when that is absent. Every request
to another host is blocked, so the graph page also proves that the graph renders offline (vis-network inline).
Screenshots go to ``tests/artifacts/`` (git-ignored): ask.png, ask-phone.png, browse.png, graph.png,
graph-expanded.png.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROJECT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
QUESTION = "电解铝2015年底前要做什么？"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_http(url: str, process: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


@pytest.fixture(scope="module")
def server(built_data: Path):
    """``streamlit run app.py`` on a free port, reading the fixture build; stopped by PID afterwards.

    When POLICYKG_APP_URL is set (``.ci/run`` starts the app on the real build and stops it by PID),
    the test drives that server instead.
    """
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    if os.environ.get("POLICYKG_APP_URL"):
        yield os.environ["POLICYKG_APP_URL"].rstrip("/")
        return
    port = _free_port()
    env = {**os.environ, "POLICYKG_DATA": str(built_data), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / "streamlit.log", "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(PROJECT / "app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=PROJECT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="module")
def page(server: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        blocked: list[str] = []

        def offline(route) -> None:
            host = urlparse(route.request.url).hostname
            if route.request.url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", offline)
        tab = context.new_page()
        tab.blocked = blocked  # type: ignore[attr-defined]
        tab.goto(server, wait_until="domcontentloaded")
        tab.get_by_text("PolicyKG · 政策知识图谱").first.wait_for(timeout=60_000)
        yield tab
        context.close()
        browser.close()


def _go(page, name: str) -> None:
    page.locator("[data-testid='stSidebar']").get_by_text(name, exact=True).click()


def _settled(page, timeout: float = 60_000) -> None:
    """Wait until the script run has finished (Streamlit shows its status widget while running)."""
    page.wait_for_timeout(300)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="detached", timeout=timeout)


def test_ask_in_browser(page):
    box = page.get_by_label("输入问题")
    box.fill(QUESTION)
    page.wait_for_timeout(300)
    # Streamlit's own hint ("Press Enter to submit form") is English: hidden in the Chinese UI.
    assert "Press Enter" not in page.locator("body").inner_text()
    assert not page.locator("[data-testid='InputInstructions']").first.is_visible()
    page.get_by_role("button", name="提问", exact=True).click()
    answer = page.locator(".pkg-answer")
    answer.wait_for(timeout=120_000)
    page.wait_for_function("document.querySelector('.pkg-answer').innerText.includes('16万安培')", timeout=120_000)
    assert "16万安培" in answer.inner_text()
    page.locator(".pkg-ev mark").first.wait_for(timeout=30_000)
    _settled(page)
    page.screenshot(path=str(ARTIFACTS / "ask.png"))
    # The answer is the first thing below the question box: above every evidence sentence.
    answer_box = answer.bounding_box()
    evidence_box = page.locator(".pkg-ev").first.bounding_box()
    assert answer_box and evidence_box and answer_box["y"] < evidence_box["y"]
    assert answer_box["y"] < 500, "the answer should be visible without scrolling"


def test_browse_timeline_in_browser(page):
    _go(page, "浏览")
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.wait_for(timeout=60_000)
    chart.locator("canvas, svg").first.wait_for(timeout=30_000)
    _settled(page)
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "browse.png"))


def _graph_nodes(page) -> int:
    return page.evaluate("globalThis.pkgGraph ? globalThis.pkgGraph.body.data.nodes.length : 0")


def test_graph_in_browser_offline(page):
    _go(page, "图谱")
    page.wait_for_function("globalThis.pkgGraph !== undefined", timeout=60_000)
    canvas = page.locator("div.pkg-graph canvas").first
    canvas.wait_for(timeout=60_000)
    _settled(page)
    page.wait_for_timeout(3500)  # let the physics settle
    page.screenshot(path=str(ARTIFACTS / "graph.png"))
    size = canvas.bounding_box()
    assert size and size["width"] > 300 and size["height"] > 300
    cdn = [url for url in page.blocked if any(h in url for h in ("cdnjs", "jsdelivr", "unpkg"))]
    assert not cdn, f"the graph tried to fetch from a CDN: {cdn}"


def test_clicking_a_graph_node_shows_it_and_expands_it(page):
    _go(page, "图谱")
    page.wait_for_function("globalThis.pkgGraph !== undefined", timeout=60_000)
    _settled(page)
    page.wait_for_timeout(3500)
    before = _graph_nodes(page)
    # Where a provision node is drawn on the screen, from vis-network's own coordinates.
    spot = page.evaluate("""() => {
        const network = globalThis.pkgGraph;
        const id = network.body.data.nodes.getIds().find((node) => node.endsWith('/provision'));
        const point = network.canvasToDOM(network.getPositions([id])[id]);
        const frame = network.body.container.getBoundingClientRect();
        return {x: frame.left + point.x, y: frame.top + point.y};
    }""")
    page.mouse.click(spot["x"], spot["y"])
    expand = page.get_by_role("button", name="展开此节点")
    expand.wait_for(timeout=30_000)
    page.get_by_text("在原文中查看").first.wait_for(timeout=30_000)  # a link to the sentence in its document
    expand.click()
    page.wait_for_function(f"globalThis.pkgGraph && globalThis.pkgGraph.body.data.nodes.length > {before}",
                           timeout=60_000)
    _settled(page)
    page.wait_for_timeout(3500)
    page.locator("[data-testid='stVerticalBlock'] .st-key-graph_details").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "graph-expanded.png"))


def test_language_switch_keeps_page(page):
    _go(page, "原文")
    page.get_by_text("原文（可引用编号）").wait_for(timeout=30_000)
    page.locator("[data-testid='stSidebar']").get_by_text("English", exact=True).click()
    page.get_by_text("Document (citable ids)").wait_for(timeout=30_000)
    page.locator("[data-testid='stSidebar']").get_by_text("中文", exact=True).click()
    page.get_by_text("原文（可引用编号）").wait_for(timeout=30_000)


def test_ask_on_a_phone(page, server):
    """390×844: the question, the answer and its first evidence fit the width; nothing scrolls sideways."""
    # A context of its own in the module's browser (one Playwright per process: a second would clash).
    context = page.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                               is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        phone = context.new_page()
        phone.goto(server, wait_until="domcontentloaded")
        box = phone.get_by_label("输入问题")
        box.wait_for(timeout=60_000)
        box.fill(QUESTION)
        phone.get_by_role("button", name="提问", exact=True).click()
        answer = phone.locator(".pkg-answer")
        answer.wait_for(timeout=120_000)
        phone.locator(".pkg-ev").first.wait_for(timeout=30_000)
        _settled(phone)
        phone.screenshot(path=str(ARTIFACTS / "ask-phone.png"))
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width} px wide)"
        answer_box = answer.bounding_box()
        assert answer_box and answer_box["x"] >= 0 and answer_box["x"] + answer_box["width"] <= 390
    finally:
        context.close()
