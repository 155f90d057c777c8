"""Results: tidy tables and KPIs."""
