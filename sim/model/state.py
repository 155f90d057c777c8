"""What a plant is, as the model sees it: lines, the shops they stand in, and each product's route.

A plant is a series of shops (a plant declared with `lines` is one shop). Every product a
plant builds follows one route through it, one line per shop, and leaves the last shop
built (or scrapped). Products on the same route flow together as one mix; a buffer between
two shops holds at most its size, shared by the routes crossing it. Both fidelities build
this same state from the scenario; what happens on it (the rules) is theirs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sim.model import breakdowns
from sim.model.intervals import Intervals
from sim.scenario import Scenario
from sim.scenario.plant import Line as LineSpec


class Line:
    """One line: its fixed data, where it stands in the flow, and its breakdowns."""

    __slots__ = (
        "campaign",
        "changeover",
        "claims",
        "closed",
        "customer",
        "down",
        "families",
        "jph",
        "last",
        "name",
        "off",
        "overtime",
        "owner",
        "plant",
        "products",
        "stage",
        "switch_hours",
        "yields",
    )

    def __init__(self, name: str, plant: int, stage: int, spec: LineSpec, products: list[int], customer: list[bool]):
        self.name = name  # dotted: plant.line or plant.shop.line
        self.plant = plant
        self.stage = stage  # position of the line's shop in its plant's flow
        self.jph = spec.jph
        self.owner = [i for i in products if not customer[i]]
        self.customer = [i for i in products if customer[i]]
        self.products = self.owner + self.customer
        self.families: dict[int, str] = {}  # family of each of the line's products
        self.switch_hours = spec.changeover_hours  # one changeover
        self.campaign = spec.campaign_units or math.inf  # vehicles of one family between changeovers
        self.changeover = self.switch_hours / self.campaign  # hours a vehicle carries in a mixed batch
        self.last = True  # in the plant's last shop: vehicles leave it built (or scrapped)
        self.yields: dict[int, float] = {}  # first-pass yield of each product here, in a shop before the last
        # On its plant's open-hour axis (`sim.model.worktime`): the hours it does not build,
        # closed or down (`off`), and of them those it does not work at all (`closed`, None when it
        # works every open hour) and those each launch milestone claims.
        self.down = breakdowns.NONE  # its breakdowns over the horizon, as drawn
        self.off: Intervals = self.down
        self.closed: Intervals | None = None
        self.claims: list[tuple[Intervals, str]] = []
        self.overtime: Intervals | None = None  # closed hours it may work as overtime

    def __repr__(self) -> str:
        return f"Line({self.name})"


@dataclass
class Plant:
    """A plant's shops in series: lines by stage, buffer sizes, and the routes through them."""

    index: int
    stages: list[list[Line]]
    buffers: list[float]  # vehicles the buffer after each shop but the last holds (inf: unlimited)
    routes: dict[int, list[Line]] = field(default_factory=dict)  # product -> its line in every shop
    groups: list[list[int]] = field(default_factory=list)  # products that follow the same route

    @property
    def series(self) -> bool:
        """Whether the plant has several shops in series (else one shop of parallel lines)."""
        return len(self.stages) > 1


@dataclass
class State:
    """Every line and plant of a scenario, and who owns each product."""

    lines: list[Line]
    plants: list[Plant]
    customer: list[bool]  # per product: the contract customer's
    first_lines: list[list[Line]]  # per product: the lines of the first shop that build it (where kits are used)
    last_lines: list[list[Line]]  # per product: the lines of the last shop that build it


def build(scenario: Scenario) -> State:
    """The plants of `scenario` as lines, shops and routes."""
    products = scenario.products
    index = {p.id: i for i, p in enumerate(products)}
    customer_id = scenario.contract.customer if scenario.contract else None
    customer = [p.owner == customer_id for p in products]
    lines: list[Line] = []
    plants: list[Plant] = []
    for k, spec in enumerate(scenario.plants):
        names = iter(spec.line_names())
        stages: list[list[Line]] = []
        for s, (_, specs) in enumerate(spec.stages()):
            stages.append([])
            for ls in specs:
                line = Line(next(names), k, s, ls, [index[p] for p in ls.products], customer)
                line.families = {i: products[i].family_id for i in line.products}
                stages[-1].append(line)
                lines.append(line)
        shops = spec.shops or []
        for shop, stage in zip(shops[:-1], stages[:-1], strict=False):
            for line in stage:
                line.last = False
                line.yields = {i: (products[i].shop_yields or {}).get(shop.id, 1.0) for i in line.products}
        plant = Plant(
            k, stages, [math.inf if s.buffer_after_units is None else s.buffer_after_units for s in shops[:-1]]
        )
        if plant.series:
            built = sorted({i for line in stages[0] for i in line.products})
            plant.routes = {i: [next(ln for ln in stage if i in ln.products) for stage in stages] for i in built}
            groups: dict[tuple[str, ...], list[int]] = {}
            for i in built:
                groups.setdefault(tuple(ln.name for ln in plant.routes[i]), []).append(i)
            plant.groups = list(groups.values())
        plants.append(plant)
    first = [[ln for ln in lines if ln.stage == 0 and i in ln.products] for i in range(len(products))]
    last = [[ln for ln in lines if ln.last and i in ln.products] for i in range(len(products))]
    return State(lines, plants, customer, first, last)
