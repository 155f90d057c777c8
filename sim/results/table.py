"""A tidy table: named columns of equal length, one row per observation.

Small on purpose (no pandas dependency): columns are numpy arrays, and a table can be
filtered, read column by column, and written as CSV.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np


class Table:
    """Columns of equal length; `where` filters rows, `col` reads a column."""

    def __init__(self, columns: dict[str, Any]):
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
        names = list(self.columns)
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(names)
            writer.writerows(zip(*(self.columns[n].tolist() for n in names), strict=True))
