"""The header comments of sql/*.sql as the Markdown the Dagster UI renders them from:
paragraphs joined, lists and definitions kept apart, checked with a CommonMark parser."""

from __future__ import annotations

import pytest

from pipelines.defs.sql_assets import sql_description
from pipelines.lib.sql_comments import comment_lines, to_markdown
from pipelines.lib.warehouse import SQL_DIR, sql_text

markdown_it = pytest.importorskip("markdown_it")


def rendered(markdown: str) -> str:
    return markdown_it.MarkdownIt("commonmark").render(markdown)


def blocks(markdown: str) -> list[str]:
    """The block structure CommonMark sees, e.g. ['paragraph', 'bullet_list(5)']."""
    out = []
    tokens = markdown_it.MarkdownIt("commonmark").parse(markdown)
    for index, token in enumerate(tokens):
        if token.level != 0 or token.nesting != 1:
            continue
        if token.type.endswith("_list_open"):
            closing = token.type.replace("_open", "_close")
            end = next(i for i in range(index, len(tokens)) if tokens[i].type == closing)
            items = sum(t.type == "list_item_open" and t.level == 1 for t in tokens[index:end])
            out.append(f"{token.type.removesuffix('_open')}({items})")
        else:
            out.append(token.type.removesuffix("_open"))
    return out


def test_comment_lines_keep_indentation_and_stop_at_the_first_statement():
    sql = "-- One line.\n--   held  = Σ quantity\n--\nCREATE TABLE t AS SELECT 1;\n-- not this\n"
    assert comment_lines(sql) == ["One line.", "  held  = Σ quantity", ""]


def test_a_waterfall_becomes_a_list_between_two_paragraphs():
    """gap_capabilities.sql: prose, an indented list of the waterfall's steps, prose."""
    described = sql_description("gap_capabilities")
    assert blocks(described) == ["paragraph", "bullet_list(5)", "paragraph"]
    assert "- `not_deployable` — other states' units that may act only at home" in described
    assert "- `unavailable` — quantity × (1 − availability) of the rest" in described
    # Wrapped lines are joined: the comment's line breaks are not left in a paragraph...
    first = described.split("\n\n")[0]
    assert "sums over its lines (methodology §3), its risk" in first
    # ...but the definition of `held` starts its own line (a hard break).
    assert first.endswith(
        "why the shortfall exists (§4):\\\nheld = every unit in service that year, "
        "whatever its state, caveat or readiness; the waterfall takes each step from what "
        "is left of held:"
    )
    assert "<br />\nheld = every unit" in rendered(described)


def test_formulas_stay_whole_and_readable():
    """int_ladder_bounds.sql: two formulas, the first wrapped over two comment lines."""
    described = sql_description("int_ladder_bounds")
    assert blocks(described) == ["paragraph", "bullet_list(2)"]
    assert described.endswith(
        "- `min_shortfall` = max(0, max over thresholds D of [Σ required of the tier's lines "
        "with max_readiness_days ≤ D − Σ supply with readiness_days ≤ D])\n"
        "- `max_allocated` = Σ required − min_shortfall, the most any allocation can give them."
    )
    html = rendered(described)
    assert "<a " not in html and "<em>" not in html  # no brackets taken for a link


def test_definitions_in_prose_start_lines_and_wildcards_are_code():
    priorities = sql_description("gap_priorities")
    assert priorities.split("\\\n") == [
        "The CDP-style priority list (methodology §6), for the base year:",
        "score(c) = Σ over scenarios of likelihood × risk value of (scenario, base year, c); "
        "ranked by score, then total shortfall (both descending), then code.",
        "closes_in_year: the first year from which every scenario's shortfall for c is zero "
        "up to the end of the horizon; null if it is still open in the last year.",
    ]
    changes = sql_description("gap_changes")
    assert "the `cause_*` columns null" in changes
    assert "<em>" not in rendered(changes)


def test_marked_lists_numbers_and_blank_comment_lines():
    lines = [
        "Three steps, in order:",
        "1. read the files;",
        "2. validate each row, a rule that is long",
        "   enough to wrap;",
        "3. load what passed.",
        "",
        "Notes:",
        "- a dash starts an item",
        "which an unindented line may continue",
        "* so does a star",
        "",
        "A last paragraph, wrapped",
        "over two lines.",
    ]
    markdown = to_markdown(lines)
    assert markdown == (
        "Three steps, in order:\n\n"
        "1. read the files;\n"
        "2. validate each row, a rule that is long enough to wrap;\n"
        "3. load what passed.\n\n"
        "Notes:\n\n"
        "- a dash starts an item which an unindented line may continue\n"
        "- so does a star\n\n"
        "A last paragraph, wrapped over two lines."
    )
    assert blocks(markdown) == [
        "paragraph", "ordered_list(3)", "paragraph", "bullet_list(2)", "paragraph",
    ]


def test_every_sql_header_renders_without_stray_markup():
    """No header turns into a heading, code block, emphasis or link by accident."""
    for path in sorted(SQL_DIR.glob("*.sql")):
        markdown = to_markdown(comment_lines(sql_text(path.stem)))
        html = rendered(markdown)
        assert markdown.strip(), path.name
        for tag in ("<h", "<pre", "<em>", "<strong>", "<a "):
            assert tag not in html, (path.name, tag)
        for block in blocks(markdown):
            assert block.startswith(("paragraph", "bullet_list(", "ordered_list(")), path.name
