from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.demo import OFFICER_USERNAME, demo_load
from legal_library.demo import demo_load as library_demo_load
from market.demo import VENDOR_USERNAME
from market.demo import demo_load as market_demo_load
from trainings.demo import demo_load as trainings_demo_load
from volunteers.demo import SECRETARY_USERNAME, VOLUNTEER_USERNAME
from volunteers.demo import demo_load as volunteers_demo_load

DEMO_PASSWORD = "chuprong-demo"  # noqa: S105 - printed to the developer on purpose


class Command(BaseCommand):
    help = "Load the demo commune (Chư Prông, 32 villages); safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-officer",
            action="store_true",
            help=(
                f"Also create the demo officer '{OFFICER_USERNAME}', volunteer "
                f"'{VOLUNTEER_USERNAME}', branch secretary '{SECRETARY_USERNAME}' and vendor "
                f"'{VENDOR_USERNAME}' (only with DEBUG=1)."
            ),
        )
        parser.add_argument(
            "--address",
            default="127.0.0.1:8000",
            help="host:port the portal is served on, for the sign-in address printed.",
        )

    def handle(self, *_args, with_officer: bool, address: str, **_options):
        if with_officer and not settings.DEBUG:
            raise CommandError(
                "The demo officer has a published password: it is created only with DEBUG=1."
            )
        result = demo_load(officer_password=DEMO_PASSWORD if with_officer else None)
        vendors = market_demo_load(
            result.commune, vendor_password=DEMO_PASSWORD if with_officer else None
        )
        points, documents = library_demo_load(result.commune)
        volunteers = volunteers_demo_load(
            result.commune, volunteer_password=DEMO_PASSWORD if with_officer else None
        )
        trainings_demo_load(result.commune)
        # apps above the programs (reports) declare their demo in their AppConfig
        targets = sum(
            config.demo_load(result.commune)
            for config in apps.get_app_configs()
            if hasattr(config, "demo_load")
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {result.commune} ({result.commune.province}), "
                f"{result.village_count} villages, {vendors} market vendors, "
                f"{points} legal library points, {documents} documents, "
                f"{volunteers} volunteers with a campaign and trainings, "
                f"targets of {targets} indicators."
            )
        )
        if result.officer:
            self.stdout.write(
                f"Sign in at http://{address}/accounts/login/ "
                f"as '{OFFICER_USERNAME}' with password '{DEMO_PASSWORD}' "
                f"(admin: http://{address}/admin/); "
                f"as volunteer '{VOLUNTEER_USERNAME}', branch secretary "
                f"'{SECRETARY_USERNAME}' or vendor '{VENDOR_USERNAME}' with the same password."
            )
