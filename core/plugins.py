"""Finding, loading and enabling plugins.

Built-in and third-party plugins are found the same way: the entry-point group ``policy``
(``[project.entry-points.policy]`` in a plugin's pyproject). Each is loaded on its own, so a
plugin that fails to import, misspells a hook or was built for another hook API is reported
by name while the others load. The manager is built by a function, never kept in a module
global, so every caller (and every test) gets a clean one.
"""

from __future__ import annotations

import importlib.util
import operator
import sys
from collections.abc import Iterable
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from attrs import define, field, frozen

from . import hookspecs
from .declared import guard_of
from .regulation import Regulation

GROUP = "policy"


@frozen
class PluginFailure:
    name: str
    message: str


@frozen
class PluginInfo:
    name: str
    version: str | None
    regulation: Regulation | None
    hooks: tuple[str, ...]
    source: str  # the package (distribution) or file it comes from


@define
class Plugins:
    """The plugin manager with what was found: regulations by industry, and failures."""

    manager: pluggy.PluginManager
    regulations: dict[str, Regulation] = field(factory=dict)
    info: dict[str, PluginInfo] = field(factory=dict)
    failures: list[PluginFailure] = field(factory=list)
    def industry_caller(self, hook: str, industry: str) -> HookCall:
        """The hook for one industry: every plugin's implementation but the other industries'."""
        others = [
            self.manager.get_plugin(name)
            for name in self.regulations
            if name != industry and self.manager.get_plugin(name) is not None
        ]
        caller = self.manager.subset_hook_caller(hook, others) if others else getattr(self.manager.hook, hook)
        # Once anyone monitors hook calls (tracing does), every call goes through pluggy.
        return HookCall(caller, direct=not getattr(self.manager, "monitored", True))


class HookCall:
    """One hook as an industry's tickets reach it, with pluggy's semantics and less of its cost.

    The pipeline calls five hooks per ticket, and pluggy's general path (checking the
    arguments, looking up the implementations, its call loop) costs more than a plugin's own
    functions. When no implementation wraps the others and nobody monitors hook calls
    (:class:`PluginManager` notes it), the
    implementations are called directly, in pluggy's order (last registered first,
    ``tryfirst``/``trylast`` respected), each with the arguments it names: a collected hook
    returns the list of answers that are not None, a first-result hook the first such answer.
    Otherwise every call goes through pluggy. The implementations are those registered when
    the run starts.
    """

    def __init__(self, caller: Any, direct: bool = True):
        self.caller = caller
        self.impls = caller.get_hookimpls()
        self.firstresult = bool(caller.spec and caller.spec.opts.get("firstresult"))
        wrapped = any(i.hookwrapper or i.wrapper for i in self.impls)
        # A guarded implementation (@applies) is called only where its guard holds: pluggy
        # knows no guards, so such a hook is always called here, never through pluggy.
        self.guarded = any(guard_of(i.function) is not None for i in self.impls)
        if self.guarded and wrapped:
            raise TypeError(f"{caller.name}: a hook with a guard (@applies) cannot be wrapped (hookwrapper/wrapper)")
        self.direct = (direct or self.guarded) and not wrapped
        # (function, getter of its arguments from the call's keywords, number of arguments, guard)
        self._calls = [
            (i.function, operator.itemgetter(*i.argnames) if i.argnames else None, len(i.argnames), guard_of(i.function))
            for i in reversed(self.impls)
        ]

    def __call__(self, **kwargs: Any) -> Any:
        if not self.direct:
            return self.caller(**kwargs)
        answers = []
        ticket = None
        for function, arguments, n, guard in self._calls:
            if guard is not None:
                if ticket is None:
                    ticket = guarded_ticket(kwargs)
                if not guard.holds(ticket):
                    continue
            if n > 1:
                answer = function(*arguments(kwargs))
            elif n == 1:
                answer = function(arguments(kwargs))
            else:
                answer = function()
            if answer is not None:
                if self.firstresult:
                    return answer
                answers.append(answer)
        return None if self.firstresult else answers

    def each(self, **kwargs: Any) -> Any:
        """Each plugin's answer apart: (plugin name, answer, None) or (plugin name, None, the
        exception it raised), so a plugin that raises costs its own answer only. For hooks
        called once a run (the period rules); a wrapped hook is called whole, under the names
        of all its plugins."""
        if not self.direct:
            name = " + ".join(i.plugin_name for i in self.impls)
            try:
                yield name, self.caller(**kwargs), None
            except Exception as e:  # noqa: BLE001 - reported by the caller, with the names
                yield name, None, e
            return
        for impl in reversed(self.impls):
            guard = guard_of(impl.function)
            if guard is not None and not guard.holds(guarded_ticket(kwargs)):
                continue
            try:
                answer = impl.function(*(kwargs[a] for a in impl.argnames))
            except Exception as e:  # noqa: BLE001 - reported by the caller, with the plugin's name
                yield impl.plugin_name, None, e
                continue
            if answer is not None:
                yield impl.plugin_name, answer, None
                if self.firstresult:
                    return


class _HookArguments:
    """What a hook's guard reads (a condition of core/declared.py reads a Ticket's attributes):
    the hook's own arguments, the rest None. Built for every guarded call, so kept light."""

    classification = appeal = calendar = as_of = trace = None
    deadlines = consequences = ()
    labels: dict = {}


