"""Every report type opened in a real, headless Chromium, offline.

Each chart must draw its SVG, the page must log no console error and request nothing but its
own file (no http or https), and a full-page screenshot of each report is kept as a test
artifact in ``$SIM_TEST_ARTIFACTS`` (default ``test-artifacts/`` at the repository's top).

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them when missing);
where they are missing the tests skip and say so.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

import sim
import sim.report
from tests.conftest import DATA, ROOT

SMALL = DATA / "small.yaml"
#: Headless, for a closed network (no background traffic) and root (no sandbox), with a fresh profile added.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1300,2000",
)
RENDER_TIMEOUT = 20  # seconds for every chart of a page to draw
#: Per chart division: its number of svg.main-svg and of drawn trace elements (paths with a
#: shape, rects, text, heatmap images) in the plot area of its axes (g.overplot in plotly.js 3,
#: g.plot before).
CHART_STATE = """
const AREA = ['svg.main-svg g.cartesianlayer g.overplot', 'svg.main-svg g.cartesianlayer g.plot'];
const SELECTOR = AREA.flatMap(a => ['path', 'rect', 'text', 'image'].map(t => a + ' ' + t)).join(', ');
return Array.from(document.querySelectorAll('div.plotly-graph-div')).map(div => {
  const drawn = Array.from(div.querySelectorAll(SELECTOR))
    .filter(el => el.tagName !== 'path' || /[LHVCQAS]/i.test(el.getAttribute('d') || ''));
  return {id: div.id, svgs: div.querySelectorAll('svg.main-svg').length, drawn: drawn.length};
});
"""


def _find(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").is_file() else None)
        if found:
            return found
    return None


def _chromium() -> tuple[str, str]:
    """Paths of the Chromium browser and its driver, or skip saying what is missing."""
    browser, driver = _find("chromium", "chromium-browser"), _find("chromedriver")
    missing = [name for name, path in (("chromium", browser), ("chromedriver", driver)) if path is None]
    if missing or browser is None or driver is None:
        pytest.skip(
            f"no Chromium: {' and '.join(missing)} not found on PATH or in /usr/bin; install Debian's chromium "
            "and chromium-driver (as root: apt-get install chromium chromium-driver; .ci/run does this)"
        )
    return browser, driver


@pytest.fixture(scope="module")
def driver(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    browser, chromedriver = _chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    chrome = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    chrome.set_page_load_timeout(60)
    try:
        yield chrome
    finally:
        chrome.quit()


@pytest.fixture(scope="module")
def artifacts() -> Path:
    folder = Path(os.environ.get("SIM_TEST_ARTIFACTS", "test-artifacts"))
    folder = folder if folder.is_absolute() else ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_report(name: str) -> Callable[[Path], Path]:
    def build(out: Path) -> Path:
        return sim.report.write(sim.run(sim.load(DATA / f"{name}.yaml"), replications=5), out / "report.html")

    return build


def compare_report(out: Path) -> Path:
    from sim.experiment.compare import compare
    from sim.report.compare import write

    busy = ["products.0.demand.units_per_month=20000"]  # so that the policies differ
    scenarios = [sim.load(SMALL, [*busy, f"contract.policy={p}"]) for p in ("reserved_share", "owner_first")]
    return write(compare(scenarios, replications=3, names=["reserved", "owner_first"]), out / "compare.html")


def sweep_report(design: str) -> Callable[[Path], Path]:
    def build(out: Path) -> Path:
        from sim.experiment.sweep import grid, sensitivity, sweep
        from sim.report.sweep import write

        designs = {  # design and the KPI of its chart
            "one": (grid({"contract.reserved_share": ["0.1", "0.3", "0.5"]}), None),
            "two": (
                grid({"program.engineering_assist": ["0.8", "1.0"], "contract.reserved_share": ["0.1", "0.3"]}),
                "sop_day",
            ),
            "sensitivity": (
                sensitivity({"contract.reserved_share": ("0.1", "0.5"), "program.engineering_assist": ("0.8", "1.0")}),
                "contract_units_2022",
            ),
        }
        points, kpi = designs[design]
        return write(sweep(SMALL, points, replications=2, kpi=kpi), out / "sweep.html")

    return build


REPORTS: dict[str, Callable[[Path], Path]] = {
    "run-dynamics": run_report("dynamics"),
    "run-shops": run_report("shops"),
    "compare": compare_report,
    "sweep-one": sweep_report("one"),
    "sweep-two": sweep_report("two"),
    "sweep-sensitivity": sweep_report("sensitivity"),
}


def requested_urls(entries: list[dict]) -> list[str]:
    """The URLs of every request in a Chrome performance log (its Network.requestWillBeSent events)."""
    urls = []
    for entry in entries:
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def full_page_screenshot(chrome: webdriver.Chrome, path: Path) -> None:
    """A PNG of the whole page, beyond the window (Chrome DevTools); the window alone if that fails."""
    try:
        size = chrome.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = chrome.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
        )
        path.write_bytes(base64.b64decode(shot["data"]))
    except Exception:
        assert chrome.save_screenshot(str(path)), f"could not save a screenshot to {path}"


def all_drawn(chrome: webdriver.Chrome) -> bool:
    charts = chrome.execute_script(CHART_STATE)
    return bool(charts) and all(c["svgs"] and c["drawn"] for c in charts)


def open_page(
    chrome: webdriver.Chrome, path: Path, timeout: float = RENDER_TIMEOUT
) -> tuple[list[dict], list[dict], list[str]]:
    """Open `path` and wait (at most `timeout` seconds) for every chart to draw; return the state of
    each chart, the console's SEVERE entries and every URL the page requested."""
    chrome.get("about:blank")
    chrome.get_log("browser"), chrome.get_log("performance")  # start from empty logs
    chrome.get(path.as_uri())
    with contextlib.suppress(TimeoutException):  # the caller's assertions say which chart did not draw
        WebDriverWait(chrome, timeout, poll_frequency=0.1).until(all_drawn)
    charts = chrome.execute_script(CHART_STATE)
    errors = [e for e in chrome.get_log("browser") if e["level"] == "SEVERE"]
    return charts, errors, requested_urls(chrome.get_log("performance"))


