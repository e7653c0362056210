#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership_site.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 (reads the settings, which check the environment)
    except (ImproperlyConfigured, ImportError) as error:
        # Django would go on without settings and fail later with an unrelated traceback.
        sys.exit(f"manage.py: {error} (for local development, set DJANGO_DEBUG=1)")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
