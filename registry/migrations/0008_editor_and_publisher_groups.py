"""The editors' roles, as groups with their permissions (docs/editors.md, "Roles").

* Editor: view, add, change and delete every registry record; may not publish, unpublish,
  schedule, or delete a published record (the admin enforces the last on each record).
* Publisher: all an Editor may do, and publish/unpublish/schedule every publishable model
  (`publish_<model>`, declared by `registry.models.base`).

Accounts are managed by superusers: neither group has any permission on users or groups.
Running this again changes nothing; reversing it removes the two groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR, PUBLISHER = "Editor", "Publisher"
RECORD_ACTIONS = ("view", "add", "change", "delete")
# Bookkeeping of the seed loader and the history tables are not edited by hand.
NOT_EDITED = ("seedentry", "historical")


def create_groups(apps, schema_editor):
    # On a new database the permissions are only created after all migrations have run.
    registry = apps.get_app_config("registry")
    registry.models_module = True
    create_permissions(registry, apps=apps, verbosity=0)
    registry.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="registry")
    edited = [
        perm
        for perm in ours
        if not perm.content_type.model.startswith(NOT_EDITED)
        and perm.codename.split("_", 1)[0] in RECORD_ACTIONS
    ]
    publishing = [perm for perm in ours if perm.codename.startswith("publish_")]
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.add(*edited)
    publisher, _ = Group.objects.get_or_create(name=PUBLISHER)
    publisher.permissions.add(*edited, *publishing)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, PUBLISHER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_publication_schedule_and_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
