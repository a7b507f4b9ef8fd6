from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = "The survivor's rights across apps"
