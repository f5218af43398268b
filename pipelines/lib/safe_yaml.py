"""A strict, safe YAML loader for planner-written scenario files.

PyYAML's SafeLoader already refuses to build Python objects, but it still
follows YAML 1.1, where `NO` (Norway), `ON`, `yes` and `off` become
booleans, and a repeated key silently overwrites the first one. In a scenario
file either mistake changes the analysis without anyone noticing, so this
loader allows only `true`/`false` as booleans, rejects duplicate keys and
refuses anchors and aliases (which planners do not need and which let a tiny
file expand into a huge structure). Only plain decimal integers are read as
numbers: YAML 1.1 would read 010 as octal 8 and 1:30 as 90.
"""

from __future__ import annotations

import re

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, SequenceNode

from pipelines.lib import inputs

_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class YamlError(Exception):
    """The text is not acceptable YAML; `reason` is a sentence for the planner."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _StrictLoader(yaml.SafeLoader):
    bool_values = {"true": True, "false": False}

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise ComposerError(
                None, None,
                f"anchors and aliases (*{event.anchor}) are not allowed; write the value out",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_yaml_bool(self, node):
        value = self.construct_scalar(node)
        if value.lower() not in self.bool_values:
            raise ConstructorError(
                None, None, f"'{value}' is not a boolean; write true or false", node.start_mark
            )
        return self.bool_values[value.lower()]

    def construct_mapping(self, node, deep=False):
        if isinstance(node, MappingNode):
            first_line: dict[object, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG:
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    earlier = first_line.get(key)
                except TypeError:
                    continue  # unhashable key: the base class reports it properly
                if earlier is not None:
                    raise ConstructorError(
                        None, None,
                        f"the key '{key}' appears twice (first on line {earlier})",
                        key_node.start_mark,
                    )
                first_line[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


# Replace YAML 1.1's boolean words (yes/no/on/off/y/n) by true/false only, so
# member-state codes such as NO stay strings; and read only plain decimal
# integers as numbers, so an id like 010 is not turned into octal 8 and 1:30
# not into 90 (base 60).
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL_TAG, _INT_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|false)$", re.IGNORECASE), list("tTfF")
)
_StrictLoader.add_implicit_resolver(
    _INT_TAG, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_StrictLoader.add_constructor(_BOOL_TAG, _StrictLoader.construct_yaml_bool)


def load_yaml(text: str):
    """Parse one YAML document strictly; raise YamlError with the line on failure."""
    data, _ = load_yaml_with_lines(text)
    return data


def load_yaml_with_lines(text: str) -> tuple[object, dict[tuple, int]]:
    """Like load_yaml, and also return {path: line} for every value in the document.

    A path is a tuple of mapping keys (as written) and list indexes, e.g.
    ('requirements', 2, 'quantity'); lines count from 1. Validation uses it to
    tell a planner where in the file a problem is.
    """
    size = len(text.encode("utf-8", errors="replace"))
    if size > inputs.MAX_YAML_BYTES:
        raise YamlError(
            f"the YAML text is {size} bytes, more than the limit of {inputs.MAX_YAML_BYTES} "
            "bytes (CDP_MAX_YAML_MB)"
        )
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
        lines: dict[tuple, int] = {}
        if node is not None:
            _collect_lines(node, (), lines)
    except yaml.MarkedYAMLError as error:
        raise YamlError(_describe(error)) from None
    except yaml.YAMLError as error:
        raise YamlError(f"the YAML is not valid: {error}") from None
    except RecursionError:
        raise YamlError("the YAML is nested too deeply to be a scenario file") from None
    finally:
        loader.dispose()
    return data, lines


def _describe(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    message = ", ".join(part for part in (error.context, error.problem) if part)
    return f"the YAML is not valid{where}: {message or 'unknown problem'}"


def _collect_lines(node, path: tuple, lines: dict[tuple, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if not isinstance(key_node.value, list) else None
            _collect_lines(value_node, path + (key,), lines)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _collect_lines(item, path + (index,), lines)
