"""Tell whether a new JSON Schema of an event breaks consumers of the old one.

Breaking: a property removed, a required property made optional or added, a type
changed, an enum value removed, a nullable field made non-nullable or the reverse.
Compatible: an optional property added, an enum value added, a description changed.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    problems: list[str] = []
    _compare(old, new, old.get("$defs", {}), new.get("$defs", {}), "$", problems, set())
    return problems


def _resolve(node: Schema, defs: dict[str, Schema]) -> Schema:
    seen = 0
    while "$ref" in node and seen < 50:
        name = str(node["$ref"]).rsplit("/", 1)[-1]
        node = defs[name]
        seen += 1
    return node


def _types(node: Schema, defs: dict[str, Schema]) -> list[Schema]:
    node = _resolve(node, defs)
    for key in ("anyOf", "oneOf"):
        if key in node:
            branches: list[Schema] = []
            for branch in node[key]:
                branches.extend(_types(branch, defs))
            return branches
    return [node]


def _kind(node: Schema) -> str:
    if "enum" in node or "const" in node:
        return "enum"
    return str(node.get("type", "any"))


def _compare(
    old: Schema,
    new: Schema,
    old_defs: dict[str, Schema],
    new_defs: dict[str, Schema],
    path: str,
    problems: list[str],
    visiting: set[tuple[int, int]],
) -> None:
    key = (id(old), id(new))
    if key in visiting:
        return
    visiting.add(key)
    old_branches = _types(old, old_defs)
    new_branches = _types(new, new_defs)
    old_kinds = {_kind(b) for b in old_branches}
    new_kinds = {_kind(b) for b in new_branches}
    if old_kinds != new_kinds:
        problems.append(f"{path}: type changed from {sorted(old_kinds)} to {sorted(new_kinds)}")
        return
    for old_branch in old_branches:
        kind = _kind(old_branch)
        new_branch = next(b for b in new_branches if _kind(b) == kind)
        if kind == "enum":
            old_values = set(map(str, old_branch.get("enum", [old_branch.get("const")])))
            new_values = set(map(str, new_branch.get("enum", [new_branch.get("const")])))
            removed = old_values - new_values
            if removed:
                problems.append(f"{path}: enum values removed: {sorted(removed)}")
        elif kind == "object":
            _compare_objects(old_branch, new_branch, old_defs, new_defs, path, problems, visiting)
        elif kind == "array" and "items" in old_branch and "items" in new_branch:
            _compare(
                old_branch["items"],
                new_branch["items"],
                old_defs,
                new_defs,
                f"{path}[]",
                problems,
                visiting,
            )


def _compare_objects(
    old: Schema,
    new: Schema,
    old_defs: dict[str, Schema],
    new_defs: dict[str, Schema],
    path: str,
    problems: list[str],
    visiting: set[tuple[int, int]],
) -> None:
    old_props: dict[str, Schema] = old.get("properties", {})
    new_props: dict[str, Schema] = new.get("properties", {})
    old_required = set(old.get("required", []))
    new_required = set(new.get("required", []))
    for name in sorted(old_props.keys() - new_props.keys()):
        problems.append(f"{path}.{name}: property removed")
    for name in sorted(old_required - new_required):
        if name in new_props:
            problems.append(f"{path}.{name}: no longer required")
    for name in sorted(new_required - old_required):
        problems.append(f"{path}.{name}: newly required")
    for name in sorted(old_props.keys() & new_props.keys()):
        _compare(
            old_props[name],
            new_props[name],
            old_defs,
            new_defs,
            f"{path}.{name}",
            problems,
            visiting,
        )
