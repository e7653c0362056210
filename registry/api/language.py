"""The language of an API answer: `?lang=fr` or `?lang=en` when given, else the request's
Accept-Language (read by Django's LocaleMiddleware), else English. Content-Language says
which (LocaleMiddleware sets it from the active language)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
PARAMETER = "lang"


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class ApiLanguageMiddleware:
    """Goes right after LocaleMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(API_PREFIX) or PARAMETER not in request.GET:
            return self.get_response(request)
        asked = request.GET.get(PARAMETER, "").strip().lower()
        if asked not in languages():
            return JsonResponse(
                {
                    PARAMETER: [
                        _("Unknown language “%(asked)s”: use one of %(known)s.")
                        % {"asked": asked[:20], "known": ", ".join(languages())}
                    ]
                },
                status=400,
            )
        translation.activate(asked)
        request.LANGUAGE_CODE = asked
        return self.get_response(request)
