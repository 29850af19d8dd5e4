"""Load and check the mirror model's parameters (models/mirror/params.toml).

Every number of the model lives in that file; this module turns it into
typed records and names the file and field of anything wrong. It must not
compute dynamics or build units.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from demo import config
from demo.errors import DemoError
from demo.validate import Field, check_field

PARAMS_FILE = config.MODELS_DIR / "mirror" / "params.toml"
OBSERVE = ("none", "strict", "broad", "motion")
RULES = ("contingency", "contiguity", "hebb")  # demo/mirror/learning.py
PER = ("class", "goal", "population")
_NUM = (int, float)
_FIX = "See docs/model.md for every parameter, or restore models/mirror/params.toml from git."


class ParamsError(DemoError):
    code = "bad_model_params"


@dataclass(frozen=True)
class Dynamics:
    r_max: float
    gain: float
    threshold: float
    tuning_spread: float
    noise: float
    noise_tau: float
    max_dt: float


@dataclass(frozen=True)
class Inputs:
    observe_gain: float
    execute_gain: float
    goal_floor: float
    goal_power: float
    related: float
    motion_gain: float
    context_gain: float


@dataclass(frozen=True)
class Learning:
    trace: float
    window: float
    strength: float
    prior: float
    rate: float
    untrained: float
    rule: str = "contingency"


@dataclass(frozen=True)
class Kiosk:
    attract_after: float
    attract_pause: float
    reset_after: float


@dataclass(frozen=True)
class Region:
    key: str
    label: str
    name: str
    role: str
    tau: float


@dataclass(frozen=True)
class UnitType:
    key: str
    label: str
    region: str
    per: str
    count: int
    observe: str
    execute: bool
    gated: bool
    plastic: bool
    context: bool = False  # read what the scene offers (the goal it affords) while a movement is seen


@dataclass(frozen=True)
class Params:
    seed: int
    dynamics: Dynamics
    inputs: Inputs
    learning: Learning
    kiosk: Kiosk
    regions: tuple[Region, ...]
    types: tuple[UnitType, ...]

    def region_index(self, key: str) -> int:
        return [r.key for r in self.regions].index(key)


def _positive(v) -> bool:
    return v > 0


def _non_negative(v) -> bool:
    return v >= 0


def _fraction(v) -> bool:
    return 0 <= v <= 1


def _numbers(path: Path, data: dict, section: str, record: type, rules: dict) -> object:
    """The table `section` as `record`: numbers, each passing its rule (positive unless `rules` says);
    a `Field` in `rules` checks a field that is not a number."""
    table = check_field(path, data, Field(section, dict, hint=_FIX), ParamsError)
    values = {}
    for name in record.__dataclass_fields__:
        if isinstance(rules.get(name), Field):
            values[name] = check_field(path, table, rules[name], ParamsError, where=section)
            continue
        field = Field(name, _NUM, rule=rules.get(name, _positive), hint="A number; see docs/model.md.")
        values[name] = float(check_field(path, table, field, ParamsError, where=section))
    return record(**values)


def _records(path: Path, data: dict, section: str, record: type, fields: tuple[Field, ...]) -> tuple:
    """The list `section` as `record`s, one per table, each field checked by its `Field`."""
    items = check_field(path, data, Field(section, list, rule=bool, hint=_FIX), ParamsError)
    fields = tuple(replace(f, hint=f.hint or _FIX) for f in fields)
    out = []
    for i, item in enumerate(items):
        where = f"{section}[{i}]"
        if not isinstance(item, dict):
            raise ParamsError(f"{path}: '{where}' must be a table.", _FIX)
        out.append(record(**{f.key: check_field(path, item, f, ParamsError, where=where) for f in fields}))
    keys = [r.key for r in out]
    if len(set(keys)) != len(keys):
        raise ParamsError(f"{path}: '{section}' keys repeat: {keys}.", "Give each a different key.")
    return tuple(out)


def parse(path: Path, data: dict) -> Params:
    seed = check_field(path, data, Field("seed", int, hint="An integer."), ParamsError)
    dynamics = _numbers(path, data, "dynamics", Dynamics,
                        {"noise": _non_negative, "tuning_spread": lambda v: 0 <= v < 1})
    inputs = _numbers(path, data, "inputs", Inputs,
                      {"goal_floor": _fraction, "related": _fraction, "goal_power": _positive,
                       "context_gain": _non_negative})
    learning = _numbers(path, data, "learning", Learning,
                        {"rate": _non_negative, "strength": _non_negative, "prior": _non_negative,
                         "untrained": _non_negative,
                         "rule": Field("rule", str, rule=lambda k: k in RULES,
                                       hint=f"One of: {', '.join(RULES)}.")})
    if learning.untrained >= 1.0:
        raise ParamsError(f"{path}: 'learning.untrained' must be below 1 (a trained weight).", _FIX)
    kiosk = _numbers(path, data, "kiosk", Kiosk, {})
    regions = _records(path, data, "regions", Region,
                       (Field("key", str, rule=bool), Field("label", str), Field("name", str), Field("role", str),
                        Field("tau", _NUM, rule=_positive)))
    region_keys = {r.key for r in regions}
    types = _records(path, data, "types", UnitType,
                     (Field("key", str, rule=bool), Field("label", str),
                      Field("region", str, rule=lambda k: k in region_keys),
                      Field("per", str, rule=lambda k: k in PER),
                      Field("count", int, rule=lambda n: 0 <= n <= 100),
                      Field("observe", str, rule=lambda k: k in OBSERVE),
                      Field("execute", bool), Field("gated", bool), Field("plastic", bool),
                      Field("context", bool, required=False)))
    types = tuple(replace(t, context=bool(t.context)) for t in types)
    for i, t in enumerate(types):
        if t.plastic and t.observe in ("none", "motion"):
            raise ParamsError(f"{path}: 'types[{i}]' ({t.key}) is plastic but has no action-specific seen input.",
                              "Set observe to \"strict\" or \"broad\", or plastic to false.")
    return Params(seed, dynamics, inputs, learning, kiosk, regions, types)


def load(path: Path | None = None) -> Params:
    path = Path(path or PARAMS_FILE)
    if not path.is_file():
        raise ParamsError(f"The mirror model's parameters are missing: {path}.", _FIX)
    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ParamsError(f"{path}: not valid TOML ({e}).", "Fix the syntax; " + _FIX) from e
    return parse(path, data)
