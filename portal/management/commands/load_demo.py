from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import demo as core_demo
from core.demo import OFFICER_USERNAME, PROVINCE_OFFICER_USERNAME, demo_load
from legal_library import demo as library_demo
from legal_library.demo import demo_load as library_demo_load
from market import demo as market_demo
from market.demo import VENDOR_USERNAME
from market.demo import demo_load as market_demo_load
from trainings import demo as trainings_demo
from trainings.demo import demo_load as trainings_demo_load
from volunteers import demo as volunteers_demo
from volunteers.demo import SECRETARY_USERNAME, VOLUNTEER_USERNAME
from volunteers.demo import demo_load as volunteers_demo_load

DEMO_PASSWORD = "chuprong-demo"  # noqa: S105 - printed to the developer on purpose


class Command(BaseCommand):
    help = (
        "Load the demo communes (Chư Prông, 32 villages; Ia Boòng, 3 villages) of Gia Lai; "
        "safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-officer",
            action="store_true",
            help=(
                f"Also create the demo officer '{OFFICER_USERNAME}', volunteer "
                f"'{VOLUNTEER_USERNAME}', branch secretary '{SECRETARY_USERNAME}' and vendor "
                f"'{VENDOR_USERNAME}' and province officer '{PROVINCE_OFFICER_USERNAME}' "
                "(only with DEBUG=1)."
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
        second = self._second_commune()
        if with_officer:
            core_demo.province_officer_load(password=DEMO_PASSWORD)
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
                f"targets of {targets} indicators; {second}."
            )
        )
        if result.officer:
            self.stdout.write(
                f"Sign in at http://{address}/accounts/login/ "
                f"as '{OFFICER_USERNAME}' with password '{DEMO_PASSWORD}' "
                f"(admin: http://{address}/admin/); "
                f"as volunteer '{VOLUNTEER_USERNAME}', branch secretary "
                f"'{SECRETARY_USERNAME}', vendor '{VENDOR_USERNAME}' or province officer "
                f"'{PROVINCE_OFFICER_USERNAME}' with the same password."
            )

    def _second_commune(self) -> str:
        """The province's second commune with a little data of its own."""
        commune = core_demo.second_commune_load()
        vendors = market_demo.second_commune_load(commune)
        points = library_demo.second_commune_load(commune)
        volunteers = volunteers_demo.second_commune_load(commune)
        sessions = trainings_demo.second_commune_load(commune)
        return (
            f"{commune} ({commune.villages.count()} villages, {vendors} vendors, "
            f"{points} library point, {volunteers} volunteers, {sessions} session)"
        )
