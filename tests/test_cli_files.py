"""The files a planner reads, through the real command line: the workbook, Parquet, their extras."""

from __future__ import annotations

import sys

import pytest

from tests.test_cli import SMALL, invoke


def test_run_xlsx_writes_one_workbook(tmp_path):
    openpyxl = pytest.importorskip("openpyxl", reason="openpyxl is optional (pip install 'sim[excel]')")
    out = tmp_path / "run"
    result = invoke("run", SMALL, "-n", "2", "--out", str(out), "--xlsx")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out / "small.xlsx")
    assert book.sheetnames == ["KPIs", "By brand", "Products by month", "Lines by month"]


@pytest.mark.parametrize(
    ("flag", "module", "extra"), [("--xlsx", "openpyxl", "excel"), ("--parquet", "pyarrow", "parquet")]
)
def test_a_missing_extra_is_named_before_any_work(monkeypatch, tmp_path, flag, module, extra):
    monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    out = tmp_path / "run"
    result = invoke("run", SMALL, "-n", "2", "--out", str(out), flag)
    assert result.exit_code == 2, result.output
    assert f"pip install 'sim[{extra}]'" in result.output and "Traceback" not in result.output
    assert not out.exists()
