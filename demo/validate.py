"""Check fields of loaded data files and name the file and field at fault.

Shared by every loader of hand-edited files (action manifests, the mirror
model's parameters), so their errors read alike. It checks values; it must
not open files itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from demo.errors import DemoError


def check_field(path: Path, data: dict, key: str, kind, required: bool = True,  # noqa: PLR0913 -- one field check's description
                rule: Callable | None = None, hint: str = "", error: type[DemoError] = DemoError,
                where: str = ""):
    """data[key], checked for presence, type and `rule`; raises `error` naming path and field."""
    name = f"{where}.{key}" if where else key
    if key not in data:
        if required:
            raise error(f"{path}: field '{name}' is missing.", hint or f"Add \"{key}\".")
        return None
    value = data[key]
    if value is None and not required:
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    wrong_bool = bool not in kinds and isinstance(value, bool)
    if not isinstance(value, kinds) or wrong_bool:
        wanted = " or ".join(k.__name__ for k in kinds)
        raise error(f"{path}: field '{name}' must be {wanted}, not {type(value).__name__}.", hint)
    if rule is not None and not rule(value):
        raise error(f"{path}: field '{name}' has an invalid value {value!r}.", hint)
    return value
