"""The vendor import accepts its own export (issue 11, item 3).

Through the real functions the import page uses: ``export_vendors`` →
``read_rows`` → ``check_rows`` → ``vendor_import``.
"""

import pytest

from core.models import AuditEntry
from market import selectors, services, spreadsheets
from market.models import Bank, PaymentAccount, Vendor
from market.services import AccountData

pytestmark = pytest.mark.django_db


def _export(market) -> bytes:
    return spreadsheets.export_vendors(market, selectors.market_vendors(market))


def _import(market, content: bytes, user, filename="nguoi-ban.xlsx", *, only_clean=False):
    rows = spreadsheets.check_rows(spreadsheets.read_rows(content, filename), market, user=user)
    assert only_clean or all(r.ok for r in rows), [(r.number, r.errors) for r in rows]
    return rows, services.vendor_import(market=market, rows=rows, only_clean=only_clean, actor=user)


def _accounts(vendor) -> set[tuple[str, str, str, str]]:
    return {
        (a.bank.bin, a.account_number, a.holder_name, a.label)
        for a in vendor.accounts.select_related("bank")
    }


def test_the_export_imported_again_changes_nothing(market_a, vendor_a, officer):
    """A vendor with a bank and a MoMo account: two rows, both recognised as hers."""
    assert {a.bank.bin for a in vendor_a.accounts.all()} == {"970436", "971025"}
    before = _accounts(vendor_a)
    entries = AuditEntry.objects.count()
    content = _export(market_a)
    for _ in range(2):  # and again: idempotent
        rows, result = _import(market_a, content, officer)
        assert len(rows) == 2
        assert (result.created, result.accounts, result.skipped) == (0, 0, 0)
    assert Vendor.objects.filter(market=market_a).count() == 1
    assert _accounts(vendor_a) == before
    assert PaymentAccount.objects.count() == 2
    assert AuditEntry.objects.count() == entries


def test_an_account_shared_with_a_reason_does_not_stop_the_export_coming_back(
    market_a, vendor_a, vcb, officer
):
    """Two vendors an officer let share one account: both already hold it."""
    husband = services.vendor_register(
        market=market_a, full_name="Trần Văn Bưởi", stall="A13", actor=None
    )
    services.account_add(
        vendor=husband,
        data=AccountData(bank=vcb, account_number="1023456789", holder_name="Lê Thị Bưởi"),
        actor=officer,
        override_reason="Vợ chồng bán chung một quầy đôi",
    )
    _rows, result = _import(market_a, _export(market_a), officer)
    assert (result.created, result.accounts) == (0, 0)


def test_a_vendor_deleted_then_imported_from_the_export_has_both_accounts_back(
    market_a, vendor_a, officer
):
    before = _accounts(vendor_a)
    primary = vendor_a.accounts.get(is_primary=True).account_number
    content = _export(market_a)
    services.vendor_delete(vendor=vendor_a, actor=officer)
    _rows, result = _import(market_a, content, officer)
    assert (result.created, result.accounts) == (1, 2)
    again = Vendor.objects.get(market=market_a)
    assert (again.full_name, again.stall) == ("Lê Thị Bưởi", "A12")
    assert _accounts(again) == before  # the MoMo account too
    assert again.accounts.get(is_primary=True).account_number == primary
    _rows, result = _import(market_a, content, officer)  # a second time adds nothing
    assert (result.created, result.accounts) == (0, 0)
    assert again.accounts.count() == 2


