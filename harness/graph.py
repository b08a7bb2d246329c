"""Cycles of a directed graph: what stops a tool that must order things by what they refer
to (Terraform's plan, a CloudFormation stack). Imports nothing of the harness."""

from __future__ import annotations

from collections.abc import Collection, Mapping


def cycles(edges: Mapping[str, Collection[str]]) -> list[list[str]]:
    """Every strongly connected component of ``edges`` that holds a cycle (more than one
    node, or a node that refers to itself), each as one shortest path from its first node in
    sorted order back to that node: ``["a", "b", "a"]``, ``["c", "c"]``. Sorted, so the same
    graph always gives the same list. A target that is not a key of ``edges`` is no node.

    Tarjan's algorithm without recursion: a chain of thousands of nodes overflows no stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def targets(node: str) -> list[str]:
        return [t for t in edges[node] if t in edges]

    for root in edges:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(targets(root)))]
        while work:
            node, pending = work[-1]
            for target in pending:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(targets(target))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    members = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        members.append(member)
                        if member == node:
                            break
                    if len(members) > 1 or node in edges[node]:
                        components.append(sorted(members))
    return sorted(_shortest_cycle(edges, members) for members in components)


def _shortest_cycle(edges: Mapping[str, Collection[str]], members: list[str]) -> list[str]:
    """A shortest path from ``members[0]`` back to itself, inside the component (breadth
    first: the message names as few steps as the cycle needs)."""
    start, inside = members[0], set(members)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in edges[node]:
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if target in inside and target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError("a strongly connected component whose first node reaches no cycle")
