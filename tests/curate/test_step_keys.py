"""Each curate step owns its keys: the curate section is composed from the step registry."""

from dataclasses import dataclass, fields
from typing import ClassVar

import pytest

from tadka.config import Section, opt
from tadka.curate.config import CurateConfig, CurateRun, compose, step_params
from tadka.curate.filters import Filter, steps
from tadka.curate.filters.length import LengthFilter, LengthParams
from tadka.errors import ConfigError
from tadka.registry import Registry


def test_every_step_key_is_in_the_section_and_nowhere_else():
    names = {f.name for f in fields(CurateConfig)}
    run = {f.name for f in fields(CurateRun)}
    for name, cls in steps.items():
        params = getattr(cls, "params", None)
        if params is None:
            continue
        prefix = cls.prefix or name
        for f in fields(params):
            assert f"{prefix}_{f.name}" in names
            assert f"{prefix}_{f.name}" not in run  # declared by the step, not by the central config
    assert step_params(CurateConfig(length_min_chars=7), "length")["min_chars"] == 7
    assert LengthFilter.from_config(CurateConfig(length_min_chars=7)).min_chars == 7


def test_a_new_step_brings_its_keys_and_rules():
    @dataclass
    class ShoutParams(Section):
        max_caps: float = opt(0.5, "Most upper-case letters, as a share.", ge=0, le=1)
        roles: list[str] = opt(["assistant"], "Turns checked.")

        def rules(self) -> None:
            if not self.roles:
                raise ConfigError("name at least one role", field="curate.shout_roles")

    class ShoutFilter(Filter):
        name = "shout"
        params: ClassVar[type] = ShoutParams

        def __init__(self, max_caps: float = 0.5, roles=("assistant",)) -> None:
            self.max_caps, self.roles = max_caps, list(roles)

        def keep(self, record):
            return True

    registry: Registry = Registry("curate step")
    registry.register("length")(LengthFilter)
    registry.register("shout")(ShoutFilter)
    composed = compose(registry)
    cfg = composed(shout_max_caps=0.3)
    assert (cfg.shout_max_caps, cfg.shout_roles, cfg.length_min_chars) == (0.3, ["assistant"], LengthParams().min_chars)
    assert ShoutFilter.from_config(cfg).max_caps == 0.3
    with pytest.raises(ConfigError, match="shout_max_caps"):
        composed(shout_max_caps=2.0).check()
    with pytest.raises(ConfigError, match="name at least one role"):
        composed(shout_roles=[]).check()
