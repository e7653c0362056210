"""The publication workflow in the admin: draft → published → (unpublished, back to draft).

Publishing, unpublishing and scheduling are a Publisher's (`publish_<model>` permission) and
are enforced here on the server, whatever the browser sends:

* the status is never a form input; it changes only through the "Save and publish" /
  "Save and unpublish" buttons or the bulk actions, each checked against the permission;
* "publish at" and "expire at" are read-only for anyone who may not publish, and their
  stored values are written back before saving should a form carry them anyway;
* a published record may be deleted only by a Publisher (change form, bulk delete, inline);
* the same rules hold for publishable children edited in an inline (appointments,
  participations).

Each admin is assembled from mixins (`PublicationAdminMixin`, `history.HistoryAdminMixin`)
so that later features (conflict detection, CSV export) can be added the same way.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registry.models import Publishable, Status
from registry.publication import actions, change_log
from registry.publication.gate import describe, publication_blockers
from registry.publication.notices import local_time, public_notice, zone_name
from registry.publication.permissions import can_publish
from registry.publication.share_links import (
    is_previewable,
    revoke,
    share_expiry,
    share_url,
    staff_preview_url,
)
from registry.publication.visibility import PublicState, is_public
from registry.text import clean_text

PUBLICATION_FIELDS = ("status", "publish_at", "expire_at")
SCHEDULE_FIELDS = ("publish_at", "expire_at")
PUBLISH, UNPUBLISH = "_publish", "_unpublish"


def is_publishable(model: type[models.Model]) -> bool:
    return issubclass(model, Publishable)


class PublicStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("what the public sees")
    parameter_name = "public"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [(state.value, state.label) for state in PublicState]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == PublicState.DRAFT:
            return queryset.filter(status=Status.DRAFT)
        if value == PublicState.LIVE:
            return queryset.filter(pk__in=queryset.model.objects.published().values("pk"))
        if value == PublicState.SCHEDULED:
            return queryset.filter(pk__in=queryset.model.objects.scheduled().values("pk"))
        if value == PublicState.EXPIRED:
            return queryset.filter(pk__in=queryset.model.objects.expired().values("pk"))
        return queryset


@admin.display(description=gettext_lazy("public"), ordering="status")
def publication_column(obj: Publishable) -> str:
    state = obj.public_state()
    if state == PublicState.SCHEDULED:
        return _("Scheduled for %(time)s") % {"time": local_time(obj.publish_at)}
    if state == PublicState.EXPIRED:
        return _("Expired %(time)s") % {"time": local_time(obj.expire_at)}
    return _("Published") if state == PublicState.LIVE else _("Draft")


def _keep_stored_publication(obj: Publishable, fields: tuple[str, ...]) -> None:
    """Put back the stored values of `fields` (new records: the defaults)."""
    stored = type(obj)._default_manager.filter(pk=obj.pk).values(*fields).first()
    if obj.pk is None or stored is None:
        stored = {name: type(obj)._meta.get_field(name).get_default() for name in fields}
    for name, value in stored.items():
        setattr(obj, name, value)


# The published records a refused bulk delete names; the rest are counted.
NAMED_RECORDS = 10


@admin.action(permissions=["delete"], description=delete_selected.short_description)
def delete_selected_if_allowed(
    modeladmin: PublicationAdminMixin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    """Django's "Delete selected", refused at once, with the records named, when the
    selection holds published records and the user may not publish: Django's own answer
    there blames "related objects" the user may not delete, which sends them looking for
    children that are not the cause."""
    if not modeladmin.has_publish_permission(request):
        published = list(queryset.filter(status=Status.PUBLISHED)[: NAMED_RECORDS + 1])
        if published:
            message = refused_deletion(queryset.model, published)
            modeladmin.message_user(request, message, messages.ERROR)
            return None
    return delete_selected(modeladmin, request, queryset)


def refused_deletion(model: type[models.Model], published: list[Publishable]) -> str:
    names = ", ".join(_("“%(record)s”") % {"record": obj} for obj in published[:NAMED_RECORDS])
    if len(published) > NAMED_RECORDS:
        names = _("%(names)s and others") % {"names": names}
    plural = model._meta.verbose_name_plural
    return _(
        "Nothing was deleted: only a Publisher may delete published %(plural)s, and these are "
        "published: %(names)s. Ask a Publisher to unpublish them (you may then delete them) "
        "or to delete them, or untick them to delete the rest of the selection."
    ) % {"plural": plural, "names": names}


class PublicationAdminMixin:
    """Workflow for a publishable model's admin: buttons, bulk actions, permissions, notice."""

    actions = ("publish", "unpublish")
    change_form_template = "admin/registry/change_form.html"

    # --- permissions -----------------------------------------------------------------------

    def has_publish_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_publish(request.user, self.model)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        if obj is not None and obj.status == Status.PUBLISHED:
            return self.has_publish_permission(request, obj)
        return True

    # --- the form -------------------------------------------------------------------------

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = [*super().get_readonly_fields(request, obj), "status"]
        if not self.has_publish_permission(request, obj):
            readonly += [name for name in SCHEDULE_FIELDS if name not in readonly]
        return tuple(readonly)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        fieldsets = super().get_fieldsets(request, obj)
        result = []
        for name, options in fieldsets:
            fields = tuple(options.get("fields", ()))
            if "status" in fields:
                extra = tuple(f for f in SCHEDULE_FIELDS if f not in fields)
                options = {
                    **options,
                    "fields": fields + extra,
                    "description": options.get("description")
                    or _(
                        "Times are in %(zone)s. Only a Publisher can publish, "
                        "unpublish or change these times."
                    )
                    % {"zone": zone_name()},
                }
            result.append((name, options))
        return result

    def get_list_display(self, request: HttpRequest) -> tuple:
        return tuple(
            publication_column if name == "status" else name
            for name in super().get_list_display(request)
        )

    def get_list_filter(self, request: HttpRequest) -> tuple:
        filters = tuple(super().get_list_filter(request))
        return (PublicStateFilter, *filters) if PublicStateFilter not in filters else filters

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: Any):
        if db_field.name in SCHEDULE_FIELDS:
            kwargs["help_text"] = _("%(help)s Enter the time in %(zone)s.") % {
                "help": db_field.help_text,
                "zone": zone_name(),
            }
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class WorkflowForm(form):
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                publish_at, expire_at = cleaned.get("publish_at"), cleaned.get("expire_at")
                if (
                    publish_at
                    and expire_at
                    and expire_at <= publish_at
                    and ("expire_at" in self.fields)
                ):
                    self.add_error(
                        "expire_at", _("The expiry time must be after the publication time.")
                    )
                return cleaned

        WorkflowForm.__name__ = form.__name__
        return WorkflowForm

    # --- saving -----------------------------------------------------------------------------

    def workflow_action(self, request: HttpRequest) -> str | None:
        if request.method != "POST":
            return None
        if PUBLISH in request.POST:
            return PUBLISH
        if UNPUBLISH in request.POST:
            return UNPUBLISH
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Refused before anything is read or saved.
        if self.workflow_action(request) and not self.has_publish_permission(request):
            raise PermissionDenied
        if request.method == "POST" and self.has_publish_permission(request):
            # Why, for the public: kept with this change in the public change log.
            note = clean_text(request.POST.get("public_note", "")).strip()
            request.registry_public_note = note[: change_log.NOTE_LENGTH]
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        action = self.workflow_action(request)
        allowed = self.has_publish_permission(request, obj)
        if action and not allowed:
            raise PermissionDenied
        if not allowed:
            _keep_stored_publication(obj, PUBLICATION_FIELDS)
        else:
            _keep_stored_publication(obj, ("status",))
        if action == UNPUBLISH:
            actions.mark(obj, Status.DRAFT)
        # Publishing waits for the inlines: the citations saved with the form count.
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        blockers = publication_blockers([obj])
        if self.workflow_action(request) == PUBLISH and obj.status != Status.PUBLISHED:
            if blockers:
                request.registry_publication_blocked = blockers[obj]
            else:
                actions.publish([obj])
        elif blockers and obj.status == Status.PUBLISHED:
            self.message_user(
                request,
                _(
                    "“%(record)s” is published but %(reason)s. The dashboard lists it under "
                    "“Published without a source”."
                )
                % {"record": obj, "reason": blockers[obj]},
                messages.WARNING,
            )

    def _after_workflow_save(self, request: HttpRequest, obj: Any) -> HttpResponse | None:
        action = self.workflow_action(request)
        if action is None:
            return None
        blocked = getattr(request, "registry_publication_blocked", None)
        if blocked:
            self.message_user(
                request,
                _(
                    "“%(record)s” was saved as a draft but not published: %(reason)s. "
                    "A record is published only with a source the public can see."
                )
                % {"record": obj, "reason": blocked},
                messages.ERROR,
            )
        else:
            notice = public_notice(obj)
            if action == PUBLISH:
                message = _("“%(record)s” was saved and published. %(notice)s.")
            else:
                message = _("“%(record)s” was saved and unpublished. %(notice)s.")
            self.message_user(
                request, message % {"record": obj, "notice": notice["title"]}, messages.SUCCESS
            )
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        return self._after_workflow_save(request, obj) or super().response_change(request, obj)

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue=None):
        return self._after_workflow_save(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        can_pub = self.has_publish_permission(request, obj)
        opts = self.model._meta
        workflow = {
            "notice": public_notice(obj),
            "can_publish": can_pub and (add or self.has_change_permission(request, obj)),
            "is_published": obj is not None and obj.status == Status.PUBLISHED,
            "zone": zone_name(),
        }
        if obj is not None and obj.pk is not None and is_previewable(self.model):
            workflow["preview_url"] = staff_preview_url(obj)
            if self.has_change_permission(request, obj):
                workflow["share_url"] = reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_share", args=[obj.pk]
                )
                workflow["revoke_url"] = reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_revoke_share", args=[obj.pk]
                )
        context["workflow"] = workflow
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_view_on_site_url(self, obj: Any = None) -> str | None:
        url = super().get_view_on_site_url(obj)
        if url is None or obj is None or obj.pk is None or not is_previewable(self.model):
            return url
        # The public page of a record the public does not see (a draft, scheduled, expired,
        # or hanging from a draft) is "not found": "View on site" opens its preview instead.
        return url if is_public(obj) else staff_preview_url(obj)

    # --- the share-link page ----------------------------------------------------------------

    def get_urls(self) -> list:
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        urls = [
            path(
                "<path:object_id>/share/",
                self.admin_site.admin_view(self.share_view),
                name=f"{name}_share",
            ),
            path(
                "<path:object_id>/share/revoke/",
                self.admin_site.admin_view(self.revoke_share_view),
                name=f"{name}_revoke_share",
            ),
        ]
        return urls + super().get_urls()

    def share_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not is_previewable(self.model) or not self.has_change_permission(request, obj):
            raise PermissionDenied
        expires = timezone.now() + share_expiry()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": _("Share a preview of “%(record)s”") % {"record": obj},
            "share_link": request.build_absolute_uri(share_url(obj)),
            "expires": local_time(expires),
            "days": settings.PREVIEW_LINK_MAX_AGE_DAYS,
            "notice": public_notice(obj),
            "revoke_url": reverse(
                f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_revoke_share",
                args=[obj.pk],
            ),
        }
        return TemplateResponse(request, "admin/registry/share_link.html", context)

    def revoke_share_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Every share link sent so far for the record stops working; new ones work."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not is_previewable(self.model) or not self.has_change_permission(request, obj):
            raise PermissionDenied
        revoke(obj, request.user)
        self.log_change(request, obj, "Revoked its share links.")
        self.message_user(
            request,
            _(
                "The share links of “%(record)s” sent so far no longer work. A new link made "
                "from “Share link” works as before."
            )
            % {"record": obj},
            messages.SUCCESS,
        )
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )

    # --- bulk actions -----------------------------------------------------------------------

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions[name] = (delete_selected_if_allowed, name, description)
        return actions

    @admin.action(
        description=gettext_lazy("Publish selected %(verbose_name_plural)s"),
        permissions=["publish"],
    )
    def publish(self, request: HttpRequest, queryset: QuerySet[Publishable]) -> None:
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(
        description=gettext_lazy("Unpublish selected %(verbose_name_plural)s (back to draft)"),
        permissions=["publish"],
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Publishable]) -> None:
        self._set_status(request, queryset, Status.DRAFT)

    def _set_status(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        # The action's permission is checked by Django before it runs; checked again here
        # because a refused action must never write.
        if not self.has_publish_permission(request):
            raise PermissionDenied
        pending = queryset.exclude(status=status)
        if isinstance(self.list_select_related, list | tuple) and self.list_select_related:
            # The log entries name each record, and __str__ may follow these relations.
            pending = pending.select_related(*self.list_select_related)
        pending = list(pending)
        blockers = publication_blockers(pending) if status == Status.PUBLISHED else {}
        if blockers:
            self.message_user(
                request,
                ngettext(
                    "%(count)d not published, because a record is published only with a "
                    "source the public can see: %(reasons)s.",
                    "%(count)d not published, because a record is published only with a "
                    "source the public can see: %(reasons)s.",
                    len(blockers),
                )
                % {"count": len(blockers), "reasons": describe(blockers)},
                messages.ERROR,
            )
            pending = [record for record in pending if record not in blockers]
            if not pending:
                return
        to_change = actions.set_status(pending, status)
        if to_change:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=to_change,
                action_flag=CHANGE,
                change_message=[{"changed": {"fields": ["Status"]}}],
            )
        published = status == Status.PUBLISHED
        count = len(to_change)
        if not count:
            if published:
                message = _("The selection was already published.")
            else:
                message = _("The selection was already draft.")
            self.message_user(request, message, messages.INFO)
            return
        name = model_ngettext(self.model, count)
        if published:
            message = _("%(count)d %(name)s marked published.")
        else:
            message = _("%(count)d %(name)s marked draft.")
        self.message_user(request, message % {"count": count, "name": name}, messages.SUCCESS)
        if status == Status.PUBLISHED:
            hidden = [obj for obj in to_change if obj.public_state() != PublicState.LIVE]
            if hidden:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d of them are not public yet or any more because of their "
                        "publish or expiry time: %(records)s.",
                        "%(count)d of them are not public yet or any more because of their "
                        "publish or expiry time: %(records)s.",
                        len(hidden),
                    )
                    % {"count": len(hidden), "records": ", ".join(str(obj) for obj in hidden)},
                    messages.WARNING,
                )


