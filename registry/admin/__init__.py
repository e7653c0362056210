"""The registry's Django admin: importing the modules registers every model."""

from . import events, people, places, programmes, releases, sources, visits

__all__ = ["events", "people", "places", "programmes", "releases", "sources", "visits"]
