"""Forged and expired share links, for a draft of every kind of record that has a page: a
flipped character anywhere in the token, another record's or model's payload, another salt
or key, tokens cut short or padded, garbage, and tokens correctly signed but naming what
cannot be previewed. Each is refused with the clean "not valid" or "expired" page, and the
draft's text never shows."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.core import signing
from django.test import Client, override_settings

from registry.models import Status
from registry.publication.share_links import (
    SHARE_SALT,
    revoke,
    share_expiry,
    share_token,
    share_url,
)
from tests import factories as f

from .records import publishable_models, write_text

pytestmark = pytest.mark.django_db

MODELS = [model for model in publishable_models() if hasattr(model, "get_absolute_url")]
INVALID = "This preview link is not valid"
EXPIRED = "This preview link has expired"
MARKER = "Zqsharedraft"


def draft_of(model: type) -> Any:
    record = getattr(f, f"create_{model._meta.model_name}")(status=Status.DRAFT)
    return write_text(record, lambda field: f"{MARKER} {field.name}")


def share_path(token: str) -> str:
    return f"/en/preview/share/{quote(token, safe='')}/"


def refused(client: Client, token: str, message: str = INVALID) -> None:
    response = client.get(share_path(token))
    assert response.status_code in (403, 404), token
    text = response.content.decode()
    assert message in text, token
    assert MARKER not in text and "Traceback" not in text, token


def flips(token: str) -> list[str]:
    """The token with one character changed in its payload, its timestamp and its
    signature, at the start, middle and end of each."""
    forged = []
    for start, end in _parts(token):
        for index in {start, (start + end) // 2, end - 1}:
            char = token[index]
            forged.append(token[:index] + ("A" if char != "A" else "B") + token[index + 1 :])
    return forged


def _parts(token: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for part in token.split(":"):
        spans.append((start, start + len(part)))
        start += len(part) + 1
    return [(a, b) for a, b in spans if b > a]


def signed(value: Any, **kw: Any) -> str:
    return signing.TimestampSigner(salt=SHARE_SALT, **kw).sign_object(value)


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.model_name for m in MODELS])
def test_forged_links_are_refused(client: Client, model: type) -> None:
    draft, other = draft_of(model), f.create_topic(status=Status.DRAFT)
    token = share_token(draft)
    assert client.get(share_url(draft)).status_code == 200  # the genuine link works
    payload, rest = token.split(":", 1)
    forged = [
        *flips(token),
        share_token(other).split(":")[0] + ":" + rest,  # another record's payload
        payload + ":" + share_token(other).split(":", 1)[1],  # another record's signature
        signing.dumps([draft._meta.label_lower, draft.pk], salt="other"),
        signing.TimestampSigner().sign_object([draft._meta.label_lower, draft.pk]),
        signing.TimestampSigner(salt=SHARE_SALT, key="another secret key" * 4).sign_object(
            [draft._meta.label_lower, draft.pk]
        ),
        signing.Signer(salt=SHARE_SALT).sign_object([draft._meta.label_lower, draft.pk]),
        token[: len(token) // 2],
        token[:-1],
        token.rsplit(":", 1)[0],
        payload,
        token + "A",
        token + ":extra",
        ":" + token,
        token.upper(),
        token.replace(":", "::"),
    ]
    for forgery in forged:
        assert forgery != token
        refused(client, forgery)


GARBAGE = [
    "not-a-token",
    ":",
    "::",
    "a:b:c",
    "x" * 5_000,
    "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
    "../../admin/",
    "%2e%2e%2f",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    "日本語:テキスト:です",
    "W1sicmVnaXN0cnkudG9waWMiLDFdXQ:1:abc",
]


def test_garbage_is_refused(client: Client) -> None:
    draft_of(MODELS[0])
    for token in GARBAGE:
        if "/" in token:  # no share link's path: the site's own 404
            response = client.get(share_path(token))
            assert response.status_code == 404
            assert MARKER not in response.content.decode()
        else:
            refused(client, token)


@pytest.mark.parametrize(
    "value",
    [
        ["auth.user", 1],
        ["registry.appointment", 1],
        ["registry.citation", 1],
        ["registry.nosuchmodel", 1],
        ["nosuchapp.topic", 1],
        ["registry.topic", 10**30],
        ["registry.topic", "1 OR 1=1"],
        ["registry.topic", None],
        ["registry.topic", [1]],
        ["registry.topic"],
        ["registry.topic", 1, "extra"],
        [],
        {},
        "registry.topic",
        12,
        None,
    ],
    ids=repr,
)
def test_signed_tokens_naming_nothing_previewable_are_refused(client: Client, value) -> None:
    """Only the site's key makes these; should one ever be made, it still opens nothing."""
    draft_of(MODELS[0])
    response = client.get(share_path(signed(value)))
    assert response.status_code in (403, 404), value
    assert MARKER not in response.content.decode()


def test_a_link_made_with_an_old_key_stops_working_when_the_key_changes(client: Client) -> None:
    draft = draft_of(MODELS[0])
    with override_settings(SECRET_KEY="a previous secret key " * 3):
        old = share_url(draft)
    response = client.get(old)
    assert response.status_code == 404
    assert MARKER not in response.content.decode()


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.model_name for m in MODELS])
def test_expired_links_are_refused(client: Client, model: type) -> None:
    draft = draft_of(model)
    start = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        link = share_url(draft)
    with time_machine.travel(start + share_expiry() - dt.timedelta(seconds=1), tick=False):
        assert client.get(link).status_code == 200
    for later in (dt.timedelta(seconds=1), dt.timedelta(days=400)):
        with time_machine.travel(start + share_expiry() + later, tick=False):
            response = client.get(link)
            assert response.status_code == 403
            text = response.content.decode()
            assert EXPIRED in text and MARKER not in text


def test_a_link_to_a_deleted_record_shows_nothing(client: Client) -> None:
    draft = draft_of(MODELS[0])
    link = share_url(draft)
    assert MARKER in client.get(link).content.decode()
    draft.delete()
    response = client.get(link)
    assert response.status_code == 404
    assert MARKER not in response.content.decode()


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.model_name for m in MODELS])
def test_revoked_links_are_refused_and_new_ones_work(client: Client, model: type) -> None:
    draft = draft_of(model)
    first, second = share_url(draft), share_url(draft)
    assert MARKER in client.get(first).content.decode()
    revoke(draft)
    for link in (first, second):
        response = client.get(link)
        assert response.status_code == 403
        text = response.content.decode()
        assert "no longer valid" in text and MARKER not in text
    fresh = share_url(draft)
    assert MARKER in client.get(fresh).content.decode()
    revoke(draft)  # revoking again stops the new one too
    assert client.get(fresh).status_code == 403
