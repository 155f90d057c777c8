"""A tidy table: named columns of equal length, one row per observation.

Small on purpose (no pandas dependency): columns are numpy arrays, and a table can be
filtered, read column by column, and written as CSV or Parquet. Analysts' frames are one call
away when their library is installed (`to_pandas`, `to_polars`; optional, never required).

Files a person opens keep the precision that means something (`rounded`): vehicles to a tenth
(the batch model books fractions of a vehicle), hours and days to a hundredth, money to the
yuan, shares to four significant digits; a whole number is written without its ``.0``. This
keeps a run of 100 replications a few megabytes instead of thirty, and tables read from Python
keep full precision.
"""

from __future__ import annotations

import csv
import importlib
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

#: Decimals kept in files per unit; a share keeps significant digits instead (`SHARE_DIGITS`).
DECIMALS = {"vehicles": 1, "hours": 2, "days": 2, "RMB": 0}
SHARE_DIGITS = 4
#: The optional extra that installs each optional library, for the message when it is missing.
EXTRAS = {"openpyxl": "excel", "pyarrow": "parquet", "pandas": "pandas", "polars": "polars"}


class MissingExtra(ImportError):
    """An optional library a feature needs is not installed; the message says how to install it."""


def optional(module: str, what: str) -> Any:
    """Import optional `module` for `what`, or raise `MissingExtra` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        extra = EXTRAS.get(module)
        how = f"pip install 'sim[{extra}]'" if extra else f"pip install {module}"
        raise MissingExtra(f"{what} needs {module}, which is not installed: {how}") from None


def rounded(values: Any, unit: str) -> np.ndarray:
    """`values` at the precision a file keeps for `unit` (`DECIMALS`, or four significant digits of
    a share); other units, infinities and NaN are kept as they are."""
    v = np.asarray(values, dtype=float)
    if unit in DECIMALS:
        return np.round(v, DECIMALS[unit]) + 0.0  # + 0.0: no -0
    if unit == "share":
        with np.errstate(divide="ignore", invalid="ignore"):
            magnitude = np.floor(np.log10(np.abs(v)))
        magnitude = np.where(np.isfinite(magnitude), magnitude, 0.0)  # 0, NaN and inf stay as they are
        scale = 10.0 ** (SHARE_DIGITS - 1 - magnitude)
        return np.where(np.isfinite(v) & (v != 0), np.round(v * scale) / scale, v) + 0.0
    return v


def _compact(column: np.ndarray) -> list:
    """A float column's values as the shortest text they read back as: whole numbers as integers."""
    if column.dtype.kind == "O":
        return [_whole(v) for v in column.tolist()]
    if column.dtype.kind != "f":
        return column.tolist()
    out = column.astype(object)
    whole = np.isfinite(column) & (column == np.round(column)) & (np.abs(column) < 2**53)
    out[whole] = column[whole].astype(np.int64).tolist()
    return out.tolist()


