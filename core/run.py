"""The ``run`` section of the result document: what produced these figures.

Enough to reproduce a run and to check it was the right one: the policy and plugin
versions, the holiday data and the years it covers, the config file's hash and every
parameter it changes from the regulation's figure (with the rule id), ``--as-of``,
``--period`` and each input's size and SHA-256. Built here once; the command line feeds it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any


from . import DISTRIBUTION
from .config import Config
from .regulation import parameter_docs


def _version(distribution: str) -> str | None:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def overrides(config: Config, regulations: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every parameter the config sets to something else than the regulation's figure."""
    out = []
    for name, params in config.parameters.items():
        for doc in parameter_docs(regulations[name].parameters):
            value = _plain(getattr(params, doc["name"]))
            if value != doc["default"]:
                out.append({"parameter": f"{name}.{doc['name']}", "value": value, "default": doc["default"],
                            "rule": doc["rule"], "article": doc["article"]})
    return out


def calendar_text(config: Config) -> str:
    """The holiday data's version and the years it covers, the config's whole years added."""
    from .calendar import official_schedule

    covered = sorted(official_schedule()[2])
    added = sorted(config.calendar.years)
    text = f"chinese-calendar {_version('chinese-calendar') or '?'}, covers {covered[0]}–{covered[-1]}"
    if added:
        text += f"; [calendar.years] {', '.join(map(str, added))}"
    return text


def run_section(
    config: Config,
    plugin_versions: Mapping[str, str | None],
    regulations: Mapping[str, Any],
    as_of: datetime,
    period: str | None,
    inputs: Iterable[str],
) -> dict[str, Any]:
    """The ``run`` section (contract.md's example): one dict, JSON-ready."""
    config_entry = None
    if config.path is not None:
        config_entry = {"path": str(config.path), "sha256": sha256_of(config.path)}
    files = []
    for path in inputs:
        if path == "-":
            files.append({"name": "-", "bytes": None, "sha256": None})
        else:
            files.append({"name": str(path), "bytes": Path(path).stat().st_size, "sha256": sha256_of(path)})
    return {
        "policy": _version(DISTRIBUTION),
        "plugins": {name: plugin_versions.get(name) for name in config.policy.plugins},
        "calendar": calendar_text(config),
        "config": config_entry,
        "overrides": overrides(config, regulations),
        "as_of": as_of.isoformat(),
        "period": period,
        "inputs": files,
    }


def overridden_by_rule(run: Mapping[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """The run's overrides grouped by rule id, for marking figures beside their rule."""
    out: dict[str, list[dict[str, Any]]] = {}
    for o in (run or {}).get("overrides", ()):
        out.setdefault(o["rule"], []).append(o)
    return out
