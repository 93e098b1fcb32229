"""scripts/check_provisions.py: a provision citing a test that does not exist fails the run."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check_provisions.py"

spec = importlib.util.spec_from_file_location("check_provisions", SCRIPT)
assert spec is not None
assert spec.loader is not None
check = importlib.util.module_from_spec(spec)
sys.modules["check_provisions"] = check  # dataclasses look their module up by name
spec.loader.exec_module(check)

RULES = "putright/rules/tests/test_rules_profile.py"

DOC = f"""# Provisions

## Lifecycle

T = `putright/complaints/tests/`, R = `putright/rules/tests/`.

| Code provision | How | Test |
| --- | --- | --- |
| 5.2 | two stages | `R/test_rules_profile.py::test_there_is_no_stage_zero_or_stage_three`, `::test_each_response_must_contain_elements_a_to_g` |
| 6.2 | clock | `T/test_api.py::test_x[case-1]`, not an id: `make test` |

## Letters

| 6.9 | gate | `{RULES}::test_each_response_must_contain_elements_a_to_g` |
"""


def test_the_doc_shorthand_expands_to_node_ids_with_the_line_they_are_on():
    cited = [(c.node_id, c.line) for c in check.cited_node_ids(DOC)]
    assert cited == [
        (f"{RULES}::test_there_is_no_stage_zero_or_stage_three", 9),
        (f"{RULES}::test_each_response_must_contain_elements_a_to_g", 9),
        ("putright/complaints/tests/test_api.py::test_x[case-1]", 10),
        (f"{RULES}::test_each_response_must_contain_elements_a_to_g", 14),
    ]


def test_a_whole_test_file_named_alone_is_the_file_later_ids_on_its_line_belong_to():
    line = f"| 2.10 | tokens | `{RULES}` (all), in particular `::test_a`, `::test_b` |\n"
    cited = [c.node_id for c in check.cited_node_ids(line)]
    assert cited == [f"{RULES}::test_a", f"{RULES}::test_b"]


def test_a_prefix_is_only_known_in_the_section_that_defines_it():
    doc = DOC + "| 7.1 | remedies | `T/test_api.py::test_y` |\n"
    with pytest.raises(check.DocError, match="line 15: prefix T/ is not defined above"):
        check.cited_node_ids(doc)


def test_a_parametrised_test_counts_by_its_function_its_class_or_its_exact_case():
    collected = {"a/test_a.py::TestThing::test_x[one]", "a/test_a.py::test_y"}
    ids = [
        "a/test_a.py::TestThing::test_x[one]",
        "a/test_a.py::TestThing::test_x",
        "a/test_a.py::TestThing",
        "a/test_a.py::test_y",
        "a/test_a.py::TestThing::test_x[two]",
        "a/test_a.py::test_x",
        "a/test_a.py::test_y[one]",
        "b/test_a.py::test_y",
    ]
    gaps = check.missing([check.Citation(node_id, 1) for node_id in ids], collected)
    assert [gap.node_id for gap in gaps] == ids[4:]


def test_a_doc_citing_a_test_that_does_not_exist_fails_and_names_it(tmp_path):
    doc = tmp_path / "provisions.md"
    doc.write_text(
        DOC.replace("`T/test_api.py::test_x[case-1]`", "`R/test_rules_profile.py::test_gone`"),
        encoding="utf-8",
    )
    result = subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, str(SCRIPT), str(doc)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        f"provisions.md:10: no such test: {RULES}::test_gone",
        "1 of 4 cited tests do not exist.",
    ]
    # This small doc has no all-provisions section: every provision is named as missing.
    assert result.stdout.splitlines()[2].startswith(
        'provisions.md: no row under "## Every provision of the Code" for provision(s): 1.2, 1.3'
    )


ALL = """## Every provision of the Code (all 72)

| Code provision | Status | Why | Test |
| --- | --- | --- | --- |
| 1.2 | enforced | any channel | |
| 1.3 | kind of | ? | |

## Later

| 1.4 | enforced | not in the section | |
"""


def test_each_provision_needs_a_row_with_a_known_status_in_its_own_section():
    rows = check.provision_rows(ALL)
    assert rows == {"1.2": "enforced", "1.3": "kind of"}
    assert check.provision_gaps(rows, ["1.2", "1.3", "1.4"]) == [
        'no row under "## Every provision of the Code" for provision(s): 1.4',
        "status must be one of enforced, recorded, reported, out of scope: 1.3 ('kind of')",
    ]


def test_the_real_doc_has_a_row_with_a_status_for_all_72_provisions():
    numbers = check.code_provisions()
    assert len(numbers) == 72
    rows = check.provision_rows((ROOT / "docs" / "provisions.md").read_text(encoding="utf-8"))
    assert check.provision_gaps(rows, numbers) == []
