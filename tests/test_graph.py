"""Cycles of a directed graph (harness/graph.py): every circle found once, as a shortest path,
in a stable order; a graph without one gives nothing."""

from __future__ import annotations

from harness.graph import cycles


def test_a_graph_that_only_flows_one_way_has_no_cycle() -> None:
    assert cycles({"a": ["b", "c"], "b": ["c"], "c": [], "d": ["a"]}) == []


def test_each_circle_is_found_once_starting_at_its_first_node() -> None:
    edges = {
        "web": ["db"],
        "db": ["web", "log"],  # web <-> db
        "log": [],
        "x": ["y"],
        "y": ["z"],
        "z": ["x", "y"],  # x -> y -> z -> x, and y <-> z inside it
        "self": ["self"],
    }
    assert cycles(edges) == [["db", "web", "db"], ["self", "self"], ["x", "y", "z", "x"]]


def test_the_path_shown_is_a_shortest_way_back() -> None:
    # a -> b -> c -> d -> a, with a shortcut a -> d: the shortest circle through a is a, d, a
    edges = {"a": ["b", "d"], "b": ["c"], "c": ["d"], "d": ["a"]}
    assert cycles(edges) == [["a", "d", "a"]]


def test_targets_that_are_no_node_are_ignored() -> None:
    assert cycles({"a": ["outside"], "b": ["a", "elsewhere"]}) == []


def test_the_answer_does_not_depend_on_the_order_nodes_are_given() -> None:
    forward = {"b": ["c"], "c": ["b"], "a": ["a"]}
    backward = dict(reversed(list(forward.items())))
    assert cycles(forward) == cycles(backward) == [["a", "a"], ["b", "c", "b"]]


def test_a_chain_of_ten_thousand_nodes_needs_no_recursion() -> None:
    count = 10_000
    edges = {f"n{i}": [f"n{i + 1}"] for i in range(count - 1)}
    edges[f"n{count - 1}"] = ["n0"]
    (path,) = cycles(edges)
    assert len(path) == count + 1
    assert path[0] == path[-1] == "n0"
