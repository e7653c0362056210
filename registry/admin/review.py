"""The review screen of a pending revision and the review queue, in the admin
(registry/admin/revisions.py saves revisions; registry/publication/revisions.py holds the
rules and the writes).

The review screen (`<id>/review/`) shows what the public sees now and what it will see, field
by field and row by row, with the comments; from it a Publisher publishes, schedules, discards
or requests changes, an Editor submits the revision for review, and anyone may comment.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registry.models import PendingRevision, ReviewComment
from registry.publication import revisions
from registry.publication.gate import PublicationBlocked
from registry.publication.notices import local_time, zone_name
from registry.publication.revision_diff import revision_diff


class ScheduleForm(forms.Form):
    go_live_at = forms.DateTimeField(
        label=gettext_lazy("Publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=gettext_lazy("The public sees the corrected version from this time on."),
    )


class ReviewAdminMixin:
    """The review screen and the bulk publication of pending revisions."""

    def get_urls(self) -> list:
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_review"
        view = self.admin_site.admin_view(self.review_view)
        return [path("<path:object_id>/review/", view, name=name), *super().get_urls()]

    # --- the bulk action ------------------------------------------------------------------------

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if self.has_publish_permission(request):
            name = "publish_pending_revisions"
            actions[name] = (
                type(self).publish_pending_revisions,
                name,
                gettext_lazy(
                    "Publish the pending revisions of the selected %(verbose_name_plural)s"
                ),
            )
        return actions

    def publish_pending_revisions(self, request: HttpRequest, queryset: Any) -> None:
        if not self.has_publish_permission(request):
            raise PermissionDenied
        ct = revisions.content_type(self.model)
        pending = PendingRevision.objects.filter(
            content_type=ct, object_id__in=queryset.values("pk")
        ).select_related("content_type", "updated_by")
        published, refused = 0, []
        for revision in pending:
            try:
                report = revisions.publish(revision, request.user)
            except (revisions.RevisionError, PublicationBlocked) as error:
                refused.append(f"#{revision.object_id}: {error}")
                continue
            self.log_change(request, report.record, "Published its pending revision.")
            published += 1
        if published:
            self.message_user(
                request,
                ngettext(
                    "%(count)d pending revision(s) published.",
                    "%(count)d pending revision(s) published.",
                    published,
                )
                % {"count": published},
                messages.SUCCESS,
            )
        elif not refused:
            self.message_user(request, _("None of the selection has a pending revision."))
        if refused:
            self.message_user(
                request,
                _("Not published: %(reasons)s.") % {"reasons": "; ".join(refused)},
                messages.ERROR,
            )

    # --- the review screen ----------------------------------------------------------------------

    def review_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._record(request, object_id)
        revision = revisions.pending_for(obj)
        may_publish = self.has_publish_permission(request, obj)
        may_change = self.has_change_permission(request, obj)
        schedule_form = ScheduleForm()
        if request.method == "POST":
            if not may_change:
                raise PermissionDenied
            outcome = self._review_action(request, obj, revision, may_publish)
            if isinstance(outcome, HttpResponse):
                return outcome
            schedule_form = outcome or schedule_form
        diff = None
        if revision is not None:
            live = revisions.capture(obj)
            diff = revision_diff(live, revisions.resolved(revision.data, live))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": _("Review the changes to “%(record)s”") % {"record": obj},
            "revision": revision,
            "diff": diff,
            "comments": ReviewComment.objects.filter(
                content_type=revisions.content_type(obj), object_id=obj.pk
            ).select_related("author", "resolved_by"),
            "may_publish": may_publish,
            "may_change": may_change,
            "schedule_form": schedule_form,
            "zone": zone_name(),
            "change_url": self._revision_url("change", obj),
            "scheduled": local_time(revision.go_live_at)
            if revision and revision.go_live_at
            else "",
            "preview_url": reverse(
                "preview:staff",
                args=[self.model._meta.app_label, self.model._meta.model_name, obj.pk],
            ),
        }
        return TemplateResponse(request, "admin/registry/review.html", context)

    def _review_action(self, request, obj, revision, may_publish) -> HttpResponse | Any:
        post = request.POST
        back = HttpResponseRedirect(self._revision_url("review", obj))
        if "_comment" in post:
            body = post.get("body", "").strip()
            if not body:
                self.message_user(request, _("A comment needs some text."), messages.ERROR)
                return back
            revisions.add_comment(
                self.model, obj.pk, request.user, body, field_name=post.get("field", "")[:100]
            )
            self.message_user(request, _("Your comment was added."), messages.SUCCESS)
            return back
        if "_resolve" in post:
            comment = ReviewComment.objects.filter(
                pk=post.get("_resolve") if post.get("_resolve", "").isdigit() else None,
                content_type=revisions.content_type(obj),
                object_id=obj.pk,
                resolved_at__isnull=True,
            ).first()
            if comment is None:
                self.message_user(request, _("That comment is already resolved."), messages.INFO)
            else:
                revisions.resolve_comment(comment, request.user)
                self.message_user(request, _("The comment was marked resolved."), messages.SUCCESS)
            return back
        if revision is None:
            self.message_user(request, _("There is no pending revision any more."), messages.INFO)
            return back
        if "_submit" in post:
            revisions.submit(revision, request.user)
            self.message_user(
                request, _("The revision was submitted for review."), messages.SUCCESS
            )
            return back
        if not may_publish:
            raise PermissionDenied
        if "_publish_revision" in post:
            return self._publish_revision(request, obj, revision)
        if "_discard" in post:
            revisions.discard(revision)
            self.log_change(request, obj, "Discarded its pending revision.")
            self.message_user(
                request,
                _("The pending revision was discarded; the public version stays."),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._revision_url("change", obj))
        if "_request_changes" in post:
            body = post.get("body", "").strip()
            if not body:
                self.message_user(
                    request,
                    _("Say what should change: the comment is what the editor reads."),
                    messages.ERROR,
                )
                return back
            revisions.request_changes(revision, request.user, body)
            self.message_user(
                request,
                _("Changes were requested; the editor sees your comment on the record."),
                messages.SUCCESS,
            )
            return back
        if "_unschedule" in post:
            revisions.schedule(revision, None, request.user)
            self.message_user(request, _("The revision is no longer scheduled."), messages.SUCCESS)
            return back
        if "_schedule" in post:
            form = ScheduleForm(post)
            if not form.is_valid():
                return form
            at = form.cleaned_data["go_live_at"]
            if at <= timezone.now():
                form.add_error("go_live_at", _("Choose a time in the future, or publish now."))
                return form
            revisions.schedule(revision, at, request.user)
            self.message_user(
                request,
                _(
                    "The revision will be published on %(time)s; until then the public "
                    "sees the current version."
                )
                % {"time": local_time(at)},
                messages.SUCCESS,
            )
            return back
        return back

    def _publish_revision(self, request, obj, revision) -> HttpResponse:
        try:
            revisions.publish(revision, request.user)
        except PublicationBlocked as blocked:
            self.message_user(
                request,
                _(
                    "Not published: %(reason)s. A record is published "
                    "only with a source the public can see."
                )
                % {"reason": blocked.blockers.get(obj, blocked)},
                messages.ERROR,
            )
            return HttpResponseRedirect(self._revision_url("review", obj))
        except revisions.RevisionError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(self._revision_url("review", obj))
        self.log_change(request, obj, "Published its pending revision.")
        self.message_user(
            request,
            _("The changes to “%(record)s” are published: the public sees them now.")
            % {"record": obj},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._revision_url("change", obj))


# The review queue on the admin index: at most this many revisions are listed.
QUEUE_SIZE = 25


def review_queue(user: Any) -> dict[str, Any]:
    """Pending revisions (submitted ones first) and open comments, for the admin index."""
    pending = PendingRevision.objects.select_related("content_type", "updated_by", "submitted_by")
    pending = pending.order_by(models.F("submitted_at").asc(nulls_last=True), "-updated_at")
    listed = list(pending[: QUEUE_SIZE + 1])
    # The records, one query per kind of record listed.
    wanted: dict[type[models.Model], list[Any]] = {}
    for revision in listed[:QUEUE_SIZE]:
        model = revision.content_type.model_class()
        opts = model._meta if model is not None else None
        if opts is not None and user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            wanted.setdefault(model, []).append(revision.object_id)
    records = {
        (model, pk): record
        for model, pks in wanted.items()
        for pk, record in model._default_manager.in_bulk(pks).items()
    }
    rows = []
    for revision in listed[:QUEUE_SIZE]:
        model = revision.content_type.model_class()
        record = records.get((model, revision.object_id))
        if record is None:
            continue
        opts = model._meta
        rows.append(
            {
                "revision": revision,
                "record": record,
                "kind": opts.verbose_name,
                "url": reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_review", args=[record.pk]
                ),
            }
        )
    # Counted from bounded reads: the admin index runs no count of a whole table.
    comments = ReviewComment.objects.filter(resolved_at__isnull=True)
    open_comments = len(comments.values_list("pk", flat=True)[: QUEUE_SIZE + 1])
    return {
        "rows": rows,
        "total": f"{QUEUE_SIZE}+" if len(listed) > QUEUE_SIZE else len(listed),
        "open_comments": f"{QUEUE_SIZE}+" if open_comments > QUEUE_SIZE else open_comments,
    }
