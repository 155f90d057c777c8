"""--plotly inline|directory through the real command line: one shared, offline plotly.js."""

from __future__ import annotations

import re

from sim.report.style import plotly_name
from tests.test_cli import SMALL, invoke


def _script(page: str) -> str:
    return re.search(r"<script type=\"text/javascript\"( src=\"[^\"]*\")?>", page).group(0)


def test_directory_mode_shares_one_plotly_js_beside_the_outputs(tmp_path):
    runs = tmp_path / "runs"
    result = invoke("run", SMALL, "-n", "1", "--out", str(runs / "a"), "--plotly", "directory", "-q")
    assert result.exit_code == 0, result.output
    js = runs / plotly_name()
    assert js.stat().st_size > 1_000_000
    page = (runs / "a" / "report.html").read_text()
    assert _script(page) == f'<script type="text/javascript" src="../{plotly_name()}">'
    assert len(page) < 1_000_000 and "http" not in _script(page)
    swept = invoke(
        "sweep", SMALL, "--set", "contract.reserved_share=0.2,0.4", "-n", "1", "--out", str(runs / "sw"),
        "--plotly", "directory", "-q",
    )  # fmt: skip
    assert swept.exit_code == 0, swept.output
    assert f'src="../{plotly_name()}"' in (runs / "sw" / "sweep.html").read_text()
    assert [p.name for p in runs.glob("*.js")] == [plotly_name()]  # one copy for both
    again = invoke("report", str(runs / "a"), "--plotly", "directory")
    assert again.exit_code == 0 and f'src="../{plotly_name()}"' in (runs / "a" / "report.html").read_text()


def test_inline_stays_the_default(tmp_path):
    result = invoke("run", SMALL, "-n", "1", "--out", str(tmp_path / "run"), "-q")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "run" / "report.html").read_text()
    assert _script(page) == '<script type="text/javascript">' and len(page) > 3_000_000
    assert not list(tmp_path.glob("*.js"))