class PublicationInlineMixin:
    """Publishable children edited inline (appointments, participations) follow the same
    rules: their status and times are read-only, and a published one cannot be deleted,
    for anyone who may not publish them."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if is_publishable(self.model) and not can_publish(request.user, self.model):
            readonly += tuple(name for name in PUBLICATION_FIELDS if name not in readonly)
        return readonly

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any):
        formset = super().get_formset(request, obj, **kwargs)
        formset.may_publish = not is_publishable(self.model) or can_publish(
            request.user, self.model
        )
        return formset


class PublicationFormSetMixin:
    may_publish = True

    def clean(self) -> None:
        super().clean()
        if self.may_publish:
            return
        for form in self.forms:
            instance = form.instance
            if (
                instance.pk is not None
                and self._should_delete_form(form)
                and getattr(instance, "status", None) == Status.PUBLISHED
            ):
                raise ValidationError(
                    _("“%(record)s” is published: only a Publisher can delete it.")
                    % {"record": instance},
                    code="published",
                )

    def save_new(self, form: Any, commit: bool = True) -> Any:
        if not self.may_publish and is_publishable(type(form.instance)):
            _keep_stored_publication(form.instance, PUBLICATION_FIELDS)
        return super().save_new(form, commit)

    def save_existing(self, form: Any, obj: Any, commit: bool = True) -> Any:
        if not self.may_publish and is_publishable(type(obj)):
            _keep_stored_publication(obj, PUBLICATION_FIELDS)
        return super().save_existing(form, obj, commit)
