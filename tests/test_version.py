"""The registry version (registry/publication/version.py): it changes with every change the
public can see, again when the transaction commits, and at every scheduled time."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.cache import cache
from django.db import transaction

from registry.models import (
    Citation,
    Meeting,
    Publishable,
    SeedEntry,
    ShareLinkRevocation,
    Status,
    Topic,
    Visit,
    VisitLeg,
)
from registry.models.history import recorded
from registry.publication import version
from registry.publication.version import bump, current_version
from tests import factories as f

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2030, 6, 12, 10, 0, tzinfo=dt.UTC)  # noon in Brussels


def counter() -> int:
    current_version()  # starts the counter if the cache has none
    return cache.get(version.COUNTER_KEY)


def test_the_tracked_models_are_the_public_ones():
    tracked = version.tracked_models()
    assert {Visit, VisitLeg, Meeting, Citation, Topic} <= tracked
    assert SeedEntry not in tracked and ShareLinkRevocation not in tracked
    assert not [model for model in tracked if model.__name__.startswith("Historical")]
    scheduled = set(version.scheduled_models())
    assert Citation not in scheduled and Visit in scheduled
    assert scheduled == {model for model in tracked if issubclass(model, Publishable)}
    assert len(scheduled) == 13


def test_every_kind_of_write_changes_the_version():
    topic, visit = f.create_topic(), f.create_visit()
    country, source = f.create_country(), f.create_source()
    steps = [
        lambda: topic.save(),
        lambda: visit.topics.add(topic),
        lambda: visit.topics.clear(),
        lambda: f.create_leg(visit=visit, country=country, order=1),
        lambda: f.create_citation(record=visit, source=source),
        lambda: Citation.objects.filter(object_id=visit.pk).delete(),
        lambda: visit.delete(),
    ]
    seen = {current_version().token}
    for step in steps:
        step()
        token = current_version().token
        assert token not in seen
        seen.add(token)


def test_bookkeeping_writes_do_not_change_it(superuser):
    before = current_version().token
    SeedEntry.objects.create(key="seed:topic:x")
    superuser.first_name = "Alice"
    superuser.save()
    assert current_version().token == before


def test_the_version_moves_at_once_and_again_on_commit(django_capture_on_commit_callbacks):
    start = counter()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
        recorded("import"),
    ):
        for n in range(3):
            f.create_topic(name=f"Imported {n}")
        inside = cache.get(version.COUNTER_KEY)
        assert inside >= start + 3  # at once, for each row: seen inside the transaction
    # And once more for the whole commit, and once for each record the change log writes
    # after it (the three topics published).
    assert [c.__name__ for c in callbacks].count("_bump_after_commit") == 1
    assert cache.get(version.COUNTER_KEY) == inside + 1 + 3


def test_a_rolled_back_write_leaves_no_commit_bump(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                f.create_topic()
                raise RuntimeError("stop")
        except RuntimeError:
            pass
        f.create_topic()  # the next transaction registers its own
    assert [c.__name__ for c in callbacks].count("_bump_after_commit") == 1


def test_a_lost_counter_restarts_above_every_value_it_held():
    bump()
    tokens = {current_version().token}
    held = cache.get(version.COUNTER_KEY)
    cache.delete(version.COUNTER_KEY)
    token = current_version().token
    assert token not in tokens
    assert cache.get(version.COUNTER_KEY) > held
    cache.delete(version.COUNTER_KEY)
    bump()  # a bump on a lost counter starts it too
    assert cache.get(version.COUNTER_KEY) > held


def test_the_version_changes_at_each_scheduled_time_with_no_query(
    time_machine, django_assert_num_queries
):
    time_machine.move_to(NOON, tick=False)
    publish = NOON + dt.timedelta(minutes=5)
    expire = NOON + dt.timedelta(minutes=20)
    f.create_topic(publish_at=publish, expire_at=expire)
    f.create_topic(status=Status.DRAFT, publish_at=NOON + dt.timedelta(minutes=10))  # a draft
    first = current_version()
    assert first.next_boundary == publish
    assert first.seconds_left() == 300
    tokens = [first.token]
    with django_assert_num_queries(0):
        for moment, following in [
            (publish - dt.timedelta(microseconds=1), publish),
            (publish, expire),
            (NOON + dt.timedelta(minutes=10), expire),
        ]:
            time_machine.move_to(moment, tick=False)
            now = current_version()
            assert now.next_boundary == following
            tokens.append(now.token)
    assert tokens[0] == tokens[1] != tokens[2] == tokens[3]
    time_machine.move_to(expire, tick=False)
    assert current_version().token not in tokens
    assert current_version().modified == expire  # nothing written since: the expiry


def test_the_state_is_read_again_when_its_list_runs_out(time_machine):
    time_machine.move_to(NOON, tick=False)
    count = version.LISTED_BOUNDARIES + 2
    times = [NOON + dt.timedelta(minutes=n + 1) for n in range(count)]
    for moment in times:
        f.create_topic(publish_at=moment)
    assert len(version.upcoming_boundaries(NOON)) == version.LISTED_BOUNDARIES
    seen = set()
    for moment, following in itertools.pairwise(times):
        time_machine.move_to(moment, tick=False)
        now = current_version()
        assert now.next_boundary == following
        assert now.token not in seen
        seen.add(now.token)


def test_a_clock_behind_the_one_that_computed_the_state_computes_its_own(time_machine):
    time_machine.move_to(NOON, tick=False)
    f.create_topic(publish_at=NOON + dt.timedelta(seconds=1))
    time_machine.move_to(NOON + dt.timedelta(seconds=2), tick=False)
    ahead = current_version()  # computed after the publication time: it is not listed
    time_machine.move_to(NOON, tick=False)
    behind = current_version()
    assert behind.token != ahead.token
    assert behind.next_boundary == NOON + dt.timedelta(seconds=1)
