"""Tables as files and frames: the precision a file keeps, and the optional frame libraries."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from sim.results import table as table_module
from sim.results.table import MissingExtra, Table, long_csv, rounded


def test_each_unit_keeps_the_precision_that_means_something():
    assert rounded([7807.697191843585, -0.04], "vehicles").tolist() == [7807.7, 0.0]
    assert rounded([352.004999, 1.23456], "hours").tolist() == [352.0, 1.23]
    assert rounded([194582097.6], "RMB").tolist() == [194582098.0]
    shares = rounded([0.8757105765917494, 0.012345678, 1.0, 0.0, np.nan, np.inf], "share")
    assert shares[:4].tolist() == [0.8757, 0.01235, 1.0, 0.0]
    assert np.isnan(shares[4]) and shares[5] == np.inf
    assert np.signbit(rounded([-1e-9], "vehicles")).tolist() == [False]  # no -0 in a file


def test_csv_writes_whole_numbers_without_a_decimal_point(tmp_path):
    Table({"a": [1.0, 2.5, np.inf], "b": np.array(["x", 3.0, 0.25], dtype=object)}).to_csv(tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text().splitlines() == ["a,b", "1,x", "2.5,3", "inf,0.25"]


def test_a_long_table_is_written_a_block_of_replications_at_a_time(monkeypatch, tmp_path):
    monkeypatch.setattr(table_module, "BLOCK_ROWS", 4)  # two replications of 2 items x 1 month a block
    built = np.array([[[1.0], [2.5]], [[np.nan], [0.1 + 0.2]], [[1e20], [-3.0]]])
    items = {"product": ["a", "b,c"], "brand": ["X", 'Y "2"']}
    metrics = [("built", built, "as is"), ("lost", built[:, ::-1] * 2 - 0.04, "vehicles")]  # lost to a tenth
    long_csv(tmp_path / "t.csv", 7, ["2021-04"], items, metrics)
    assert (tmp_path / "t.csv").read_bytes().decode() == (
        "replication,month,product,brand,metric,value\r\n"
        "7,2021-04,a,X,built,1\r\n"
        '7,2021-04,"b,c","Y ""2""",built,2.5\r\n'
        "8,2021-04,a,X,built,nan\r\n"
        '8,2021-04,"b,c","Y ""2""",built,0.30000000000000004\r\n'
        "9,2021-04,a,X,built,1e+20\r\n"
        '9,2021-04,"b,c","Y ""2""",built,-3\r\n'
        "7,2021-04,a,X,lost,5\r\n"
        '7,2021-04,"b,c","Y ""2""",lost,2\r\n'
        "8,2021-04,a,X,lost,0.6\r\n"
        '8,2021-04,"b,c","Y ""2""",lost,nan\r\n'
        "9,2021-04,a,X,lost,-6\r\n"
        '9,2021-04,"b,c","Y ""2""",lost,2e+20\r\n'
    )


def test_a_long_table_as_csv_is_the_text_of_the_whole_table(small, tmp_path, monkeypatch):
    import sim

    monkeypatch.setattr(table_module, "BLOCK_ROWS", 500)  # several blocks
    results = sim.run(small, replications=3)
    results.to_csv(tmp_path / "run")
    for name in ("products", "lines"):
        results.file_table(name).to_csv(tmp_path / f"{name}.csv")
        assert (tmp_path / "run" / f"{name}.csv").read_bytes() == (tmp_path / f"{name}.csv").read_bytes(), name


def test_tables_convert_to_pandas_and_polars_when_installed():
    table = Table(
        {"month": ["2021-04", "2021-05"], "value": [1.5, 2.0], "mixed": np.array(["2021-04-01", 3.0], object)}
    )
    for library in ("pandas", "polars"):
        pytest.importorskip(library, reason=f"{library} is optional and not installed")
        frame = getattr(table, f"to_{library}")()
        assert list(frame.columns) == ["month", "value", "mixed"] and frame.shape == (2, 3)
        assert list(frame["value"]) == [1.5, 2.0] and list(frame["mixed"]) == ["2021-04-01", "3.0"]


@pytest.mark.parametrize("library", ["pandas", "polars", "pyarrow"])
def test_a_missing_optional_library_says_how_to_install_it(monkeypatch, tmp_path, library):
    monkeypatch.setitem(sys.modules, library, None)  # import fails as if not installed
    table = Table({"a": [1.0]})
    call = {"pandas": table.to_pandas, "polars": table.to_polars}.get(library) or (
        lambda: table.to_parquet(tmp_path / "t.parquet")
    )
    extra = {"pyarrow": "parquet"}.get(library, library)
    with pytest.raises(MissingExtra, match=rf"needs {library}, which is not installed: pip install 'sim\[{extra}\]'"):
        call()
