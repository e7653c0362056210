"""The registry's data model; see docs/data-model.md for the design."""

from . import history
from .addresses import RetiredAddress
from .base import Publishable, PublishableQuerySet, Status
from .changes import PublicChange
from .events import Event, Topic
from .names import OtherName
from .offices import Office
from .people import Appointment, Person, Position
from .places import Country, Organisation, Region
from .programmes import Participation, Programme
from .releases import Release, ReleaseRecord
from .revisions import FormDraft, PendingRevision, ReviewComment
from .seed import SeedEntry
from .sharing import ShareLinkRevocation
from .sources import Citation, Source
from .visits import Meeting, Visit, VisitLeg

# After every model is defined: give each tracked model its history table.
history.register_all()

__all__ = [
    "Appointment",
    "Citation",
    "Country",
    "Event",
    "FormDraft",
    "Meeting",
    "Office",
    "Organisation",
    "OtherName",
    "Participation",
    "PendingRevision",
    "Person",
    "Position",
    "Programme",
    "PublicChange",
    "Publishable",
    "PublishableQuerySet",
    "Region",
    "Release",
    "ReleaseRecord",
    "RetiredAddress",
    "ReviewComment",
    "SeedEntry",
    "ShareLinkRevocation",
    "Source",
    "Status",
    "Topic",
    "Visit",
    "VisitLeg",
]
