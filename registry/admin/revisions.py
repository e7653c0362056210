"""Review before a change goes live, in the admin (registry/publication/revisions.py holds the
rules and the writes).

* The change form of a published record saves into its pending revision for an Editor (and for
  a Publisher who chooses "Save for review"); the public keeps the live version. With a
  revision pending, the form shows it, for everyone.
* The review screen (`<id>/review/`) shows what the public sees now and what it will see, field
  by field and row by row, with the comments; from it a Publisher publishes, schedules,
  discards or requests changes, and anyone may comment.
* Autosave (`<id>/autosave/`) keeps what an editor types in a private draft of the form,
  checked against the record like a save: a colleague's save is reported, never overwritten.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from registry.models import FormDraft, PendingRevision, ReviewComment
from registry.publication import revisions
from registry.publication.gate import PublicationBlocked
from registry.publication.notices import local_time, zone_name
from registry.publication.revision_diff import revision_diff

from .edit_snapshot import changed_since, lock_and_read, read_token, record_key
from .locking import TOKEN_FIELD

SAVE_PENDING, SUBMIT = "_save_pending", "_submit_review"
NUMBER_FIELD = "_revision_number"
# Form inputs an autosave does not keep: the CSRF token is the page's, the buttons the save's.
UNSAVED_INPUTS = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", SAVE_PENDING, SUBMIT}


class ScheduleForm(forms.Form):
    go_live_at = forms.DateTimeField(
        label="Publish at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="The public sees the corrected version from this time on.",
    )


class RevisionAdminMixin:
    """Pending revisions, their review, comments and autosave for a publishable model."""

    # --- which save goes where ---------------------------------------------------------------

    def goes_to_revision(self, request: HttpRequest, obj: Any, revision: Any) -> bool:
        """Whether this POST saves into the pending revision instead of the live record."""
        if SAVE_PENDING in request.POST or SUBMIT in request.POST:
            return revision is not None or revisions.goes_live_with_revisions(obj)
        if not self.has_publish_permission(request, obj):
            return revision is not None or revisions.goes_live_with_revisions(obj)
        # A Publisher's plain save keeps a colleague's waiting revision waiting; "Save and
        # publish" or "Save and unpublish" act on the live record.
        return revision is not None and self.workflow_action(request) is None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self._stored(object_id) if object_id is not None else None
        revision = revisions.pending_for(obj) if obj is not None else None
        request._registry_revision = revision
        if revision is None and (
            obj is None or request.method != "POST" or not self.goes_to_revision(request, obj, None)
        ):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if obj is not None and isinstance(response, HttpResponseRedirect):
                self._clear_draft(request, obj)
            return response
        if request.method == "POST" and self.goes_to_revision(request, obj, revision):
            return self._save_revision(request, obj, revision, object_id, form_url, extra_context)
        try:
            return self._with_revision(request, obj, revision, object_id, form_url, extra_context)
        except revisions.RevisionError as error:
            # The revision cannot be laid over the record any more (a record it links to was
            # deleted): the live version is shown, with the reason, and the review screen.
            self.message_user(
                request, f"The pending revision cannot be shown: {error}", messages.ERROR
            )
            request._registry_revision = None
            return super().changeform_view(request, object_id, form_url, extra_context)

    def _with_revision(self, request, obj, revision, object_id, form_url, extra_context):
        """The form with the pending revision in place: shown, or (a Publisher's "Save and
        publish" or "Save and unpublish") saved over the live record, which spends it."""
        using = router.db_for_write(self.model)
        with transaction.atomic(using=using):
            revisions.write(self.model, obj.pk, revision.data)
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if isinstance(response, HttpResponseRedirect):
                revisions.discard(revision)
                self._clear_draft(request, obj)
                return response
            if hasattr(response, "render"):
                response.render()
            transaction.set_rollback(True)
        return response

    def _save_revision(self, request, obj, revision, object_id, form_url, extra_context):
        using = router.db_for_write(self.model)
        data = None
        request._registry_diverted = True
        try:
            with transaction.atomic(using=using):
                if revision is not None:
                    revisions.write(self.model, obj.pk, revision.data)
                response = super().changeform_view(request, object_id, form_url, extra_context)
                if isinstance(response, HttpResponseRedirect):
                    data = revisions.capture(obj)
                elif hasattr(response, "render"):
                    response.render()
                transaction.set_rollback(True)
        except revisions.RevisionError as error:
            self.message_user(request, f"Nothing was saved: {error}", messages.ERROR)
            return HttpResponseRedirect(self._revision_url("review", obj))
        finally:
            request._registry_diverted = False
        if data is None:
            return response
        number = request.POST.get(NUMBER_FIELD, "")
        try:
            saved = revisions.save(
                obj,
                data,
                request.user,
                number=int(number) if number.isdigit() else None,
                submit=SUBMIT in request.POST,
            )
        except revisions.RevisionError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(self._revision_url("change", obj))
        what = "submitted for review" if saved.submitted_at else "saved as a pending revision"
        self.message_user(
            request,
            f"Your changes to “{obj}” were {what}. The public still sees the published "
            "version until a Publisher publishes them.",
            messages.SUCCESS,
        )
        return response

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # While a save is diverted into the revision, the admin's "changed successfully"
        # would say the record changed: it did not (the revision's own message follows).
        if getattr(request, "_registry_diverted", False) and level == messages.SUCCESS:
            return None
        return super().message_user(request, message, level, *args, **kwargs)

    def _stored(self, object_id: str) -> Any:
        """The record, read apart from the admin's get_object (which the form reads it with)."""
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            return None
        return self.model._default_manager.filter(pk=pk).first()

    def _clear_draft(self, request: HttpRequest, obj: Any) -> None:
        FormDraft.objects.filter(
            user=request.user, content_type=revisions.content_type(obj), object_id=obj.pk
        ).delete()

    # --- the bulk action ------------------------------------------------------------------------

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if self.has_publish_permission(request):
            name = "publish_pending_revisions"
            actions[name] = (
                type(self).publish_pending_revisions,
                name,
                "Publish the pending revisions of the selected %(verbose_name_plural)s",
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
                request, f"{published} pending revision(s) published.", messages.SUCCESS
            )
        elif not refused:
            self.message_user(request, "None of the selection has a pending revision.")
        if refused:
            self.message_user(request, "Not published: " + "; ".join(refused) + ".", messages.ERROR)

    # --- the change form ----------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            revision = getattr(request, "_registry_revision", None)
            draft = FormDraft.objects.filter(
                user=request.user, content_type=revisions.content_type(obj), object_id=obj.pk
            ).first()
            context["revision_panel"] = {
                "revision": revision,
                "waits": revision is not None or revisions.goes_live_with_revisions(obj),
                "review_url": self._revision_url("review", obj),
                "autosave_url": self._revision_url("autosave", obj),
                "discard_draft_url": self._revision_url("discard_draft", obj),
                "comments": revisions.open_comments(obj),
                "draft": {"data": draft.data, "saved": local_time(draft.saved_at)}
                if draft and request.method != "POST"
                else None,
                "change_request": _change_request(obj, revision),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- URLs ---------------------------------------------------------------------------------

    def get_urls(self) -> list:
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/review/", view(self.review_view), name=f"{name}_review"),
            path("<path:object_id>/autosave/", view(self.autosave_view), name=f"{name}_autosave"),
            path(
                "<path:object_id>/autosave/discard/",
                view(self.discard_draft_view),
                name=f"{name}_discard_draft",
            ),
            *super().get_urls(),
        ]

    def _revision_url(self, view: str, obj: Any) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])

    def _record(self, request: HttpRequest, object_id: str) -> Any:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.model._meta.verbose_name} with this id: it may be deleted.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

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
        diff = revision_diff(revisions.capture(obj), revision.data) if revision else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": f"Review the changes to “{obj}”",
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
                self.message_user(request, "A comment needs some text.", messages.ERROR)
                return back
            revisions.add_comment(
                self.model, obj.pk, request.user, body, field_name=post.get("field", "")[:100]
            )
            self.message_user(request, "Your comment was added.", messages.SUCCESS)
            return back
        if "_resolve" in post:
            comment = ReviewComment.objects.filter(
                pk=post.get("_resolve") if post.get("_resolve", "").isdigit() else None,
                content_type=revisions.content_type(obj),
                object_id=obj.pk,
                resolved_at__isnull=True,
            ).first()
            if comment is None:
                self.message_user(request, "That comment is already resolved.", messages.INFO)
            else:
                revisions.resolve_comment(comment, request.user)
                self.message_user(request, "The comment was marked resolved.", messages.SUCCESS)
            return back
        if revision is None:
            self.message_user(request, "There is no pending revision any more.", messages.INFO)
            return back
        if "_submit" in post:
            revisions.submit(revision, request.user)
            self.message_user(request, "The revision was submitted for review.", messages.SUCCESS)
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
                "The pending revision was discarded; the public version stays.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._revision_url("change", obj))
        if "_request_changes" in post:
            body = post.get("body", "").strip()
            if not body:
                self.message_user(
                    request,
                    "Say what should change: the comment is what the editor reads.",
                    messages.ERROR,
                )
                return back
            revisions.request_changes(revision, request.user, body)
            self.message_user(
                request,
                "Changes were requested; the editor sees your comment on the record.",
                messages.SUCCESS,
            )
            return back
        if "_unschedule" in post:
            revisions.schedule(revision, None, request.user)
            self.message_user(request, "The revision is no longer scheduled.", messages.SUCCESS)
            return back
        if "_schedule" in post:
            form = ScheduleForm(post)
            if not form.is_valid():
                return form
            at = form.cleaned_data["go_live_at"]
            if at <= timezone.now():
                form.add_error("go_live_at", "Choose a time in the future, or publish now.")
                return form
            revisions.schedule(revision, at, request.user)
            self.message_user(
                request,
                f"The revision will be published on {local_time(at)}; until then the public "
                "sees the current version.",
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
                f"Not published: {blocked.blockers.get(obj, blocked)}. A record is published "
                "only with a source the public can see.",
                messages.ERROR,
            )
            return HttpResponseRedirect(self._revision_url("review", obj))
        except revisions.RevisionError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(self._revision_url("review", obj))
        self.log_change(request, obj, "Published its pending revision.")
        self.message_user(
            request,
            f"The changes to “{obj}” are published: the public sees them now.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._revision_url("change", obj))

    # --- autosave -----------------------------------------------------------------------------

    def autosave_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return JsonResponse({"error": "This record no longer exists."}, status=404)
        if not self.has_change_permission(request, obj):
            return JsonResponse({"error": "You may not change this record."}, status=403)
        token = request.POST.get(TOKEN_FIELD, "")
        started = read_token(token)
        if started is None or record_key(self.model, obj.pk) not in started:
            return JsonResponse({"error": "The form's edit token is not valid."}, status=400)
        revision = revisions.pending_for(obj)
        number = request.POST.get(NUMBER_FIELD) or None
        using = router.db_for_write(self.model)
        with revisions.showing(revision), transaction.atomic(using=using):
            stale = changed_since(started, lock_and_read(started, self.model, using))
        if not stale and str(revision.number if revision else "") != (number or ""):
            stale = True
        if stale:
            return JsonResponse(
                {
                    "conflict": True,
                    "message": "Someone else saved this record after you opened it. What you "
                    "typed is kept here: save to compare your changes with theirs.",
                },
                status=409,
            )
        data = {name: values for name, values in request.POST.lists() if name not in UNSAVED_INPUTS}
        now = timezone.now()
        FormDraft.objects.update_or_create(
            user=request.user,
            content_type=revisions.content_type(obj),
            object_id=obj.pk,
            defaults={"data": data, "token": token, "saved_at": now},
        )
        return JsonResponse({"saved": True, "saved_at": timezone.localtime(now).strftime("%H:%M")})

    def discard_draft_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._record(request, object_id)
        self._clear_draft(request, obj)
        self.message_user(request, "Your unsaved changes were discarded.", messages.SUCCESS)
        return HttpResponseRedirect(self._revision_url("change", obj))


def _change_request(obj: Any, revision: Any) -> ReviewComment | None:
    if revision is None or revision.changes_requested_at is None:
        return None
    return (
        ReviewComment.objects.filter(
            content_type=revisions.content_type(obj),
            object_id=obj.pk,
            requests_changes=True,
            resolved_at__isnull=True,
        )
        .order_by("-created_at")
        .first()
    )


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
