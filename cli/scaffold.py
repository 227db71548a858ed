"""`policy new-plugin NAME`: a ready package for another regulation's plugin.

The package is a small working regulation (one time limit, one fine) that shows every part
a plugin has: declared rules, record fields with Chinese headers, parameters with rule ids
and articles, hook implementations, an example file, a test with the kit, and the entry
point that makes `policy plugins` find it. The author replaces the regulation, not the shape.
"""

from __future__ import annotations

import keyword
import unicodedata
from pathlib import Path

import tomli_w

from policy.core import DISTRIBUTION as POLICY_DISTRIBUTION  # the distribution that provides `policy`

# The name becomes a folder, a module and a distribution name; file systems allow 255 bytes a
# name, and a name this long is already unreadable in a config.
MAX_NAME_CHARS = 64

PYPROJECT = '''[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "{dist}"
version = "0.1.0"
description = {description_toml}
requires-python = ">=3.11"
dependencies = ["{policy_dist}"]

[project.optional-dependencies]
test = ["pytest>=8"]

# This line is what makes `policy plugins` find the plugin, and `plugins = ["{name}"]` enable it.
[project.entry-points.policy]
{entry_point}

[tool.setuptools]
packages = ["{name}"]

[tool.pytest.ini_options]
testpaths = ["tests"]
'''

MODULE = '''"""{name}: a regulation as a policy plugin (its title is in REGULATION below).

Replace the example regulation below with yours: declare each clause in RULES, each figure in
Parameters (with its rule id and article), the record fields in FIELDS, and implement the hooks
you need (see policy's docs/hooks.md). Results may cite only declared rule ids.
"""

from __future__ import annotations

from attrs import define

from policy.core.calendar import working_days
from policy.core.hookspecs import hookimpl
from policy.core.model import LATE, Classification, Consequence, Rule, refer_unnamed
from policy.core.records import Field
from policy.core.regulation import Regulation, param

RULES = (
    # id, article, title in English and, for people, in Chinese
    Rule("X1-3", "第三条", "a complaint is answered within 2 working days", "2个工作日内答复客户"),
    Rule("X1-5", "第五条", "a late answer costs the responsible person 100 yuan", "逾期答复:责任人罚款100元"),
)

FIELDS = (
    Field("answered_at", "time", "when the customer was answered", ("答复时间",)),
    Field("person", "text", "the responsible person", ("责任人",)),
)


@define
class Parameters:
    answer_working_days: int = param(2, unit="working_days", rule="X1-3", article="第三条", doc="working days to answer a complaint")
    late_fine: int = param(100, unit="yuan", rule="X1-5", article="第五条", doc="yuan for a late answer")


REGULATION = Regulation(
    name="{name}",
    title={title_py},
    source="where the text comes from",
    rules=RULES,
    fields=FIELDS,
    parameters=Parameters,
    # the Chinese people read beside the codes your results show (statuses and kinds are the core's)
    labels={{"stage": {{"answer": "答复客户"}}}},
)


@hookimpl
def policy_regulation():
    return REGULATION


@hookimpl
def policy_classify(record):
    return Classification(counted=True, category=record.category)


def x1_3_answer_limit(record, p, calendar, as_of):
    """第三条: answered within 2 working days of receipt."""
    return calendar.deadline("X1-3", "answer", record.received_at, working_days(p.answer_working_days),
                             record.answered_at, as_of)


@hookimpl
def policy_deadlines(record, params, calendar, as_of):
    return [x1_3_answer_limit(record, params, calendar, as_of)]


@hookimpl
def policy_consequences(record, deadlines, params):
    """第五条: a late answer costs the responsible person the fine."""
    late = any(d.rule == "X1-3" and d.status in LATE for d in deadlines)
    if not late:
        return []
    if not record.person:  # never a consequence without a party: a refer naming the missing field
        return [refer_unnamed("X1-5", "responsible_person", "person (责任人)", record.id,
                              f"{{params.late_fine:g}} yuan for a late answer", params.late_fine, params.late_fine)]
    return [Consequence("X1-5", record.person, "responsible_person", "fine", params.late_fine, params.late_fine)]
'''