def guarded_ticket(kwargs: dict[str, Any]) -> Any:
    t = _HookArguments()
    t.record, t.params = kwargs.get("record"), kwargs.get("params")
    result = kwargs.get("result")
    if result is not None:
        t.classification, t.deadlines, t.appeal, t.consequences = (
            result.classification, result.deadlines, result.appeal, result.consequences)
    else:
        t.classification, t.appeal = kwargs.get("classification"), kwargs.get("appeal")
        t.deadlines = kwargs.get("deadlines") or ()
    return t


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, remembering whether anyone asked to monitor hook calls (tracing does)."""

    monitored = False

    def add_hookcall_monitoring(self, before: Any, after: Any) -> Any:
        self.monitored = True  # stays so after undo: the direct path is only an optimisation
        return super().add_hookcall_monitoring(before, after)


def new_manager() -> PluginManager:
    pm = PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


def hooks_of(pm: pluggy.PluginManager, plugin: object) -> tuple[str, ...]:
    return tuple(sorted(caller.name for caller in pm.get_hookcallers(plugin) or ()))


def register(plugins: Plugins, obj: object, name: str, version: str | None, source: str) -> bool:
    """Register one plugin; on any fault unregister it and record why. True if it loaded."""
    pm = plugins.manager
    try:
        pm.register(obj, name=name)
    except Exception as e:  # noqa: BLE001 - a broken plugin must not stop the others
        plugins.failures.append(PluginFailure(name, f"could not be registered: {e}"))
        return False
    try:
        pm.check_pending()  # a misspelt policy_* hook name passes silently otherwise
        regulation = _regulation_of(pm, obj)
    except Exception as e:  # noqa: BLE001
        pm.unregister(obj)
        plugins.failures.append(PluginFailure(name, str(e)))
        return False
    if regulation is not None:
        if regulation.name != name:
            pm.unregister(obj)
            plugins.failures.append(
                PluginFailure(name, f"declares industry {regulation.name!r}; it must be registered under that name")
            )
            return False
        if regulation.name in plugins.regulations:
            pm.unregister(obj)
            plugins.failures.append(
                PluginFailure(name, f"declares industry {regulation.name!r}, which another plugin already declares")
            )
            return False
        plugins.regulations[regulation.name] = regulation
    plugins.info[name] = PluginInfo(name, version, regulation, hooks_of(pm, obj), source)
    return True


def _regulation_of(pm: pluggy.PluginManager, obj: object) -> Regulation | None:
    impl = getattr(obj, "policy_regulation", None)
    if impl is None:
        return None
    regulation = impl()
    if not isinstance(regulation, Regulation):
        raise TypeError(f"policy_regulation returned {type(regulation).__name__}, not a Regulation")
    low, high = regulation.hook_api
    if not low <= hookspecs.HOOK_API_VERSION <= high:
        raise RuntimeError(
            f"was built for policy hook API {low}–{high}, but this policy has hook API "
            f"{hookspecs.HOOK_API_VERSION}; install a version of the plugin that supports it"
        )
    return regulation


def discover(enabled: Iterable[str] | None = None) -> Plugins:
    """Load every plugin of the entry-point group; keep only ``enabled`` ones if given.

    Plugins are registered under their entry-point name, which for an industry plugin must
    equal its regulation's name (the ``industry`` of its records).
    """
    plugins = Plugins(new_manager())
    wanted = None if enabled is None else set(enabled)
    loaded: dict[str, str] = {}  # entry-point name -> the object it names
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        if wanted is not None and ep.name not in wanted:
            continue
        if loaded.get(ep.name) == ep.value:
            # The same plugin declared twice: metadata of an older install left behind, as
            # after the distribution was renamed (policy -> policy-complaints).
            continue
        loaded[ep.name] = ep.value
        dist = getattr(ep, "dist", None)
        version = dist.version if dist is not None else None
        source = dist.name if dist is not None else ep.value
        try:
            obj = ep.load()
        except Exception as e:  # noqa: BLE001 - one plugin's import error must not stop the rest
            plugins.failures.append(PluginFailure(ep.name, f"failed to import: {type(e).__name__}: {e}"))
            continue
        register(plugins, obj, ep.name, version, source)
    return plugins


def load_local_plugin(plugins: Plugins, path: Path) -> bool:
    """Register a company's own hook implementations from a Python file (like conftest.py)."""
    name = f"local:{path}"
    module_name = f"policy_local_{abs(hash(str(path.resolve())))}"
    try:
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"{path} is not a Python file")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    except Exception as e:  # noqa: BLE001
        plugins.failures.append(PluginFailure(name, f"failed to import: {type(e).__name__}: {e}"))
        return False
    return register(plugins, module, name, None, str(path))


def register_module(plugins: Plugins, module: ModuleType, name: str | None = None) -> bool:
    """Register an already imported module (tests and the plugin test kit use this).

    An industry plugin is registered under its regulation's name.
    """
    if name is None:
        declare = getattr(module, "policy_regulation", None)
        name = declare().name if declare is not None else module.__name__
    return register(plugins, module, name, None, module.__name__)