def test_a_new_vendor_on_several_rows_gets_each_account_once(market_a, officer):
    csv = (
        "Họ và tên,Quầy,Ngân hàng,Số tài khoản,Chủ tài khoản,Nhãn\n"
        "Ksor H'Hen,D4,Agribank,5102 2051-23456,Ksor H'Hen,\n"
        "ksor h'hen,d4,momo,0905.111.222,Ksor H'Hen,MoMo\n"
        "Rơ Châm Hơn,,970415,1903 6789-012,Rơ Châm Hơn,\n"
        "Ro Cham Hon,,viettel money,0905 333 444,Rơ Châm Hơn,Viettel Money\n"
    ).encode()
    rows, result = _import(market_a, csv, officer, "nguoi-ban.csv")
    assert (result.created, result.accounts) == (2, 4)
    hen = Vendor.objects.get(stall="D4")
    assert {a.account_number for a in hen.accounts.all()} == {"5102205123456", "0905111222"}
    hon = Vendor.objects.get(full_name="Rơ Châm Hơn")
    assert {a.account_number for a in hon.accounts.all()} == {"19036789012", "0905333444"}
    assert rows[2].values["account_number"] == "19036789012"  # shown cleaned in the preview
    _rows, result = _import(market_a, csv, officer, "nguoi-ban.csv")
    assert (result.created, result.accounts) == (0, 0)


def test_a_stall_of_another_vendor_and_a_repeated_account_are_still_errors(
    market_a, vendor_a, officer
):
    csv = (
        "Họ và tên,Quầy,Ngân hàng,Số tài khoản,Chủ tài khoản\n"
        "Người Khác,A12,,,\n"  # vendor_a's stall
        "Mới Một,M1,Vietcombank,7777777777,Moi Mot\n"
        "Mới Hai,M1,,,\n"  # the same stall, another name
        "Mới Ba,M3,VCB,7777-777-777,Moi Ba\n"  # the same account as row 3
    ).encode()
    rows = spreadsheets.check_rows(spreadsheets.read_rows(csv, "a.csv"), market_a, user=officer)
    assert [r.ok for r in rows] == [False, True, False, False]
    assert "A12" in rows[0].errors[0]
    assert "3" in rows[2].errors[0] and "3" in rows[3].errors[0]


@pytest.mark.parametrize(
    "text",
    [
        "vietcombank",
        "Vietcombank",
        "Ngân hàng TMCP Ngoại thương Việt Nam",
        "ngan hang tmcp ngoai thuong viet nam",
        "NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM",
        "970436",
        " 970436 ",
        "VCB",
        "vcb",
        "Vietcombank (970436)",
    ],
)
def test_a_bank_is_known_by_bin_code_short_or_full_name(text):
    assert [b.bin for b in selectors.bank_index().resolve(text)] == ["970436"]


@pytest.mark.parametrize(
    ("text", "bins"),
    [
        ("MAFC", ["970468", "977777"]),  # one name, two BINs in the public lists: ask for it
        ("MAFC (977777)", ["977777"]),
        ("Vietcombank (970422)", []),  # a name and a BIN that disagree
        ("Ngân hàng Mặt Trăng", []),
        ("999999", []),
        ("", []),
    ],
)
def test_unclear_or_unknown_banks_are_not_guessed(text, bins):
    assert sorted(b.bin for b in selectors.bank_index().resolve(text)) == bins


def test_the_export_names_each_bank_so_that_it_comes_back_the_same(market_a, officer):
    """Banks that share a short name (MAFC's two BINs) come back as exported."""
    for bin_ in ("970468", "977777"):
        services.vendor_register(
            market=market_a,
            full_name=f"Vay {bin_}",
            stall=bin_[-2:],
            accounts=[
                AccountData(
                    bank=Bank.objects.get(bin=bin_),
                    account_number=f"0000{bin_}",
                    holder_name="X",
                )
            ],
            actor=None,
        )
    content = _export(market_a)
    rows = spreadsheets.check_rows(
        spreadsheets.read_rows(content, "x.xlsx"), market_a, user=officer
    )
    assert all(r.ok for r in rows)
    assert sorted(r.values["bank"] for r in rows) == ["970468", "977777"]


def test_an_ambiguous_bank_is_a_row_error_naming_the_choices(market_a, officer):
    csv = "Họ và tên,Ngân hàng,Số tài khoản,Chủ tài khoản\nA,MAFC,123,A\n".encode()
    (row,) = spreadsheets.check_rows(spreadsheets.read_rows(csv, "a.csv"), market_a, user=officer)
    assert not row.ok and "970468" in row.errors[0] and "977777" in row.errors[0]
