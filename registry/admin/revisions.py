"""Review before a change goes live, in the admin (registry/publication/revisions.py holds the
rules and the writes).

* The change form of a published record saves into its pending revision for an Editor (and for
  a Publisher who chooses "Save for review"); the public keeps the live version. With a
  revision pending, the form shows it, for everyone.
* The review screen and the review queue are in review.py.
* Autosave (`<id>/autosave/`) keeps what an editor types in a private draft of the form,
  checked against the record like a save: a colleague's save is reported, never overwritten.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import FormDraft, ReviewComment
from registry.publication import revisions
from registry.publication.notices import local_time

from .edit_snapshot import changed_since, lock_and_read, read_token, record_key
from .locking import TOKEN_FIELD

SAVE_PENDING, SUBMIT = "_save_pending", "_submit_review"
NUMBER_FIELD = "_revision_number"
# Form inputs an autosave does not keep: the CSRF token is the page's, the buttons the save's.
UNSAVED_INPUTS = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", SAVE_PENDING, SUBMIT}


class RevisionAdminMixin:
    """Pending revisions and autosave for a publishable model."""

    # --- which save goes where ---------------------------------------------------------------

    def goes_to_revision(self, request: HttpRequest, obj: Any, revision: Any) -> bool:
        """Whether this POST saves into the pending revision instead of the live record."""
        if SAVE_PENDING in request.POST or SUBMIT in request.POST:
            return revision is not None or revisions.edits_wait_for_review(obj)
        if not self.has_publish_permission(request, obj):
            return revision is not None or revisions.edits_wait_for_review(obj)
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
                request,
                _("The pending revision cannot be shown: %(error)s") % {"error": error},
                messages.ERROR,
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
            self.message_user(
                request, _("Nothing was saved: %(error)s") % {"error": error}, messages.ERROR
            )
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
        if saved.submitted_at:
            message = _(
                "Your changes to “%(record)s” were submitted for review. The public still sees "
                "the published version until a Publisher publishes them."
            )
        else:
            message = _(
                "Your changes to “%(record)s” were saved as a pending revision. The public "
                "still sees the published version until a Publisher publishes them."
            )
        self.message_user(request, message % {"record": obj}, messages.SUCCESS)
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

    # --- the change form ----------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            revision = getattr(request, "_registry_revision", None)
            draft = FormDraft.objects.filter(
                user=request.user, content_type=revisions.content_type(obj), object_id=obj.pk
            ).first()
            context["revision_panel"] = {
                "revision": revision,
                "waits": revision is not None or revisions.edits_wait_for_review(obj),
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
            raise Http404(
                _("No %(name)s with this id: it may be deleted.")
                % {"name": self.model._meta.verbose_name}
            )
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    # --- autosave -----------------------------------------------------------------------------

    def autosave_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return JsonResponse({"error": _("This record no longer exists.")}, status=404)
        if not self.has_change_permission(request, obj):
            return JsonResponse({"error": _("You may not change this record.")}, status=403)
        token = request.POST.get(TOKEN_FIELD, "")
        started = read_token(token)
        if started is None or record_key(self.model, obj.pk) not in started:
            return JsonResponse({"error": _("The form's edit token is not valid.")}, status=400)
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
                    "message": _(
                        "Someone else saved this record after you opened it. What you "
                        "typed is kept here: save to compare your changes with theirs."
                    ),
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
        self.message_user(request, _("Your unsaved changes were discarded."), messages.SUCCESS)
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
