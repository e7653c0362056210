"""The registry's Django admin: importing the modules registers every model."""

from . import events, people, places, programmes, sources, visits

__all__ = ["events", "people", "places", "programmes", "sources", "visits"]
