"""The report of a run: one self-contained offline HTML file drawn from its Results."""

from sim.report.html import write

__all__ = ["write"]
