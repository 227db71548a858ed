"""Setting up a run: the config found and read, the plugins discovered, local plugins loaded.

One home for what every caller of the engine does first: the command line, each ``--jobs``
worker process, the tests and any other front end call :func:`load_engine_setup` and get the
same config, the same plugins and the same errors. A problem that makes the run meaningless
(no config, a bad key, an enabled plugin or a local plugin that does not load) is a
:class:`~policy.core.config.ConfigError` naming the file and the key; a plugin that failed to
load but is not enabled is only reported (``EngineSetup.failures``), so one broken package
installed beside the others does not stop a company that does not use it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import frozen

from . import config as config_mod
from .config import Config, ConfigError
from .plugins import PluginFailure, Plugins, discover, load_local_plugin

if TYPE_CHECKING:
    from .pipeline import Engine


@frozen
class EngineSetup:
    config: Config
    plugins: Plugins

    @property
    def failures(self) -> list[PluginFailure]:
        """Plugins that failed to load and are not enabled: worth a warning, not an error."""
        return self.plugins.failures

    def __iter__(self) -> Iterator[Config | Plugins]:
        """``config, plugins = load_engine_setup(path)``, as callers wrote it before this module."""
        return iter((self.config, self.plugins))

    def engine(self, as_of: datetime) -> Engine:
        from .pipeline import Engine

        return Engine(self.config, self.plugins, as_of)


def load_engine_setup(config_path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> EngineSetup:
    """--config, else $POLICY_CONFIG, else ./policy.toml: read, checked, its plugins loaded.

    A local plugin is a Python file the config names; loading it runs its code, in this
    process (each ``--jobs`` worker loads it once more).
    """
    plugins = discover()
    path = config_mod.find(config_path, os.environ if environ is None else environ, installed=plugins.regulations)
    raw = config_mod.read(path)
    for local in config_mod.local_plugin_paths(raw, path):
        if local.is_dir():
            raise ConfigError(f"{path}: policy.local_plugins: {local} is a directory, not a Python file")
        if not local.is_file():
            raise ConfigError(f"{path}: policy.local_plugins: {local} does not exist")
        load_local_plugin(plugins, local)
    failed = {f.name: f.message for f in plugins.failures}
    policy = raw.get("policy", {})
    enabled = policy.get("plugins", []) if isinstance(policy, Mapping) else []
    for name in enabled if isinstance(enabled, list) else []:
        if isinstance(name, str) and name in failed:
            raise ConfigError(f"{path}: policy.plugins: plugin {name!r} failed to load: {failed[name]}")
    for name, message in failed.items():
        if name.startswith("local:"):
            raise ConfigError(f"{path}: policy.local_plugins: {name.removeprefix('local:')}: {message}")
    return EngineSetup(config_mod.from_dict(raw, plugins.regulations, path), plugins)
