"""docs/hooks.md documents exactly the hooks of core/hookspecs.py, and its examples run."""

import inspect
import re
import types
from pathlib import Path

from policy.core import hookspecs
from policy.core.testing import run

DOCS = Path(__file__).resolve().parents[2] / "docs"
HOOKS = (DOCS / "hooks.md").read_text(encoding="utf-8")
SPECS = {n: f for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith("policy_")}


def _sections() -> dict[str, str]:
    """Hook name -> the text of its section."""
    parts = re.split(r"^## `(policy_\w+)\(.*\)`$", HOOKS, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def test_every_hookspec_has_a_section_and_every_section_a_hookspec():
    sections = dict(re.findall(r"^## `(policy_\w+)(\(.*\))`$", HOOKS, flags=re.M))
    assert set(sections) == set(SPECS)
    for name, f in SPECS.items():
        assert sections[name] == str(inspect.signature(f)), name
        assert inspect.getdoc(f).splitlines()[0] in HOOKS, f"{name}: its summary line is not in docs/hooks.md"


def test_every_argument_has_a_row_with_its_type():
    for name, text in _sections().items():
        rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \| ([^|]+) \|$", text, flags=re.M)
        documented = [arg for arg, _, _ in rows]
        assert documented == list(inspect.signature(SPECS[name]).parameters), name
        for arg, kind, meaning in rows:
            assert kind.strip() and meaning.strip(), f"{name}({arg}): type and meaning"


def test_every_hook_has_an_example_that_implements_it_with_documented_arguments():
    for name, text in _sections().items():
        code = "\n".join(re.findall(r"^```python\n(.*?)^```$", text, flags=re.M | re.S))
        found = re.search(rf"^def {name}\((.*)\):$", code, flags=re.M)
        assert found, f"{name}: no example"
        used = [a.strip() for a in found.group(1).split(",") if a.strip()]
        assert set(used) <= set(inspect.signature(SPECS[name]).parameters), name


def _heating() -> types.ModuleType:
    module = types.ModuleType("heating_example")
    code = "\n".join(re.findall(r"^```python\n(.*?)^```$", HOOKS, flags=re.M | re.S))
    exec(compile(code, str(DOCS / "hooks.md"), "exec"), module.__dict__)  # noqa: S102 - our own docs
    return module


def test_the_examples_run_as_one_plugin():
    def ticket(n, **fields):
        return {"id": f"H{n}", "received_at": f"2026-03-0{n} 09:00", "unit": "城区供热站", "漏水": "是", **fields}

    outcome = run(
        [
            ticket(2, contacted_at="2026-03-02 11:00"),  # exactly at the 2-hour limit: met
            ticket(3, contacted_at="2026-03-03 11:01", event_key="E1"),  # a minute late
            ticket(4, event_key="E1"),  # never contacted: overdue at as_of
            ticket(5, 漏水="否"),
            ticket(6, contacted_at="2026-03-06 12:00", appeal_filed_at="2026-03-07 09:00", appeal_evidence="是"),
        ],
        plugins=[], modules=[_heating()], as_of="2026-04-01T00:00",
    )
    assert outcome.deadline("H2", "H-2")["status"] == "met"
    assert outcome.consequences("H2") == []
    assert outcome.deadline("H3", "H-2")["status"] == "breached"
    assert outcome.consequence("H3", "H-3")["min"] == 100
    assert outcome.deadline("H4", "H-2")["status"] == "overdue"
    assert outcome.result("H4")["repeat_of"] == "H3"
    assert outcome.result("H5")["counted"] is False and outcome.result("H5")["deadlines"] == []
    assert outcome.result("H6")["appeal"]["status"] == "accepted" and outcome.consequences("H6") == []
    # H2, H3, H4, H6 are counted: four in March, over the threshold of three.
    (criticism,) = outcome.periods("H-4")
    assert criticism["party"] == "城区供热站" and criticism["count"] == 4 and criticism["period"] == "2026-03"


def test_the_guide_names_every_command_it_walks_through():
    guide = (DOCS / "writing-a-plugin.md").read_text(encoding="utf-8")
    for command in ("policy new-plugin", "pip install -e", "policy plugins", "policy init", "policy evaluate",
                    "--policy-rule-coverage"):
        assert command in guide
