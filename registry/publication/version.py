"""The registry version: one value that changes whenever what the public may see changes.

The public cache (registry/cache.py) keys every stored response and every ETag by it, so a
change anywhere makes every cached page and every ETag stale at once, with no list of pages
to purge. It changes:

* on every save, delete and many-to-many change of a registry model the public can see
  (publish, unpublish, revert and import are saves), once immediately and once more when the
  transaction commits. The first change lets the writer's own connection see its change; the
  second makes sure that nothing cached by a reader between the write and the commit (which
  read the data as it was before) stays under the version that follows the commit;
* at every scheduled `publish_at` and `expire_at` of a published record, and at local
  midnight (the `current` filters compare with today's date), with no job running and no
  query per request.

The version is a counter in the default cache plus a cached *state*: a random generation
token and the sorted list of the next boundaries (times at which the public content changes
on its own). The state is computed again, with a bounded query per field and model, when the
counter has moved, the last listed boundary has passed, or it was computed by a server whose
clock is ahead of this one's. The version string is
`counter.generation.passed`, where `passed` counts the listed boundaries already reached, so
it moves at each boundary at no cost.

If the cache loses the counter, it starts again from the current time in microseconds,
which is above any value it held before (nothing bumps it a million times a second), and a
new state brings a new random generation: a version string is never used twice.

`QuerySet.update()` and `bulk_create()` send no signals: code that changes public records
in bulk must call `bump()` afterwards.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import secrets
import time
from dataclasses import dataclass
from functools import cache as memoize

from django.apps import apps
from django.core.cache import cache
from django.db import connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from registry.models.base import Publishable, Status
from registry.models.history import HistoryBase
from registry.models.revisions import PendingRevision
from registry.publication import revisions

COUNTER_KEY = "registry:version:counter"
STATE_KEY = "registry:version:state"
# Boundaries read per publication field and model when the state is computed; once the
# last of the listed ones has passed, the state is computed again.
LISTED_BOUNDARIES = 8
SCHEDULE_FIELDS = ("publish_at", "expire_at")
# Registry models that no public page reads (share-link revocations: previews are never
# cached; pending revisions, comments and form drafts are the editors' own).
BOOKKEEPING_MODELS = (
    "SeedEntry",
    "ShareLinkRevocation",
    "PendingRevision",
    "ReviewComment",
    "FormDraft",
    "RetiredAddress",
)


@dataclass(frozen=True)
class RegistryVersion:
    """The registry as the public sees it now."""

    token: str
    # When the public content last changed (a write, or a scheduled time reached).
    modified: dt.datetime
    # When it changes next on its own (a scheduled record, or midnight) at the latest.
    next_boundary: dt.datetime

    def seconds_left(self, now: dt.datetime | None = None) -> float:
        """Seconds until `next_boundary` (never negative)."""
        return max(0.0, (self.next_boundary - (now or timezone.now())).total_seconds())


@memoize
def tracked_models() -> frozenset[type[models.Model]]:
    """Every model of the registry app whose rows the public can see, directly or as part
    of another record (legs, meetings, citations); not the history tables."""
    return frozenset(
        model
        for model in apps.get_app_config("registry").get_models()
        if not issubclass(model, HistoryBase) and model.__name__ not in BOOKKEEPING_MODELS
    )


@memoize
def scheduled_models() -> tuple[type[models.Model], ...]:
    """The concrete models with `publish_at` and `expire_at` (Citation has none: it is
    public with its source)."""
    return tuple(
        sorted(
            (model for model in tracked_models() if issubclass(model, Publishable)),
            key=lambda model: model.__name__,
        )
    )


def _fresh_counter() -> int:
    return time.time_ns() // 1000


def _restart_counter() -> int:
    value = _fresh_counter()
    if cache.add(COUNTER_KEY, value, timeout=None):
        return value
    return cache.get(COUNTER_KEY, value)  # another process restarted it first


def bump() -> None:
    """Change the version now (the counter moves by one)."""
    for _ in range(2):
        try:
            cache.incr(COUNTER_KEY)
            return
        except ValueError:  # the cache lost the counter
            if cache.add(COUNTER_KEY, _fresh_counter(), timeout=None):
                return


def _bump_after_commit() -> None:
    bump()


def changed(using: str | None = None) -> None:
    """Public content changed on connection `using`: bump now and again on commit.

    One commit bump per transaction is enough however many rows it writes.
    """
    bump()
    connection = connections[using or "default"]
    pending = connection.in_atomic_block and any(
        entry[1] is _bump_after_commit for entry in connection.run_on_commit
    )
    if not pending:
        transaction.on_commit(_bump_after_commit, using=using, robust=True)


def _on_write(sender, using=None, **kwargs) -> None:
    if sender in tracked_models():
        changed(using)


def _on_links(sender, instance, action, model, using=None, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if type(instance) in tracked_models() or model in tracked_models():
        changed(using)


def _on_schedule(sender, instance, update_fields=None, **kwargs) -> None:
    # A revision's time to go live is a boundary of the state: computed again.
    if instance.go_live_at is not None or (update_fields and "go_live_at" in update_fields):
        bump()


def connect_signals() -> None:
    """Called once from the app's `ready()`."""
    post_save.connect(
        _on_schedule, sender=PendingRevision, dispatch_uid="registry_version_revision"
    )
    post_save.connect(_on_write, dispatch_uid="registry_version_save")
    post_delete.connect(_on_write, dispatch_uid="registry_version_delete")
    m2m_changed.connect(_on_links, dispatch_uid="registry_version_links")


