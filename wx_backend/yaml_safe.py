"""YAML for content files: the safe loader, in C when libyaml is present.

The FAQ alone is thousands of lines; PyYAML's pure-Python parser spends about 0.3 s on it at
every start-up, libyaml about 0.05 s. Both build the same data (same resolver, same
constructor).
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """Parse YAML text with the safe loader (plain data only)."""
    return yaml.load(text, Loader=_LOADER)
