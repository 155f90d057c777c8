"""Benchmark: how the cost of a replication grows with a plant network's size and horizon.

Run: python benchmarks/bench_network.py [--plants 1 5 10 20] [--years 5 10 20]
         [--replications 3] [--repeats 3] [--target] [--chart docs/network-scaling.svg]

Writes network scenarios: N copies of the baseline's plant, each with its own copies of the
owner's products (ids suffixed by the plant's number), the contract's EV on the first plant
only, one chip pool of N times the baseline's kits, and an H-year horizon from the baseline's
start with the holidays continued (National Day every year, the Spring Festival week on its
real dates to 2041). For each (N, H) it times `sim.run` on one core (each replication with its
counterfactuals, set-up included), median of the repeats, and prints the time per replication
and per line-year, whose flatness is the issue's "no faster than linearly in lines x years".
`--target` also times 100 replications of 10 plants x 10 years on 2 local workers; `--chart`
draws the time per replication against lines x years as an SVG (one series per network size,
and the straight line through the origin that fits them best: linear growth lies on it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import sim
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]

#: The Spring Festival's first day (the lunar new year's eve) after the baseline's last, to 2041.
SPRING_FESTIVAL = {
    2026: "2026-02-16", 2027: "2027-02-05", 2028: "2028-01-25", 2029: "2029-02-12", 2030: "2030-02-02",
    2031: "2031-01-22", 2032: "2032-02-10", 2033: "2033-01-30", 2034: "2034-02-18", 2035: "2035-02-07",
    2036: "2036-01-27", 2037: "2037-02-14", 2038: "2038-02-03", 2039: "2039-01-23", 2040: "2040-02-11",
    2041: "2041-01-31",
}  # fmt: skip


def network(base: Scenario, plants: int, years: int) -> Scenario:
    """`plants` copies of `base`'s plant over `years` years from its start."""
    data = base.model_dump(mode="json")
    start = base.meta.start_date
    end = dt.date(start.year + years, start.month, start.day) - dt.timedelta(days=1)
    data["meta"] |= {"name": f"network_{plants}x{years}", "end_date": end.isoformat()}
    customer = {p.id for p in base.customer_products}
    template = data["plants"][0]
    calendar = template["calendar"]
    last = max(dt.date.fromisoformat(s["last_day"]).year for s in calendar["shutdowns"])
    for year in range(last + 1, end.year + 1):
        eve = dt.date.fromisoformat(SPRING_FESTIVAL[year])
        calendar["shutdowns"] += [
            {"name": f"Spring Festival {year}", "first_day": str(eve), "last_day": str(eve + dt.timedelta(days=6))},
            {"name": f"National Day {year}", "first_day": f"{year}-10-01", "last_day": f"{year}-10-07"},
        ]
    own = [p for p in data["products"] if p["id"] not in customer]
    products, plant_list = [p for p in data["products"] if p["id"] in customer], []
    for k in range(plants):
        rename = {p["id"]: f"{p['id']}_{k}" for p in own}
        products += [p | {"id": rename[p["id"]]} for p in own]
        lines = []
        for line in template["lines"]:
            ids = [rename.get(i, i) for i in line["products"] if k == 0 or i not in customer]
            lines.append(line | {"products": ids})
        plant_list.append(template | {"name": f"{template['name']}_{k}", "lines": lines})
    data["plants"], data["products"] = plant_list, products
    if data.get("supply"):
        data["supply"]["chips"]["kits_per_week"] *= plants
    return Scenario.model_validate(data)


