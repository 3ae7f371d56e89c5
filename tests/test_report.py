"""report.html: self-contained, every link lands on evidence, and it renders in a real headless Chromium."""
from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline import compare as cmp
from pipeline.read_tables import load_tables
from pipeline.report import anchor, render_report, write_report
from tests.test_compare import TODAY, sample_extractions, write_contract_tables

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "outputs" / "report_screenshot.png"


class _Links(HTMLParser):
    """ids, internal hrefs (HTML and SVG xlink), and anything that would be fetched."""

    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.fetches, self.scripts = set(), [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("href", "xlink:href"):
            value = attrs.get(key)
            if value and value.startswith("#"):
                self.hrefs.append(value[1:])
            elif value and tag in {"link", "use", "image"}:
                self.fetches.append(value)
        if attrs.get("src"):
            self.fetches.append(attrs["src"])
        if tag == "script":
            self.scripts += 1


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    write_contract_tables(out, sample_extractions())
    return cmp.compare(load_tables(out), by="region", today=TODAY), out


def test_report_is_self_contained_and_every_link_has_a_target(comparison):
    c, _ = comparison
    page = render_report(c)
    parser = _Links()
    parser.feed(page)
    assert parser.fetches == [] and parser.scripts == 0
    assert not re.search(r"""(src|href)\s*=\s*["']https?://""", page)
    assert "_blank" not in page  # evidence is on this page: no new windows
    missing = sorted(set(parser.hrefs) - parser.ids)
    assert missing == []
    # figures are inline SVG: the heatmaps and the timeline
    assert page.count('<svg class="figure"') == 3


def test_every_non_absent_cell_links_to_its_quotes(comparison):
    c, _ = comparison
    page = render_report(c)
    n_cells = int((c.group_theme["status"] != "absent").sum())
    cell_links = re.findall(r'<a xlink:href="#(cell-[^"]+)"', page)
    # each cell links twice (the square and its number)
    assert len(cell_links) == 2 * n_cells
    # the Oost-Nederland ondermijning cell shows the fuzzy sentence with the misspelling highlighted
    key = anchor("cell", "ondermijning", "oost", "")
    block = page[page.index(f'id="{key}"'):]
    block = block[: block.index("</div>")]
    assert "<mark>ondernijning</mark>" in block and "p.&nbsp;1" in block and "Veiligheidsstrategie" in block
    assert "why prioritized:" in block
    # the timeline points link to the deadline rows
    assert len(re.findall(r'<a xlink:href="#dl-\d+"', page)) == len(c.deadlines)
    for i in c.deadlines.index:
        assert f'<tr id="dl-{i}"' in page
        assert page.count(f'<a href="#dl-{i}"') == 1  # from its document's section


def test_report_groups_cells_with_the_same_evidence(tmp_path):
    # a regional plan covers many municipalities: their cells share one evidence block
    write_contract_tables(tmp_path, sample_extractions())
    c = cmp.compare(load_tables(tmp_path), by="municipality", today=TODAY)
    page = render_report(c)
    n_groups = c.group_theme["group"].nunique()
    assert n_groups > 60
    # one block per (document, theme) (3 + 4 + 3 + 2) plus Assen's table cell, not one per municipality
    assert page.count('class="evidence" id="cell-') == 13
    assert len(page) < 3_000_000


def test_empty_comparison_renders(tmp_path):
    ex = sample_extractions()[3]
    ex.themes, ex.theme_mentions, ex.deadlines = [], [], []
    write_contract_tables(tmp_path, [ex])
    c = cmp.compare(load_tables(tmp_path), today=TODAY)
    page = render_report(c)
    assert "No deadlines" in page


# ---------------------------------------------------------------- headless Chromium

def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """A headless Chromium and a minimal DevTools-protocol client for one page."""

    def __init__(self, binary: str):
        from websockets.sync.client import connect

        self.profile = tempfile.mkdtemp(prefix="ivp-chromium-")
        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
             "--window-size=1280,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.time() + 30
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            if time.time() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = int(port_file.read_text().splitlines()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
            targets = json.load(resp)
        page = next(t for t in targets if t.get("type") == "page")
        self.ws = connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=10)
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, timeout: float = 30) -> dict:
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params or {}}))
        end = time.time() + timeout
        while True:
            msg = json.loads(self.ws.recv(timeout=max(end - time.time(), 0.1)))
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        for event in self.events:
            if event.get("method") == method:
                return event
        end = time.time() + timeout
        while time.time() < end:
            msg = json.loads(self.ws.recv(timeout=max(end - time.time(), 0.1)))
            self.events.append(msg)
            if msg.get("method") == method:
                return msg
        raise TimeoutError(method)

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads seen so far."""
        out = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                out.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in {"error", "assert"}:
                out.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                out.append(f"log: {params['entry'].get('text')}")
            elif method == "Network.loadingFailed":
                out.append(f"load failed: {params.get('errorText')}")
        return out

    def close(self):
        try:
            if getattr(self, "ws", None):
                self.ws.close()
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)  # our own process group only
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
            shutil.rmtree(self.profile, ignore_errors=True)


@pytest.mark.skipif(_chromium() is None,
                    reason="headless Chromium is not installed (Debian: apt-get install chromium; .ci/run does it)")
def test_report_renders_in_headless_chromium(comparison):
    c, out = comparison
    report = write_report(c, out / "report.html")
    browser = Chromium(_chromium())
    try:
        for domain in ("Runtime", "Log", "Page", "Network"):
            browser.send(f"{domain}.enable")
        browser.send("Page.navigate", {"url": report.resolve().as_uri()})
        browser.wait_for("Page.loadEventFired")
        checks = browser.evaluate("""(() => {
            const links = [...document.querySelectorAll('a')].map(a => a.getAttribute('href') || a.getAttribute('xlink:href'));
            const internal = links.filter(h => h && h.startsWith('#'));
            const broken = internal.filter(h => !document.getElementById(h.slice(1)));
            const figs = [...document.querySelectorAll('svg.figure')];
            const cells = document.querySelectorAll('svg.figure a[*|href^="#cell-"]');
            const first = figs.length ? figs[0].getBoundingClientRect() : null;
            return {figures: figs.length, cells: cells.length, internal: internal.length, broken: broken,
                    heatmapWidth: first ? first.width : 0, heatmapHeight: first ? first.height : 0,
                    title: document.title};
        })()""")
        assert checks["figures"] == 3
        assert checks["cells"] == 2 * int((c.group_theme["status"] != "absent").sum())
        assert checks["broken"] == []
        assert checks["heatmapWidth"] > 200 and checks["heatmapHeight"] > 100
        # a heatmap cell is a live link: a real mouse click on it lands on its evidence
        box = browser.evaluate("""(() => {
            const a = document.querySelector('svg.figure a[*|href^="#cell-"]');
            a.scrollIntoView({block: 'center'});
            const r = a.getBoundingClientRect();
            return {x: r.x + r.width / 2, y: r.y + r.height / 2, href: a.getAttribute('xlink:href')};
        })()""")
        for kind in ("mousePressed", "mouseReleased"):
            browser.send("Input.dispatchMouseEvent", {"type": kind, "x": box["x"], "y": box["y"],
                                                      "button": "left", "clickCount": 1})
        for _ in range(50):
            target = browser.evaluate("""(() => {
                const el = document.querySelector(':target');
                return {hash: location.hash, target: el ? el.id : null, text: el ? el.innerText : ''};
            })()""")
            if target["hash"]:
                break
            time.sleep(0.1)
        assert target["hash"] == box["href"]
        assert target["hash"].startswith("#cell-") and target["target"] == target["hash"][1:]
        assert "p." in target["text"]
        browser.evaluate("location.hash = ''; window.scrollTo(0, 0); true")
        metrics = browser.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        shot = browser.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": min(size["width"], 1280), "height": min(size["height"], 6000),
                     "scale": 1}})
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(base64.b64decode(shot["data"]))
        assert SCREENSHOT.stat().st_size > 20_000
        assert browser.problems() == []
    finally:
        browser.close()


def test_awkward_labels_are_escaped(tmp_path):
    exs = sample_extractions()
    for t in exs[1].themes:
        if t.theme_id == "jeugd":
            t.theme_label = "Jeugd & <drugs> voor $5"
    write_contract_tables(tmp_path, exs)
    page = render_report(cmp.compare(load_tables(tmp_path), today=TODAY))
    assert "Jeugd &amp; &lt;drugs&gt; voor $5" in page
    assert "<drugs>" not in page
