"""What a lever file changes, in plain words (methodology §12): one sentence per change,
made from a row of `report_lever_changes` (stg_lever_changes with the names of its
member states, capabilities and options), for the What if sheet.

"Austria, Ireland, Cyprus and Malta lift their caveats (units may act abroad)";
"NATO commitments released for every capability"; "Poland's units of border
surveillance UAS system (tactical) at 10 days' notice at most"; "Hungary does not take
part"; "Adds option OPT-UAS-PL (Polish UAS squadron)".
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from pipelines.lib.reports.answer import listing, percent

KINDS = {
    "single lever": "a single lever (one change)",
    "package": "a package of several changes",
    "no change": "no change: the inventory as it is",
}


def _items(row: Mapping, names: str, codes: str) -> list[str] | None:
    """A filter's names in the file's order (the code where a name is missing); None when
    the change has no such filter (every row)."""
    listed = _list(row.get(codes))
    if listed is None:
        return None
    named = _list(row.get(names)) or []
    named = list(named) + [None] * (len(listed) - len(named))
    return [name if isinstance(name, str) and name.strip() else code
            for code, name in zip(listed, named)]


def _list(value) -> list | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return list(value)
    if hasattr(value, "tolist"):  # a numpy array from DuckDB's VARCHAR[]
        return list(value.tolist())
    if pd.isna(value):
        return None
    return [value]


def _number(row: Mapping, key: str):
    value = row.get(key)
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    return value


def capability_words(name: str) -> str:
    """A capability's name inside a sentence: 'Border surveillance UAS system' →
    'border surveillance UAS system'; a name that opens with an acronym keeps it."""
    first = name.split(" ", 1)[0].split("-", 1)[0]
    if len(first) > 1 and first[1:].islower():
        return name[0].lower() + name[1:]
    return name


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _states_own(states: list[str] | None) -> str:
    """'Poland's', 'Poland's and Germany's'; '' for every state."""
    if not states:
        return ""
    return listing([possessive(s) for s in states])


def _capabilities(capabilities: list[str] | None) -> str:
    return listing([capability_words(c) for c in capabilities or []])


def _subject(states: list[str] | None, capabilities: list[str] | None) -> str:
    """Whose units: 'Poland's units of border surveillance UAS system (tactical)', 'all
    units of …', 'Poland's units', 'all units' (a capability's name is singular)."""
    own = _states_own(states)
    units = f"{own} units" if own else "all units"
    return f"{units} of {_capabilities(capabilities)}" if capabilities else units


def _for(capabilities: list[str] | None) -> str:
    return f"for {_capabilities(capabilities)}" if capabilities else "for every capability"


def _days(days: int) -> str:
    return "1 day's" if days == 1 else f"{days} days'"


def _years(years: int) -> str:
    return "1 year" if years == 1 else f"{years} years"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def change_sentence(row: Mapping) -> str:
    """One change of a lever file in plain words."""
    change = row.get("change")
    states = _items(row, "member_state_names", "member_states")
    capabilities = _items(row, "capability_names", "capabilities")
    subject = _subject(states, capabilities)
    if change == "lift_caveats":
        if not states:
            who, their = "Every member state lifts its", "its"
        elif len(states) == 1:
            who, their = f"{states[0]} lifts its", "its"
        else:
            who, their = f"{listing(states)} lift their", "their"
        on = f" on {their} units of {_capabilities(capabilities)}" if capabilities else ""
        return f"{who} caveats{on} (units may act abroad)"
    if change == "release_nato":
        own = _states_own(states)
        whose = f"{own} NATO commitments" if own else "NATO commitments"
        return _capitalised(f"{whose} released {_for(capabilities)}")
    if change == "readiness":
        days = _number(row, "days")
        return _capitalised(f"{subject} at {_days(int(days))} notice at most")
    if change == "availability":
        share = _number(row, "at_least")
        return _capitalised(f"{subject} available at least {percent(float(share))} of the time")
    if change == "extend_service":
        years = _number(row, "years")
        return _capitalised(f"{subject} serve {_years(int(years))} longer (an open end stays "
                            "open)")
    if change == "withdraw":
        if states and not capabilities:
            verb = "does" if len(states) == 1 else "do"
            return f"{listing(states)} {verb} not take part"
        return _capitalised(f"{subject} withdrawn (they do not take part)")
    if change == "add_options":
        ids = _list(row.get("options")) or []
        titles = _list(row.get("option_titles")) or []
        titles = list(titles) + [None] * (len(ids) - len(titles))
        named = [f"{i} ({t})" if isinstance(t, str) and t.strip() else i
                 for i, t in zip(ids, titles)]
        text = f"Adds {'option' if len(named) == 1 else 'options'} {listing(named)}"
        if states or capabilities:
            where = f" of {listing(states)}" if states else ""
            where += f" for {_capabilities(capabilities)}" if capabilities else ""
            text += f" (only its rows{where})" if len(named) == 1 else f" (only their rows{where})"
        return text
    return f"{change} (a change the reports cannot name)"


def variant_sentences(changes: pd.DataFrame, variant_id: str) -> list[str]:
    """A variant's changes in the order they apply, one sentence each."""
    rows = changes[changes.variant_id == variant_id].sort_values("step")
    return [change_sentence(row) for row in rows.to_dict("records")]
