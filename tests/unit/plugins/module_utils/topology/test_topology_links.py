"""Links stored once per pair of ends, with their status."""

from __future__ import annotations

from ansible_collections.isp.network.plugins.module_utils.topology.links import (
    Observation,
    canonical,
    link_key,
    reconcile,
)

NAMES = {1: "a", 2: "b", 3: "c"}


def test_ends_are_ordered_once():
    assert canonical((2, "Gi0/1"), (1, "Gi0/2")) == ((1, "Gi0/2"), (2, "Gi0/1"), True)
    assert link_key("b", "Gi0/1", "a", "Gi0/2") == "a:Gi0/2 - b:Gi0/1"


def test_both_ends_seeing_each_other_make_one_confirmed_link():
    [link] = reconcile(
        [Observation((1, "Gi0/1"), (2, "Gi0/2")), Observation((2, "Gi0/2"), (1, "Gi0/1"))],
        {1, 2},
        NAMES,
    )
    assert (link.status, link.seen_by_a, link.seen_by_b) == ("confirmed", True, True)


def test_a_silent_end_makes_a_one_sided_link():
    [link] = reconcile([Observation((2, "Gi0/2"), (1, "Gi0/1"))], {1, 2}, NAMES)
    assert link.status == "one_sided"
    assert link.note == "a lists no neighbour on Gi0/1"


def test_an_end_not_read_is_said_so():
    [link] = reconcile([Observation((1, "Gi0/1"), (2, "Gi0/2"))], {1}, NAMES)
    assert (link.status, link.note) == ("one_sided", "b was not read in this run")


def test_an_end_listing_someone_else_makes_the_link_conflicting():
    links = reconcile(
        [Observation((1, "Gi0/1"), (2, "Gi0/2")), Observation((2, "Gi0/2"), (3, "Gi0/9"))],
        {1, 2, 3},
        NAMES,
    )
    statuses = {(link.a, link.b): link.status for link in links}
    assert statuses[((1, "Gi0/1"), (2, "Gi0/2"))] == "conflicting"
    assert statuses[((2, "Gi0/2"), (3, "Gi0/9"))] == "one_sided"
