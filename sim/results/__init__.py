"""Results: per-replication arrays, tidy tables derived from them, and KPIs with confidence intervals."""

from sim.results.kpis import Kpi, Measure, measures
from sim.results.results import Results
from sim.results.table import Table

__all__ = ["Kpi", "Measure", "Results", "Table", "measures"]
