"""What every generating function receives: the run's world and the current chunk."""

from __future__ import annotations

import random
from dataclasses import dataclass
from math import exp, sqrt

from .campaigns import Campaigns
from .catalog import Catalog
from .clock import Clock
from .mess import Mess


@dataclass(slots=True)
class World:
    """Everything shared by all people of a run; built identically in every worker."""

    seed: int
    members: int
    clock: Clock
    catalog: Catalog
    campaigns: Campaigns

    @classmethod
    def build(cls, seed: int, members: int, clock: Clock) -> World:
        return cls(seed, members, clock, Catalog(seed, clock), Campaigns(clock, members))


class Chunk:
    """One chunk of people: its random stream, its mess, and the buffers it fills.

    ``out[export][month]`` is a list of CSV rows (tuples) or JSON lines (str);
    ``truth`` holds rows for ``_truth/persons``, ``record_owners`` and ``orders``.
    """

    __slots__ = ("clock", "mess", "out", "r", "rng", "seed", "truth", "world")

    def __init__(
        self,
        world: World,
        index: int,
        out: list[list[list]],
        truth: tuple[list, list, list],
    ) -> None:
        self.world = world
        self.clock = world.clock
        self.seed = world.seed
        self.rng = random.Random(f"{world.seed}:chunk:{index}")
        self.r = self.rng.random
        self.mess = Mess(random.Random(f"{world.seed}:mess:{index}"), force=index == 0)
        self.out = out
        self.truth = truth

    def poisson(self, lam: float) -> int:
        """A Poisson draw (Knuth's method; a normal approximation above 40)."""
        if lam <= 0:
            return 0
        if lam > 40:
            return max(0, round(self.rng.gauss(lam, sqrt(lam))))
        r = self.r
        limit = exp(-lam)
        n = 0
        prod = r()
        while prod > limit:
            n += 1
            prod *= r()
        return n