TEST = '''"""{name}: each rule at its edges, with policy's test kit (fixture policy_run)."""

import pytest


@pytest.mark.parametrize(("answered", "status", "fined"), [
    ("2026-03-04 23:59", "met", False),       # Monday + 2 working days = Wednesday 24:00
    ("2026-03-05 00:01", "breached", True),   # one minute late
])
def test_x1_3_answer_within_two_working_days_and_x1_5_fine(policy_run, answered, status, fined):
    outcome = policy_run(
        [{{"id": "T1", "received_at": "2026-03-02 09:00", "answered_at": answered, "person": "张三"}}],
        plugins=["{name}"],
        as_of="2026-04-01T00:00",
    )
    assert outcome.deadline("T1", "X1-3")["status"] == status
    assert bool(outcome.consequences("T1", "X1-5")) is fined


def test_figures_are_parameters(policy_run):
    outcome = policy_run(
        [{{"id": "T1", "received_at": "2026-03-02 09:00", "answered_at": "2026-03-05 10:00", "person": "张三"}}],
        plugins=["{name}"], params={{"{name}": {{"late_fine": 150}}}},
    )
    assert outcome.consequence("T1", "X1-5")["min"] == 150


def test_x1_5_a_late_answer_naming_no_one_is_referred_naming_the_field(policy_run):
    outcome = policy_run(
        [{{"id": "T1", "received_at": "2026-03-02 09:00", "answered_at": "2026-03-05 10:00"}}],
        plugins=["{name}"],
    )
    refer = outcome.consequence("T1", "X1-5")
    assert refer["kind"] == "refer" and refer["party"] == "T1" and "person" in refer["note"]
'''

RECORDS = '''工单编号,受理时间,答复时间,责任人
T-001,2026-03-02 09:00,2026-03-04 16:00,张三
T-002,2026-03-06 17:00,2026-03-11 10:00,李四
'''

README = '''# {name}

{title_md}, as a plugin for [policy](https://pypi.org/project/{policy_dist}/)
(distribution `{policy_dist}`; the import package and the command are `policy`).

```sh
pip install -e '.[test]'          # policy plugins now lists {name}
policy init --industry {name}     # a policy.toml with every parameter
policy evaluate --as-of 2026-04-01T00:00 examples/records.csv
pytest --policy-rule-coverage     # the tests, and which rules no test cites
```
'''


class ScaffoldError(ValueError):
    pass


def distribution_name(name: str) -> str:
    """The package index name for a plugin NAME: NAME itself when ASCII, else an ASCII spelling.

    Distribution names are ASCII letters, digits, ``.``, ``_`` and ``-``; a Chinese module name
    (``供热``) gets ``policy-plugin-`` and its punycode, which is ASCII and reversible.
    """
    if name.isascii():
        return name
    return "policy-plugin-" + name.encode("punycode").decode("ascii").strip("-_")


def new_plugin(name: str, where: Path, title: str | None = None) -> Path:
    """Write the package NAME/ under ``where``; refuse a bad name or an existing folder."""
    if len(name) > MAX_NAME_CHARS:
        raise ScaffoldError(f"the name is {len(name)} characters long; a plugin name has at most {MAX_NAME_CHARS}")
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ScaffoldError(
            f"{name!r} is not a valid Python identifier: letters (Chinese too), digits and _, "
            f"not starting with a digit, and not a Python keyword"
        )
    if unicodedata.normalize("NFKC", name) != name:
        # Python imports the NFKC form of a name: the folder must be spelt that way.
        raise ScaffoldError(f"{name!r} is imported by Python as {unicodedata.normalize('NFKC', name)!r}; use that spelling")
    root = where / name
    if root.exists():
        raise ScaffoldError(f"{root} already exists; choose another name or remove it")
    title = title or f"{name} complaint regulation"
    one_line = " ".join(title.split())  # a package summary and a README line have no line breaks
    values = {
        "name": name,
        "dist": distribution_name(name),
        "policy_dist": POLICY_DISTRIBUTION,
        # Written as literals of each language, never pasted: quotes, backslashes, line breaks stay text.
        "title_py": repr(title),
        "description_toml": tomli_w.dumps({"d": f"{one_line}: a policy plugin"}).removeprefix("d = ").strip(),
        "entry_point": tomli_w.dumps({name: name}).strip(),  # a Chinese key is quoted
        "title_md": one_line,
    }
    files = {
        "pyproject.toml": PYPROJECT,
        f"{name}/__init__.py": MODULE,
        "tests/test_rules.py": TEST,
        "examples/records.csv": RECORDS,
        "README.md": README,
    }
    try:
        for rel, template in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(template.format(**values), encoding="utf-8")
    except OSError as e:
        raise ScaffoldError(f"cannot write {root}: {e.strerror or e}") from None
    return root
