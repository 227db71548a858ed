"""docs/hooks.md documents exactly the hooks of core/hookspecs.py, with their signatures."""

import inspect
import re
from pathlib import Path

from policy.core import hookspecs

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_hookspec_has_a_section_and_every_section_a_hookspec():
    text = (DOCS / "hooks.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## `(policy_\w+)(\(.*\))`$", text, flags=re.M))
    specs = {n: f for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith("policy_")}
    assert set(sections) == set(specs)
    for name, f in specs.items():
        assert sections[name] == str(inspect.signature(f)), name
        assert inspect.getdoc(f).splitlines()[0] in text, f"{name}: its summary line is not in docs/hooks.md"


def test_the_guide_names_every_command_it_walks_through():
    guide = (DOCS / "writing-a-plugin.md").read_text(encoding="utf-8")
    for command in ("policy new-plugin", "pip install -e", "policy plugins", "policy init", "policy evaluate",
                    "--policy-rule-coverage"):
        assert command in guide