def _whole(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 2**53 else v


#: Rows of a long table written at once by `long_csv` (bounds the memory it holds).
BLOCK_ROWS = 20_000


def long_csv(
    path: str | Path,
    first: int,
    months: Sequence[str],
    items: Mapping[str, Sequence[str]],
    metrics: Iterable[tuple[str, np.ndarray, str]],
) -> None:
    """Write the long table of `metrics` ((name, array (replication, item, month), unit)) as CSV: columns
    replication (numbered from `first`), month, the `items` columns (each naming the items in order),
    metric and value (`rounded` to its unit); rows by metric, replication, item and month. The text
    is `Table.to_csv`'s of that table, written (and rounded) a block of replications at a time."""
    keys = list(zip(*items.values(), strict=True))
    per_replication = len(keys) * len(months)
    block = max(1, BLOCK_ROWS // max(per_replication, 1))
    with open(path, "w", newline="") as f:
        # Each row begins with the line end of the one before it (the values' texts are then
        # shared as they are, with no line end added to each); the file ends with the last one's.
        f.write(_csv_line(["replication", "month", *items, "metric", "value"])[:-2])
        for metric, values, unit in metrics:
            # ",month,item columns,metric," of each (item, month) in row order, quoted as csv quotes them
            middle = np.array(
                [_csv_line(["", month, *key, metric, ""])[:-2] for key in keys for month in months], dtype=object
            )
            for start in range(0, values.shape[0], block):
                chunk = values[start : start + block]
                rows = np.empty((chunk.shape[0], per_replication, 3), dtype=object)
                numbers = [f"\r\n{first + r}" for r in range(start, start + len(chunk))]
                rows[:, :, 0] = np.array(numbers, object)[:, None]
                rows[:, :, 1] = middle
                rows[:, :, 2] = _texts(rounded(chunk, unit)).reshape(rows.shape[:2])
                f.write("".join(rows.ravel().tolist()))
        f.write("\r\n")


def _texts(values: np.ndarray) -> np.ndarray:
    """Each float of `values` as `Table.to_csv` writes it: made once per distinct value."""
    distinct, index = np.unique(values, return_inverse=True)
    text = np.array(list(map(str, _compact(distinct))), dtype=object)
    return text[index.ravel()]


def _csv_line(fields: list[Any]) -> str:
    """One row as `csv.writer` writes it (its quoting and its \\r\\n line end)."""
    out = io.StringIO()
    csv.writer(out).writerow(fields)
    return out.getvalue()


class Table:
    """Columns of equal length; `where` filters rows, `col` reads a column."""

    def __init__(self, columns: Mapping[str, Any]):
        self.columns = {name: np.asarray(values) for name, values in columns.items()}
        lengths = {len(v) for v in self.columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns differ in length: {lengths}")

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def __repr__(self) -> str:
        return f"Table({len(self)} rows: {', '.join(self.columns)})"

    def col(self, name: str) -> np.ndarray:
        return self.columns[name]

    def where(self, **equal: Any) -> Table:
        """Rows whose columns equal the given values."""
        keep = np.ones(len(self), dtype=bool)
        for name, value in equal.items():
            keep &= self.columns[name] == value
        return Table({n: v[keep] for n, v in self.columns.items()})

    def rows(self) -> Iterator[dict[str, Any]]:
        names = list(self.columns)
        for values in zip(*(self.columns[n].tolist() for n in names), strict=True):
            yield dict(zip(names, values, strict=True))

    def to_csv(self, path: str | Path) -> None:
        """Write the table as CSV; floats as their shortest text, whole ones without ``.0``."""
        names = list(self.columns)
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(names)
            writer.writerows(zip(*(_compact(self.columns[n]) for n in names), strict=True))

    def to_parquet(self, path: str | Path) -> None:
        """Write the table as Parquet (needs pyarrow: ``pip install 'sim[parquet]'``)."""
        pa = optional("pyarrow", "writing Parquet")
        pq = optional("pyarrow.parquet", "writing Parquet")
        pq.write_table(pa.table({n: self._plain(n) for n in self.columns}), str(path))

    def to_pandas(self) -> Any:
        """The table as a pandas DataFrame (needs pandas, which sim does not require)."""
        pd = optional("pandas", "Table.to_pandas()")
        return pd.DataFrame({n: self._plain(n) for n in self.columns})

    def to_polars(self) -> Any:
        """The table as a polars DataFrame (needs polars, which sim does not require)."""
        pl = optional("polars", "Table.to_polars()")
        return pl.DataFrame({n: self._plain(n) for n in self.columns})

    def _plain(self, name: str) -> Any:
        """Column `name` as a frame library takes it: text of a mixed (object) column as str."""
        column = self.columns[name]
        if column.dtype.kind != "O":
            return column
        values = column.tolist()
        if all(v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in values):
            return [None if v is None else float(v) for v in values]
        return [None if v is None else str(v) for v in values]  # text, or numbers mixed with text
