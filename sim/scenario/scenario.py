"""The whole scenario: its sections and the checks that span several of them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from pydantic import Field, model_validator

from sim.scenario.base import Section, field_error, unique_ids
from sim.scenario.contract import Contract
from sim.scenario.meta import Meta
from sim.scenario.plant import Dated, Line, Plant
from sim.scenario.priority import OwnerPriority
from sim.scenario.products import Product
from sim.scenario.program import Program, _suggest
from sim.scenario.supply import Supply


class Scenario(Section):
    """Plants shared between their owner's brands and a contract customer's new product."""

    meta: Meta = Field(description="Name, horizon, seed and replications.")
    plants: list[Plant] = Field(min_length=1, description="The plants, each with its calendar and lines.")
    products: list[Product] = Field(min_length=1, description="Products built in the plants.")
    program: Program | None = Field(None, description="The contract product's launch program (needs a contract).")
    contract: Contract | None = Field(None, description="Contract terms with the customer (needs a program).")
    supply: Supply | None = Field(None, description="Material supply constraints (chip kits); absent: unconstrained.")
    owner_priority: OwnerPriority | None = Field(
        None, description="How the owner's own products share its side of a line; absent: equal fill."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        unique_ids(self.products, "product", "products")
        self._check_plants()
        self._check_products()
        self._check_priority()
        self._check_line_claims()
        if (self.contract is None) != (self.program is None):
            missing = "program" if self.program is None else "contract"
            present = "contract" if self.contract else "program"
            field_error((missing,), f"a scenario with a {present} needs a {missing} section")
        if self.contract is not None and self.program is not None:
            if self.contract.customer == self.owner:
                field_error(
                    ("contract", "customer"),
                    f"the customer '{self.owner}' is the plants' owner; a contract is with another company "
                    "(with the owner as customer every product of the plants would count as contract output)",
                )
            if not self.customer_products:
                field_error(("contract", "customer"), f"no product is owned by customer '{self.contract.customer}'")
            if not self.meta.start_date <= self.program.start_date <= self.meta.end_date:
                field_error(("program", "start_date"), "program start_date must lie inside the scenario horizon")
            known = {m.id for m in self.program.milestones}
            for k, payment in enumerate(self.contract.payments):
                if payment.milestone is not None and payment.milestone not in known:
                    field_error(
                        ("contract", "payments", k, "milestone"),
                        f"unknown milestone '{payment.milestone}'{_suggest(payment.milestone, known)}",
                    )
        return self

    def _check_plants(self) -> None:
        seen: set[str] = set()
        for k, plant in enumerate(self.plants):
            if plant.name in seen:
                field_error(("plants", k, "name"), f"duplicate plant name '{plant.name}'")
            seen.add(plant.name)
            if plant.owner != self.owner:
                field_error(
                    ("plants", k, "owner"), f"all plants must have one owner; the first plant's is '{self.owner}'"
                )
        for k, plant in enumerate(self.plants):
            self._check_open_time(k, plant)
            self._check_speed_changes(k, plant)
        ids = {p.id for p in self.products}
        for k, plant in enumerate(self.plants):
            for s, (shop, lines) in enumerate(plant.stages()):
                at = ("plants", k, "lines") if shop is None else ("plants", k, "shops", s, "lines")
                for i, line in enumerate(lines):
                    for j, pid in enumerate(line.products):
                        if pid not in ids:
                            field_error((*at, i, "products", j), f"unknown product '{pid}'{_suggest(pid, ids)}")
            if plant.shops is not None:
                # In shops in series every product of the plant follows one route: one line per shop.
                here = {p for line in plant.all_lines() for p in line.products}
                for s, shop in enumerate(plant.shops):
                    for pid in sorted(here):
                        count = sum(pid in line.products for line in shop.lines)
                        if count != 1:
                            field_error(
                                ("plants", k, "shops", s, "lines"),
                                f"product '{pid}' is built in plant {plant.name} and must be on exactly one line "
                                f"of shop {shop.id} (it is on {count})",
                            )

    def _check_speed_changes(self, k: int, plant: Plant) -> None:
        """A line's dated changes (speed, shifts, commissioning, retirement) inside the horizon; a
        milestone's in the launch program; a shift change that fits in a day."""
        known = {m.id for m in self.program.milestones} if self.program is not None else set()
        for s, (shop, lines) in enumerate(plant.stages()):
            at = ("plants", k, "lines") if shop is None else ("plants", k, "shops", s, "lines")
            for i, line in enumerate(lines):
                dated: list[tuple[tuple[str | int, ...], Dated]] = [
                    *((("speed_changes", c), x) for c, x in enumerate(line.speed_changes)),
                    *((("shift_changes", c), x) for c, x in enumerate(line.shift_changes)),
                    *((("commissioned",), x) for x in [line.commissioned] if x is not None),
                    *((("retired",), x) for x in [line.retired] if x is not None),
                ]
                for sub, change in dated:
                    where = (*at, i, *sub)
                    if (
                        change.first_day is not None
                        and not self.meta.start_date <= change.first_day <= self.meta.end_date
                    ):
                        field_error(
                            (*where, "first_day"),
                            f"{change.first_day} is outside the horizon {self.meta.start_date} to {self.meta.end_date}",
                        )
                    if change.milestone is not None and change.milestone not in known:
                        hint = _suggest(change.milestone, known) if known else " (the scenario has no launch program)"
                        field_error((*where, "milestone"), f"unknown milestone '{change.milestone}'{hint}")
                if line.overtime is not None and shop is not None:
                    field_error(
                        (*at, i, "overtime"),
                        "overtime is modelled on lines of one-shop plants only (shops in series share "
                        "their plant's open hours)",
                    )
                for c in range(len(line.shift_changes)):
                    for day, base in plant.calendar.patterns():
                        pattern = base
                        for earlier in line.shift_changes[: c + 1]:
                            pattern = earlier.apply(pattern)
                        if pattern.shifts * pattern.hours > 24:
                            since = "" if day is None else f" (with the plant's period from {day})"
                            field_error(
                                (*at, i, "shift_changes", c),
                                f"{pattern.shifts} shifts of {pattern.hours:g} h do not fit in 24 hours{since}",
                            )

    def _check_line_claims(self) -> None:
        """Every line a launch milestone claims exists."""
        if self.program is None:
            return
        for m, milestone in enumerate(self.program.milestones):
            refs = [(("shuts_line",), milestone.shuts_line)]
            if milestone.pilot_build is not None:
                refs.append((("pilot_build", "line"), milestone.pilot_build.line))
            for sub, ref in refs:
                if ref is not None:
                    self.line_index(ref, ("program", "milestones", m, *sub))

    def line_index(self, ref: str, at: tuple[str | int, ...] = ()) -> int:
        """Index (in `all_lines` order) of the line `ref` names: its dotted name, or its id if no
        other line has it. Refuses, at field path `at`, a name that is not a line's or is ambiguous."""
        names = self.line_names()
        if ref in names:
            return names.index(ref)
        ids = [line.id for line in self.all_lines()]
        if ids.count(ref) == 1:
            return ids.index(ref)
        if ids.count(ref) > 1:
            options = ", ".join(n for n, i in zip(names, ids, strict=True) if i == ref)
            field_error(at, f"line id '{ref}' is in several plants or shops; name one of {options}")
        field_error(at, f"unknown line '{ref}'{_suggest(ref, set(names) | set(ids))}")

    def _check_open_time(self, k: int, plant: Plant) -> None:
        """Refuse a calendar change outside the horizon, and a plant that never opens in it: nothing
        could be built there, and the model needs at least one shift."""
        calendar = plant.calendar
        start, end = self.meta.start_date, self.meta.end_date
        for i, period in enumerate(calendar.periods):
            if not start <= period.first_day <= end:
                field_error(
                    ("plants", k, "calendar", "periods", i, "first_day"),
                    f"{period.first_day} is outside the horizon {start} to {end}",
                )
        if calendar.days(start, end):
            return
        weekdays = {pattern.weekdays for _, pattern in calendar.patterns()}
        span = (start + dt.timedelta(days=n) for n in range(min((end - start).days + 1, 7)))
        if not calendar.working_days and not any(day.weekday() in w for day in span for w in weekdays):
            field_error(
                ("plants", k, "calendar", "working_weekdays"),
                f"plant {plant.name} never opens: the horizon {start} to {end} has no "
                f"{', '.join(calendar.working_weekdays)}",
            )
        field_error(
            ("plants", k, "calendar", "shutdowns"),
            f"plant {plant.name} never opens: every working day of the horizon {start} to {end} "
            f"({', '.join(calendar.working_weekdays)}) falls in a shutdown",
        )

    def _check_priority(self) -> None:
        if self.owner_priority is None:
            return
        owned = [p for p in self.products if p.owner == self.owner]
        names = {p.id for p in owned} | {p.brand for p in owned}
        for k, name in enumerate(self.owner_priority.order):
            if name not in names:
                field_error(
                    ("owner_priority", "order", k),
                    f"'{name}' is neither a product id nor a brand of the owner {self.owner}{_suggest(name, names)}",
                )

    def _check_products(self) -> None:
        buildable = {p for plant in self.plants for line in plant.all_lines() for p in line.products}
        owners = {self.owner} | ({self.contract.customer} if self.contract else set())
        customer = self.contract.customer if self.contract else None
        for i, p in enumerate(self.products):
            if p.id not in buildable:
                field_error(("products", i, "id"), f"product '{p.id}' is on no line of any plant")
            if p.owner not in owners:
                field_error(
                    ("products", i, "owner"),
                    f"owner '{p.owner}' is neither the plants' owner nor the contract customer ({', '.join(sorted(owners))})",
                )
            if p.shop_yields:
                early = {
                    shop.id
                    for plant in self.plants
                    if plant.shops and any(p.id in ln.products for ln in plant.all_lines())
                    for shop in plant.shops[:-1]
                }
                for shop in p.shop_yields:
                    if shop not in early:
                        field_error(
                            ("products", i, "shop_yields", shop),
                            f"'{shop}' is not a shop before the last in a plant building {p.id}"
                            + (
                                f" (those are: {', '.join(sorted(early))})"
                                if early
                                else " (it is built in no plant with shops)"
                            ),
                        )
            for name in ("ramp", "yield_learning"):
                if getattr(p, name) is not None and p.owner != customer:
                    field_error(("products", i, name), f"only the contract customer's products have a {name} after SOP")

    @property
    def owner(self) -> str:
        """The company that owns the plants."""
        return self.plants[0].owner

    @property
    def customer_products(self) -> list[Product]:
        """Products owned by the contract customer (gated by SOP)."""
        if self.contract is None:
            return []
        return [p for p in self.products if p.owner == self.contract.customer]

    def all_lines(self) -> list[Line]:
        """Every line of every plant, in the order of `line_names`."""
        return [line for plant in self.plants for line in plant.all_lines()]

    def line_names(self) -> list[str]:
        """Dotted names of every line (plant.line, or plant.shop.line), in declaration order."""
        return [name for plant in self.plants for name in plant.line_names()]

    def without_contract(self) -> Scenario:
        """The same plants and owner products with no contract: the reference for 'units lost to sharing'."""
        if self.contract is None:
            return self
        customer = {p.id for p in self.customer_products}
        plants = []
        for plant in self.plants:
            # Lines keep their place (and their names' streams) even when only customer products used them.
            plants.append(plant.without_products(customer))
        return self.model_copy(
            update={
                "plants": plants,
                "products": [p for p in self.products if p.id not in customer],
                "program": None,
                "contract": None,
            }
        )

    def without_chip_disruptions(self) -> Scenario:
        """The same scenario with the nominal chip supply: the reference for 'units lost to chips'."""
        if self.supply is None or not self.supply.chips.disruptions:
            return self
        chips = self.supply.chips.model_copy(update={"disruptions": []})
        return self.model_copy(update={"supply": self.supply.model_copy(update={"chips": chips})})

    def digest(self) -> str:
        """A stable hash of the scenario's content (not of its file's formatting)."""
        return _hash(self.model_dump(mode="json"))

    def model_digest(self) -> str:
        """A hash of what decides a replication's results: everything but the scenario's name,
        description, seed and replication count (so a cached replication serves any run of the
        same model, whatever it is called or how many replications it asks for)."""
        data = self.model_dump(mode="json")
        for key in ("name", "description", "seed", "replications"):
            data["meta"].pop(key)
        return _hash(data)


def _hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