# --- Reading the version ------------------------------------------------------------------


def _next_midnight(now: dt.datetime) -> dt.datetime:
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))


def upcoming_boundaries(
    now: dt.datetime, scheduled: list[dt.datetime] | None = None
) -> list[dt.datetime]:
    """The next times after `now` at which the public content changes by itself, sorted.

    Exact up to its last element, which is the next local midnight or the last of the
    `LISTED_BOUNDARIES` nearest scheduled times, whichever comes first: past it, there may
    be others not listed, so the list must be read again. Two bounded queries per model.
    """
    found: list[dt.datetime] = []
    for model in scheduled_models():
        published = model._default_manager.filter(status=Status.PUBLISHED)
        for field in SCHEDULE_FIELDS:
            times = published.filter(**{f"{field}__gt": now}).order_by(field)
            found += times.values_list(field, flat=True)[:LISTED_BOUNDARIES]
    # A pending revision scheduled to go live changes the public content at its time.
    if scheduled is None:
        scheduled = revisions.scheduled_times(LISTED_BOUNDARIES)
    found += [moment for moment in scheduled if moment > now]
    found.sort()
    horizon = _next_midnight(now)
    if len(found) >= LISTED_BOUNDARIES:
        horizon = min(horizon, found[LISTED_BOUNDARIES - 1])
    return sorted({moment for moment in found if moment < horizon} | {horizon})


def _compute_state(counter: int, now: dt.datetime, previous: dict | None) -> dict:
    stamp = now.timestamp()
    scheduled = revisions.scheduled_times(LISTED_BOUNDARIES)
    if previous is None or previous.get("counter") != counter:
        modified = stamp  # a write: the first reader after it computes the state
    elif stamp >= previous["boundaries"][-1]:
        modified = previous["boundaries"][-1]  # no write: the last listed time was reached
    else:
        modified = min(previous["modified"], stamp)  # this clock is behind the one before
    return {
        "counter": counter,
        "generation": secrets.token_hex(4),
        "computed": stamp,
        "modified": modified,
        "boundaries": [moment.timestamp() for moment in upcoming_boundaries(now, scheduled)],
        "revisions": [moment.timestamp() for moment in scheduled],
    }


def _is_current(state: object, counter: int, now: float) -> bool:
    """The state holds for `counter` and for the time `now`: computed no later than `now`
    (a server whose clock is behind computes its own, which every server can then use),
    and its last listed time not reached."""
    return (
        isinstance(state, dict)
        and state.get("counter") == counter
        and bool(state.get("boundaries"))
        and state.get("computed", math.inf) <= now < state["boundaries"][-1]
    )


def _revision_due(state: dict, now: float) -> bool:
    return any(moment <= now for moment in state.get("revisions", ()))


def current_version(now: dt.datetime | None = None) -> RegistryVersion:
    """The version now: one cache round trip, no query unless it must be computed again."""
    now = now or timezone.now()
    stamp = now.timestamp()
    values = cache.get_many([COUNTER_KEY, STATE_KEY])
    counter = values.get(COUNTER_KEY)
    if counter is None:
        counter = _restart_counter()
    state = values.get(STATE_KEY)
    if not _is_current(state, counter, stamp):
        state = _compute_state(counter, now, state if isinstance(state, dict) else None)
        cache.set(STATE_KEY, state, timeout=None)
    if _revision_due(state, stamp):
        # The first reader after a revision's time publishes it (revisions.apply_due, once
        # across requests and servers), which moves the counter: the state follows.
        revisions.apply_due(now)
        counter = cache.get(COUNTER_KEY) or _restart_counter()
        state = _compute_state(counter, now, state)
        cache.set(STATE_KEY, state, timeout=None)
    boundaries = state["boundaries"]
    passed = bisect.bisect_right(boundaries, stamp)
    modified = max(state["modified"], boundaries[passed - 1] if passed else 0.0)
    return RegistryVersion(
        token=f"{counter}.{state['generation']}.{passed}",
        modified=dt.datetime.fromtimestamp(modified, tz=dt.UTC),
        next_boundary=dt.datetime.fromtimestamp(boundaries[passed], tz=dt.UTC),
    )


def publish_listed_revisions(now: dt.datetime | None = None) -> None:
    """Publish the revisions due by now that the cached state lists, if any: one cache read
    and no query otherwise. For requests that do not read the version (signed in, admin)."""
    now = now or timezone.now()
    try:
        state = cache.get(STATE_KEY)
    except Exception:  # a cache that is down is the public cache's to report
        return
    if isinstance(state, dict) and _revision_due(state, now.timestamp()):
        current_version(now)
