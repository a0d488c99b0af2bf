"""The starting bank directory: market/data/banks.tsv (NAPAS members and wallets).

It is shared/banks.tsv with three renamed banks brought up to date (DongA Bank →
Vikki Bank, OceanBank → MBV, Viet Capital Bank → BVBank); officers correct the
rest in the admin. Loading is idempotent: rows are matched by BIN.
"""

import csv
from pathlib import Path

BANKS_TSV = Path(__file__).resolve().parent / "data" / "banks.tsv"


def load_bank_directory(apps) -> int:
    """Create or update every bank of the TSV (``apps``: a migration's registry or the real one)."""
    Bank = apps.get_model("market", "Bank")
    count = 0
    with BANKS_TSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            Bank.objects.update_or_create(
                bin=row["bin"].strip(),
                defaults={
                    "code": row["code"].strip(),
                    "short_name": row["short_name"].strip(),
                    "name": row["name"].strip(),
                },
            )
            count += 1
    return count
