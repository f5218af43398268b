"""The header comment of a `sql/*.sql` file as Markdown, for the Dagster UI.

The UI renders an asset's description as Markdown, where single line breaks mean
nothing: a comment wrapped at 90 columns would run into one paragraph, and its lists
of columns and formulas with it. The comment stays as it is written for a reader of
the SQL; this module reads its layout:

- a blank comment line (`--` alone) ends a paragraph;
- wrapped lines of prose join into one paragraph;
- a line that starts a definition (`allocated = ...`, `score(c) = ...`,
  `closes_in_year: ...`) starts a new line within its paragraph;
- a line starting with `- ` (or `* `, `+ `) or a number (`1. `, `2) `) is a list item;
- an indented line is an item of a list too, and a line indented deeper still
  continues it. Its leading term (`not_deployable  other states' units ...`,
  `held = Σ quantity`) is set as code, the rest as written.

Nothing else is rewritten, except a name with a wildcard (`cause_*`), which is set as
code so that Markdown does not take its `*` for emphasis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MARKER = re.compile(r"(?P<marker>[-*+]|\d{1,3}[.)])\s+(?P<text>\S.*)")
_NAME = r"[A-Za-z_][\w.]*"
# "term  description": a name, or several separated by commas, then two or more spaces.
_TERM = re.compile(rf"(?P<term>{_NAME}(?:, {_NAME})*) {{2,}}(?P<rest>\S.*)")
# "name = formula", "name(args) = formula".
_FORMULA = re.compile(rf"(?P<term>{_NAME}(?:\([\w, ]*\))?) += +(?P<rest>\S.*)")
# A line of prose that starts a definition: "name = ...", or "snake_name: ...".
_DEFINITION = re.compile(r"[A-Za-z_]\w*(?:\([\w, ]*\))? = |[A-Za-z]\w*_\w*: ")
# A name with a wildcard, not already in backticks.
_WILDCARD = re.compile(r"(?<![`\w])([A-Za-z_]\w*\*)(?![`\w])")
_HARD_BREAK = "\\\n"  # CommonMark: a backslash at the end of a line breaks it


@dataclass
class _Block:
    kind: str  # "paragraph" or "item"
    lines: list[str] = field(default_factory=list)  # lines within a paragraph
    marker: str = "-"
    indent: int = 0
    lazy: bool = False  # an item from a marker at column 0: unindented lines continue it

    def extend(self, text: str) -> None:
        self.lines[-1] = f"{self.lines[-1]} {text}"


def comment_lines(sql: str) -> list[str]:
    """The leading `--` lines of a SQL text, without their `--` and one space after it."""
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        text = line[2:]
        lines.append((text[1:] if text.startswith(" ") else text).rstrip())
    return lines


def to_markdown(lines: list[str]) -> str:
    """Comment lines (as `comment_lines` gives them) as Markdown; see the module's doc."""
    blocks: list[_Block] = []
    current: _Block | None = None
    for line in lines:
        text = line.strip()
        indent = len(line) - len(line.lstrip())
        if not text:
            current = None
            continue
        marker = _MARKER.fullmatch(text) if indent == 0 else None
        if current is not None and current.kind == "item" and (
            indent > current.indent or (current.lazy and indent == 0 and not marker)
        ):
            current.extend(text)
        elif marker or indent > 0:
            current = _Block("item", [marker["text"] if marker else text], indent=indent,
                             lazy=bool(marker))
            if marker:
                number = marker["marker"][:-1]
                current.marker = f"{number}." if number.isdigit() else "-"
            blocks.append(current)
        elif current is not None and current.kind == "paragraph":
            if _DEFINITION.match(text):
                current.lines.append(text)
            else:
                current.extend(text)
        else:
            current = _Block("paragraph", [text])
            blocks.append(current)
    return _join(blocks)


def _join(blocks: list[_Block]) -> str:
    out = []
    for index, block in enumerate(blocks):
        if block.kind == "paragraph":
            text = _HARD_BREAK.join(_inline(line) for line in block.lines)
        else:
            text = f"{block.marker} {_item(block.lines[0])}"
        if index:
            both_items = block.kind == blocks[index - 1].kind == "item"
            out.append("\n" if both_items else "\n\n")
        out.append(text)
    return "".join(out)


def _item(text: str) -> str:
    """A list item: its leading term as code, the rest as written."""
    term = _TERM.fullmatch(text)
    if term:
        names = ", ".join(f"`{name}`" for name in term["term"].split(", "))
        rest = term["rest"]
        between = " " if rest.startswith("= ") else " — "  # "held = Σ ...", "usable — what"
        return f"{names}{between}{_inline(rest)}"
    formula = _FORMULA.fullmatch(text)
    if formula:
        return f"`{formula['term']}` = {_inline(formula['rest'])}"
    return _inline(text)


def _inline(text: str) -> str:
    return _WILDCARD.sub(r"`\1`", text)
