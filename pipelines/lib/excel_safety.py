"""Text from input files, made safe to put into a spreadsheet cell.

Every string in a report may come from a national submission or a scenario file, and
none of them is trusted. A note reading `=HYPERLINK("http://…")` or `+cmd|'/c calc'!A1`
must reach a planner as the characters it is, never as a formula (formula injection):
such text is written as a string cell with Excel's quote prefix, so that even editing
the cell does not turn it into a formula. Excel cannot hold most C0 control characters
at all and caps a cell at 32,767 characters; openpyxl would raise on the first and
silently cut the second. Here both are repaired visibly, with a note saying what was done.
"""

from __future__ import annotations

import re

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# What Excel, LibreOffice and Google Sheets read as the start of a formula (or, for the
# whitespace, what they strip before looking for one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
MAX_CELL_CHARS = 32_767
REPLACEMENT = "\ufffd"

# openpyxl's list of control characters, plus what XML 1.0 forbids beyond it (lone
# surrogates, U+FFFE, U+FFFF), which would otherwise fail the whole workbook at save.
_FORBIDDEN = re.compile(ILLEGAL_CHARACTERS_RE.pattern + r"|[\ud800-\udfff\ufffe\uffff]")


def safe_text(value: object) -> tuple[str, str | None]:
    """The text to write for `value`, and a note when it had to be changed (else None)."""
    text = str(value)
    notes = []
    text, replaced = _FORBIDDEN.subn(REPLACEMENT, text)
    if replaced:
        plural = "s" if replaced > 1 else ""
        notes.append(
            f"{replaced} control character{plural} that a spreadsheet cannot hold "
            f"replaced by {REPLACEMENT}"
        )
    if len(text) > MAX_CELL_CHARS:
        marker = f" … [cut by the report: the full text has {len(text):,} characters]"
        text = text[: MAX_CELL_CHARS - len(marker)] + marker
        notes.append(
            f"text cut to the spreadsheet limit of {MAX_CELL_CHARS:,} characters; "
            "the warehouse holds it in full"
        )
    return text, "; ".join(notes) or None


def needing_repair(texts: list[str]) -> set[int]:
    """The positions of the texts `safe_text` would change. One pass over them all at once
    (a column of a large sheet), and a look at each only when some text needs it."""
    if (max(map(len, texts), default=0) <= MAX_CELL_CHARS
            and _FORBIDDEN.search("\n".join(texts)) is None):
        return set()
    return {i for i, text in enumerate(texts)
            if len(text) > MAX_CELL_CHARS or _FORBIDDEN.search(text)}


def needs_quote_prefix(text: str) -> bool:
    """True when a spreadsheet would read `text` as a formula if it were typed in."""
    return text.startswith(FORMULA_TRIGGERS)
