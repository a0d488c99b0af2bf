from django.apps import apps
from django.core.management.base import BaseCommand

from core.roles import ROLE_PERMISSIONS, sync_roles


class Command(BaseCommand):
    help = "Create the role groups and reset their permissions to core.roles."

    def handle(self, *_args, **_options):
        sync_roles(apps)
        self.stdout.write(self.style.SUCCESS(f"{len(ROLE_PERMISSIONS)} roles in place."))
