"""The market's demo data: codes that pay nobody (issue 11, item 5), and the program's
story (issue 13, item 4)."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone

from core.demo import demo_load
from core.roles import Role
from market import demo, selectors, vietqr
from market.demo import demo_load as market_demo_load
from market.models import Market, PaymentAccount, Vendor, VendorFollowUp, VendorStatusChange
from tests.factories import UserFactory
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
    numbers = [number for v in demo.VENDORS for _bin, number, _l in v.accounts]
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


@pytest.fixture
def loaded(db):
    commune = demo_load().commune
    market_demo_load(commune, vendor_password="mot-mat-khau-dai")
    return commune


def test_the_demo_reports_more_than_70_percent_cashless(loaded):
    pairs = selectors.markets_with_adoption(Market.objects.filter(village__commune=loaded))
    total = selectors.total_adoption(pairs)
    assert (total.vendors, total.cashless) == (25, 18)
    assert total.percent_cashless == 72 and total.share_cashless > selectors.CASHLESS_TARGET
    # a code on the wall is not a transfer received: fewer are confirmed
    assert 0 < total.confirmed < total.cashless
    assert total.percent_confirmed == 44


def test_vendors_were_onboarded_month_by_month_since_june_2023(loaded):
    firsts = {}
    for change in VendorStatusChange.objects.filter(status=Vendor.Status.CASHLESS):
        firsts.setdefault(change.vendor_id, timezone.localtime(change.changed_at))
    months = sorted({f"{day:%Y-%m}" for day in firsts.values()})
    assert months[0] == "2023-06" and len(months) == len(firsts) == 19  # 18 and the one who stopped
    assert months[-1] < f"{timezone.localdate():%Y-%m}"
    # each with the history that got it there, registered when the story says
    vendor = Vendor.objects.get(stall="A01")
    assert [c.status for c in vendor.status_changes.all()] == ["not_yet", "onboarding", "cashless"]
    assert timezone.localtime(vendor.created_at).date() == datetime.date(2023, 6, 3)


def test_follow_ups_answered_and_due(loaded):
    answers = set(VendorFollowUp.objects.values_list("answer", flat=True))
    assert answers == {"yes", "no", "stopped"}
    stopped = VendorFollowUp.objects.get(answer="stopped")
    assert stopped.reason == VendorFollowUp.Reason.FEES
    assert stopped.vendor.status == Vendor.Status.NOT_YET  # moved back, in its history
    assert stopped.vendor.status_changes.last().status == Vendor.Status.NOT_YET
    flagged = VendorFollowUp.objects.get(answer="no").vendor
    assert flagged.status == Vendor.Status.CASHLESS
    due = selectors.followups_due(UserFactory(role=Role.COMMUNE_OFFICER, commune=loaded))
    assert 3 <= len(due) <= 8
    assert {v.market.village.code for v in due} == {"T01", "T03"}  # the volunteer's T03 too


def test_a_vendor_with_two_banks_and_a_wallet_and_a_vendor_who_signs_in(loaded):
    wallets = {"971005", "971011", "971025"}  # ViettelMoney, VNPTMoney, MoMo
    many = [
        v
        for v in Vendor.objects.prefetch_related("accounts__bank")
        if len({a.bank.bin for a in v.accounts.all() if a.bank.bin not in wallets}) >= 2
        and any(a.bank.bin in wallets for a in v.accounts.all())
    ]
    assert [v.full_name for v in many] == ["Rơ Mah H'Bia"]
    vendor = Vendor.objects.get(user__username=demo.VENDOR_USERNAME)
    assert vendor.user.check_password("mot-mat-khau-dai")
    assert vendor.user.groups.get().name == "vendor"


def test_the_demo_loads_twice_without_doubling(loaded):
    market_demo_load(loaded, vendor_password="mot-mat-khau-dai")
    assert Vendor.objects.count() == 25
    assert VendorFollowUp.objects.count() == sum(len(v.followups) for v in demo.VENDORS)
