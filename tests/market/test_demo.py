"""The market's demo data: codes that pay nobody (issue 11, item 5)."""

import re
from pathlib import Path

import pytest

from core.demo import demo_load
from market import demo, vietqr
from market.demo import demo_load as market_demo_load
from market.models import PaymentAccount
from tests.market.test_vietqr import MB_LOWERCASE_CRC, REFERENCES

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = re.compile(r"000201[0-9A-Za-z .]*?6304[0-9A-Fa-f]{4}")
ACCOUNT_OPTION = re.compile(r"--account\s+([0-9A-Za-z]+)")


def public_example_accounts() -> set[str]:
    """Account numbers of public example codes: the reference payloads (the codec's
    tests hold those of shared/VIETQR.md) and those written in README, ARCHITECTURE
    and shared/VIETQR.md where it is beside the checkout."""
    accounts = {p.values[0]["account"] for p in REFERENCES}
    accounts.add(vietqr.parse(MB_LOWERCASE_CRC).account)
    texts = [ROOT / "README.md", ROOT / "ARCHITECTURE.md", ROOT.parent / "shared" / "VIETQR.md"]
    for path in texts:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        for payload in PAYLOAD.findall(text):
            accounts.add(vietqr.parse(payload).account)
        accounts.update(ACCOUNT_OPTION.findall(text))
    return accounts


def test_the_examples_are_found():
    assert {"257678859", "0011001932418", "0352350917", "V3CASLRPR13MT76"} <= (
        public_example_accounts()
    )


def test_demo_accounts_are_fictional_and_none_is_a_public_example():
    numbers = [number for *_v, accounts in demo.VENDORS for _bin, number, _l in accounts]
    assert numbers and len(set(numbers)) == len(numbers)
    assert not set(numbers) & public_example_accounts()
    for number in numbers:
        assert re.fullmatch(demo.FICTIONAL_ACCOUNT, number), number
        vietqr.validate_account(number)  # still a valid code


@pytest.mark.django_db
def test_the_loaded_demo_holds_only_those_accounts():
    market_demo_load(demo_load().commune)
    stored = set(PaymentAccount.objects.values_list("account_number", flat=True))
    assert stored and all(re.fullmatch(demo.FICTIONAL_ACCOUNT, n) for n in stored)
    for account in PaymentAccount.objects.select_related("bank"):
        assert vietqr.parse(account.payload).account == account.account_number