def per_replication(scenario: Scenario, replications: int, repeats: int, workers: int = 1) -> float:
    """Median seconds per replication of `sim.run` (set-up included) over the repeats."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        sim.run(scenario, replications=replications, workers=workers, cache=False)
        times.append((time.perf_counter() - began) / replications)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plants", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--years", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--target", action="store_true", help="also 100 replications of 10 x 10 on 2 workers")
    parser.add_argument("--chart", type=Path, help="write the scaling chart (SVG) here")
    args = parser.parse_args()
    measured: list[tuple[int, int, float]] = []  # (plants, line-years, ms per replication)
    base = sim.load(ROOT / "scenarios" / "baseline.yaml")
    lines_per_plant = len(base.all_lines())
    sim.run(base, replications=1)  # warm up: imports and caches out of the first measurement
    print(f"one core, {args.replications} replications, median of {args.repeats} repeats, set-up included")
    print(f"{'plants':>6} {'years':>5} {'lines':>5} {'ms/replication':>15} {'ms/line-year':>13}")
    for plants in args.plants:
        for years in args.years:
            seconds = per_replication(network(base, plants, years), args.replications, args.repeats)
            line_years = plants * lines_per_plant * years
            measured.append((plants, line_years, seconds * 1e3))
            print(
                f"{plants:>6} {years:>5} {plants * lines_per_plant:>5} {seconds * 1e3:>15.1f} {seconds * 1e3 / line_years:>13.2f}"
            )
    if args.target:
        began = time.perf_counter()
        sim.run(network(base, 10, 10), replications=100, workers=2, cache=False)
        print(f"10 plants x 10 years, 100 replications on 2 workers: {time.perf_counter() - began:.1f} s")
    if args.chart:
        args.chart.write_text(chart(measured))
        print(f"chart: {args.chart}")
    return 0


def chart(measured: list[tuple[int, int, float]], width: int = 640, height: int = 400) -> str:
    """An SVG of ms per replication against line-years: a series per network size, and the
    least-squares line through the origin."""
    left, bottom, top, right = 70, 50, 30, 150
    x_max = max(x for _, x, _ in measured) * 1.05
    y_max = max(y for _, _, y in measured) * 1.1
    slope = sum(x * y for _, x, y in measured) / sum(x * x for _, x, _ in measured)

    def px(x: float) -> float:
        return left + x / x_max * (width - left - right)

    def py(y: float) -> float:
        return height - bottom - y / y_max * (height - bottom - top)

    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<line x1="{left}" y1="{py(0)}" x2="{px(x_max)}" y2="{py(0)}" stroke="black"/>',
        f'<line x1="{left}" y1="{py(0)}" x2="{left}" y2="{py(y_max)}" stroke="black"/>',
        f'<text x="{(left + width - right) / 2}" y="{height - 12}" text-anchor="middle">lines x years</text>',
        f'<text x="16" y="{(top + height - bottom) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 16 {(top + height - bottom) / 2})">ms per replication (one core)</text>',
        f'<line x1="{px(0)}" y1="{py(0)}" x2="{px(x_max)}" y2="{py(slope * x_max)}" stroke="#999" stroke-dasharray="4 3"/>',
        f'<text x="{px(x_max) + 6}" y="{py(slope * x_max)}">{slope:.1f} ms per line-year</text>',
    ]
    for k in range(5):  # axis ticks
        x, y = x_max * k / 4, y_max * k / 4
        out.append(f'<text x="{px(x)}" y="{py(0) + 16}" text-anchor="middle">{x:,.0f}</text>')
        out.append(f'<text x="{left - 6}" y="{py(y) + 4}" text-anchor="end">{y:,.0f}</text>')
    for n, plants in enumerate(sorted({p for p, _, _ in measured})):
        colour = colours[n % len(colours)]
        points = sorted((x, y) for p, x, y in measured if p == plants)
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}"/>')
        out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="4" fill="{colour}"/>' for x, y in points]
        legend_y = top + 18 * n
        out.append(f'<circle cx="{width - right + 20}" cy="{legend_y}" r="4" fill="{colour}"/>')
        out.append(
            f'<text x="{width - right + 30}" y="{legend_y + 4}">{plants} plant{"s" if plants > 1 else ""}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
