"""Results: per-replication arrays, tidy tables derived from them, and KPIs with confidence intervals."""

from sim.results.indicators import INDICATORS, Indicator, Measure, measures
from sim.results.kpis import Kpi
from sim.results.results import Results
from sim.results.table import Table

__all__ = ["INDICATORS", "Indicator", "Kpi", "Measure", "Results", "Table", "measures"]
