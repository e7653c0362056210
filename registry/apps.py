from django.apps import AppConfig


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = "Partnership registry"

    def ready(self) -> None:
        # Every change the public can see moves the version behind the public cache.
        from registry import text
        from registry.publication import addresses, change_log, version

        version.connect_signals()
        # A record's old addresses redirect; a deleted public record's answer 410.
        addresses.connect_signals()
        # Every public change is logged for the public, with its before and after.
        change_log.connect_signals()
        # Every text field of every registry model is stored clean, whoever saves it.
        text.connect_signals()
