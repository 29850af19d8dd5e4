"""Check fields of loaded data files and name the file and field at fault.

Shared by every loader of hand-edited files (action manifests, the mirror
model's parameters), so their errors read alike. It checks values; it must
not open files itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from demo.errors import DemoError


@dataclass(frozen=True)
class Field:
    """What one field of a file must be: present (unless optional), of `kind`, passing `rule`."""

    key: str
    kind: type | tuple[type, ...]
    required: bool = True
    rule: Callable | None = None
    hint: str = ""  # how to fix it, shown with the error


def check_field(path: Path, data: dict, field: Field, error: type[DemoError] = DemoError, where: str = ""):
    """data[field.key], checked against `field`; raises `error` naming path and field."""
    key, hint = field.key, field.hint
    name = f"{where}.{key}" if where else key
    if key not in data:
        if field.required:
            raise error(f"{path}: field '{name}' is missing.", hint or f"Add \"{key}\".")
        return None
    value = data[key]
    if value is None and not field.required:
        return None
    kinds = field.kind if isinstance(field.kind, tuple) else (field.kind,)
    wrong_bool = bool not in kinds and isinstance(value, bool)
    if not isinstance(value, kinds) or wrong_bool:
        wanted = " or ".join(k.__name__ for k in kinds)
        raise error(f"{path}: field '{name}' must be {wanted}, not {type(value).__name__}.", hint)
    if field.rule is not None and not field.rule(value):
        raise error(f"{path}: field '{name}' has an invalid value {value!r}.", hint)
    return value
