"""Short, stable names for steps, so YAML and the CLI can say `typo`, `minhash` or `gguf:q4_k_m`.

As in spaCy, a name is only known once the module defining it was imported; each package's
``__init__`` therefore imports its step modules explicitly, and an unknown name lists the known ones.
"""

from __future__ import annotations

import difflib
from typing import Callable, Generic, TypeVar

from tadka.errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """A name → object table for one kind of step (teachers, filters, noise ops, quantizers …)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator: ``@filters.register("pii")``."""

        def add(obj: T) -> T:
            if name in self._items and self._items[name] is not obj:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            self._items[name] = obj
            return obj

        return add

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            close = difflib.get_close_matches(name, self._items, n=1)
            hint = f"did you mean {close[0]!r}?" if close else None
            known = ", ".join(sorted(self._items)) or "none"
            raise ConfigError(f"unknown {self.kind} {name!r}; known: {known}", hint=hint) from None

    def names(self) -> list[str]:
        return sorted(self._items)

    def items(self) -> list[tuple[str, T]]:
        """(name, object) in the order they were registered."""
        return list(self._items.items())

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __len__(self) -> int:
        return len(self._items)