def offline(url: str) -> bool:
    return url.startswith(("file://", "data:", "about:"))


@pytest.mark.parametrize("kind", list(REPORTS))
def test_report_renders_offline_in_chromium(
    kind: str, driver: webdriver.Chrome, artifacts: Path, tmp_path: Path
) -> None:
    path = REPORTS[kind](tmp_path)
    charts, errors, urls = open_page(driver, path)
    shot = artifacts / f"browser-{kind}.png"
    full_page_screenshot(driver, shot)

    assert charts, f"{kind}: no plotly chart in {path.name}"
    assert [c["id"] for c in charts if not c["svgs"]] == [], f"{kind}: charts without svg.main-svg"
    assert [c["id"] for c in charts if not c["drawn"]] == [], f"{kind}: charts with nothing drawn"
    assert errors == [], f"{kind}: console errors"
    assert path.as_uri() in urls, f"{kind}: the page's own request is not in the performance log"
    assert [u for u in urls if not offline(u)] == [], f"{kind}: network requests"
    assert shot.stat().st_size > 10_000, f"{kind}: {shot} looks blank"


def test_catches_network_requests_console_errors_and_undrawn_charts(driver: webdriver.Chrome, tmp_path: Path) -> None:
    """The checks above can fail: a page that fetches from the network, logs an error and has an
    empty chart division is caught on all three counts."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><body><div class="plotly-graph-div" id="empty"></div>'
        '<img src="http://127.0.0.1:9/logo.png"><script>console.error("boom")</script></body></html>',
        encoding="utf-8",
    )
    charts, errors, urls = open_page(driver, page, timeout=1)
    assert [c["id"] for c in charts if not (c["svgs"] and c["drawn"])] == ["empty"]
    assert any("boom" in e["message"] for e in errors)
    assert "http://127.0.0.1:9/logo.png" in [u for u in urls if not offline(u)]


#: The drawn boxes of a chart's window labels (annotations ending "of kits"), in the chip chart.
WINDOW_LABELS = """
const div = Array.from(document.querySelectorAll('div.plotly-graph-div'))
  .find(d => (d.querySelector('.gtitle') || {}).textContent?.includes('chip shortage'));
if (!div) return null;
return Array.from(div.querySelectorAll('g.annotation'))
  .filter(a => a.textContent.endsWith('of kits'))
  .map(a => { const r = a.querySelector('text').getBoundingClientRect();
              return {text: a.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; });
"""


def test_shared_plotly_report_draws_offline_and_its_window_labels_do_not_overlap(
    driver: webdriver.Chrome, tmp_path: Path
) -> None:
    """A page loading one shared plotly.js from the folder above (--plotly directory) draws offline;
    the chip chart's back-to-back windows (six months, one each) have labels that never overlap as
    drawn. (One page for both checks: each page load costs seconds.)"""
    from sim.report.style import plotly_src, shared_plotly

    data = yaml.safe_load(SMALL.read_text())
    months = [(f"2022-{m:02d}-{3 if m == 1 else 1:02d}", f"2022-{m:02d}-28") for m in range(1, 7)]
    windows = [
        {"name": f"2022 chip shortage, month {i + 1}", "first_day": a, "last_day": b, "share_lost": 0.3}
        for i, (a, b) in enumerate(months)
    ]
    data["supply"] = {"chips": {"kits_per_week": 3000, "disruptions": windows}}
    from sim.report.html import chip_shortage
    from sim.report.style import document, figures, save

    page = tmp_path / "run" / "report.html"
    js = plotly_src(page, shared_plotly(tmp_path))
    results = sim.run(sim.Scenario.model_validate(data), replications=2)
    # The chart alone in a page as reports write it: a whole report would only take longer to draw.
    path = save(document("chips", figures([("Chip shortage", chip_shortage(results))]), plotly_js=js), page)
    charts, errors, urls = open_page(driver, path)
    assert charts and all(c["svgs"] and c["drawn"] for c in charts), charts
    assert errors == [] and [u for u in urls if not offline(u)] == []
    assert (tmp_path / Path(js).name).as_uri() in urls  # the shared file, by its relative path
    boxes = driver.execute_script(WINDOW_LABELS)
    assert boxes is not None and len(boxes) == 6, boxes
    for a, b in itertools.combinations(boxes, 2):
        apart = a["right"] <= b["left"] or b["right"] <= a["left"] or a["bottom"] <= b["top"] or b["bottom"] <= a["top"]
        assert apart, (a, b)
