"""Previews of unpublished records: the public page, as it will look once published.

* `/preview/<app>/<model>/<id>/` is for staff with the view permission on the record.
* `/preview/share/<token>/` is a share link for a reviewer without an account
  (`registry.publication.share_links`). A tampered token is a 404, an expired or revoked
  one a 403, each with a page that says so.

Both render the record with the public detail view of its kind, subclassed only to read
the record whatever its status (`previewing`): everything else on the page (linked records,
lists, citations) is what the public would see, so other drafts stay hidden and links lead
to the public pages, where a draft is a 404. Responses are `noindex`, never cached, and send
no referrer, so a share link does not leak from the page.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registry.models import (
    Appointment,
    Country,
    Event,
    Office,
    Organisation,
    Participation,
    Person,
    Position,
    Programme,
    Region,
    Source,
    Topic,
    Visit,
)
from registry.publication import revisions
from registry.publication.notices import STATE_WORDS, local_time
from registry.publication.share_links import (
    ExpiredLink,
    InvalidLink,
    RevokedLink,
    read_share_token,
    token_expires,
)
from registry.publication.visibility import PublicState, previewing

from .organisations import OrganisationDetailView
from .people import (
    AppointmentDetailView,
    OfficeDetailView,
    PersonDetailView,
    PositionDetailView,
)
from .places import CountryDetailView, RegionDetailView
from .programmes import (
    EventDetailView,
    ParticipationDetailView,
    ProgrammeDetailView,
    TopicDetailView,
)
from .sources import SourceDetailView
from .visits import VisitDetailView

PAGE_TEMPLATE = "admin/registry/preview/page.html"
REFUSED_TEMPLATE = "admin/registry/preview/refused.html"

# The public detail view of each kind of record that has a page of its own.
DETAIL_VIEWS: dict[type[models.Model], type] = {
    Appointment: AppointmentDetailView,
    Country: CountryDetailView,
    Event: EventDetailView,
    Office: OfficeDetailView,
    Organisation: OrganisationDetailView,
    Participation: ParticipationDetailView,
    Person: PersonDetailView,
    Position: PositionDetailView,
    Programme: ProgrammeDetailView,
    Region: RegionDetailView,
    Source: SourceDetailView,
    Topic: TopicDetailView,
    Visit: VisitDetailView,
}


def is_previewable(model: type[models.Model]) -> bool:
    return model in DETAIL_VIEWS


class PreviewMixin:
    """Put in front of a public detail view: same page, framed as a preview."""

    preview_shared = False
    preview_expires: str = ""

    def get_template_names(self) -> list[str]:
        return [PAGE_TEMPLATE]

    def get_canonical_url(self) -> str:
        return self.absolute(self.object)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        record = self.object
        context["preview"] = {
            "template": super().get_template_names()[0],
            "state": STATE_WORDS[record.public_state()],
            "live": record.public_state() == PublicState.LIVE,
            "shared": self.preview_shared,
            "expires": self.preview_expires,
            "admin_url": None
            if self.preview_shared
            else reverse(
                f"admin:{record._meta.app_label}_{record._meta.model_name}_change",
                args=[record.pk],
            ),
        }
        return context


_preview_classes: dict[type, type] = {}


def _preview_class(view_class: type) -> type:
    if view_class not in _preview_classes:
        _preview_classes[view_class] = type(
            f"Preview{view_class.__name__}", (PreviewMixin, view_class), {}
        )
    return _preview_classes[view_class]


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


ASK_FOR_A_NEW_LINK = gettext_lazy("Ask the editor who sent it for a new link. You could also:")


def refused(
    request: HttpRequest,
    status: int,
    title: str,
    message: str,
    advice: str = ASK_FOR_A_NEW_LINK,
    admin_link: tuple[str, str] | None = None,
) -> HttpResponse:
    """The site's error page for a preview that cannot be shown: what happened (`message`)
    and what to do (`advice`, then a link into the admin, (url, label), and one to the
    public site)."""
    context = {
        "title": title,
        "message": message,
        "advice": advice,
        "admin_link": admin_link,
        "status": status,
    }
    return _private(render(request, REFUSED_TEMPLATE, context, status=status))


def _change_link(record: models.Model) -> tuple[str, str]:
    opts = record._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    return url, _("back to the record in the admin")


def render_preview(
    request: HttpRequest, record: models.Model, *, shared: bool, expires: str = ""
) -> HttpResponse:
    view = _preview_class(DETAIL_VIEWS[type(record)]).as_view(
        preview_shared=shared, preview_expires=expires
    )
    # A published record's pending revision is shown as it will render once published.
    with revisions.showing(revisions.pending_for(record)), previewing(record):
        try:
            response = view(request, pk=record.pk)
        except Http404:
            # Found only if public: a record it depends on (a visit's traveller...) is not.
            return refused(
                request,
                200,
                _("“%(record)s” cannot be shown yet") % {"record": record},
                _(
                    "Even once published, this record stays hidden while a record it depends "
                    "on (such as a visit's traveller or their post) is not public."
                ),
                _("Publish that record first, then preview this one again. You could also:"),
                admin_link=None if shared else _change_link(record),
            )
        if hasattr(response, "render"):
            response.render()  # inside the block: the page reads with the record visible
    return _private(response)


def _model(app_label: str, model_name: str) -> type[models.Model]:
    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        raise Http404(_("No such kind of record.")) from None
    if not is_previewable(model):
        raise Http404(_("This kind of record has no page of its own."))
    return model


def staff_preview(request: HttpRequest, app_label: str, model_name: str, pk: int) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    model = _model(app_label, model_name)
    opts = model._meta
    may_view = user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )
    if not (user.is_active and user.is_staff and may_view):
        return refused(
            request,
            403,
            _("Preview not allowed"),
            _("Your account may not see this record, so its preview is not shown."),
            _(
                "Ask a registry administrator for the Editor or Publisher role, or log in "
                "with an account that has it. You could also:"
            ),
        )
    record = model._default_manager.filter(pk=pk).first()
    if record is None:
        return refused(
            request,
            404,
            _("No such record"),
            _("There is no %(kind)s with this id: it may have been deleted.")
            % {"kind": opts.verbose_name},
            _(
                "Look for it in the list of deleted records, from where it can be restored. "
                "You could also:"
            ),
            admin_link=(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_recoverlist"),
                _("to the deleted %(kinds)s") % {"kinds": opts.verbose_name_plural},
            ),
        )
    return render_preview(request, record, shared=False)


def shared_preview(request: HttpRequest, token: str) -> HttpResponse:
    try:
        model, pk = read_share_token(token)
    except ExpiredLink:
        return refused(
            request,
            403,
            _("This preview link has expired"),
            ngettext(
                "Share links are valid for %(days)d day, and this one is older, so the draft "
                "it showed is no longer shown.",
                "Share links are valid for %(days)d days, and this one is older, so the draft "
                "it showed is no longer shown.",
                settings.PREVIEW_LINK_MAX_AGE_DAYS,
            )
            % {"days": settings.PREVIEW_LINK_MAX_AGE_DAYS},
        )
    except RevokedLink:
        return refused(
            request,
            403,
            _("This preview link is no longer valid"),
            _(
                "The editors have withdrawn the share links of this record, so the draft it "
                "showed is no longer shown."
            ),
        )
    except InvalidLink:
        return refused(
            request,
            404,
            _("This preview link is not valid"),
            _("The link is incomplete or has been changed, so it leads to no preview."),
            _(
                "Check that the whole link was copied (it is long, and some mail programs "
                "break it across lines), or ask the editor who sent it for a new one. You "
                "could also:"
            ),
        )
    record = model._default_manager.filter(pk=pk).first() if is_previewable(model) else None
    if record is None:
        return refused(
            request,
            404,
            _("Nothing to preview"),
            _("The record of this link no longer exists."),
            _(
                "If it was deleted by mistake, ask the editor who sent the link to restore it "
                "and to send a new link. You could also:"
            ),
        )
    return render_preview(request, record, shared=True, expires=local_time(token_expires(token)))


app_name = "preview"

urlpatterns = [
    path("share/<str:token>/", shared_preview, name="share"),
    path("<str:app_label>/<str:model_name>/<int:pk>/", staff_preview, name="staff"),
]
