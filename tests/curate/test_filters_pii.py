import pytest

from tadka.curate.filters.pii import PiiFilter, find_pii, luhn_valid, verhoeff_check_digit, verhoeff_valid
from tadka.errors import ConfigError

from tests.curate.synth import chat


def _verhoeff_check(digits: str) -> str:
    """Verhoeff check digit computed independently of the module (from the published tables)."""
    # D5 multiplication from its definition: rotations r0..r4 are 0..4, reflections s0..s4 are 5..9,
    # r_a r_b = r_(a+b), r_a s_b = s_(a+b), s_a r_b = s_(a-b), s_a s_b = r_(a-b) (indices mod 5).
    d = [[0] * 10 for _ in range(10)]
    for i in range(10):
        for j in range(10):
            ri, rj = i % 5, j % 5
            if i < 5:
                d[i][j] = (ri + rj) % 5 + (5 if j >= 5 else 0)
            else:
                d[i][j] = (ri - rj) % 5 + (0 if j >= 5 else 5)
    p = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]]
    for k in range(2, 8):
        p.append([p[k - 1][p[1][x]] for x in range(10)])
    inv = [next(j for j in range(10) if d[i][j] == 0) for i in range(10)]
    c = 0
    for k, ch in enumerate(reversed(digits)):
        c = d[c][p[(k + 1) % 8][int(ch)]]
    return str(inv[c])


def test_verhoeff_known_value_and_independent_check():
    assert verhoeff_check_digit("236") == "3" and verhoeff_valid("2363")  # the textbook example
    for body in ("23456789012", "98765432101", "50000000000", "77777777777"):
        assert verhoeff_check_digit(body) == _verhoeff_check(body)


def test_the_issue_example_number():
    # "2345 6789 0124": 23456789012 + check digit 4 — Verhoeff-valid, as computed independently above.
    assert _verhoeff_check("23456789012") == "4"
    text = "mera Aadhaar 2345 6789 0124 hai"
    assert find_pii(text) == ("mera Aadhaar [AADHAAR] hai", {"aadhaar": 1})
    wrong = "mera Aadhaar 2345 6789 0125 hai"  # same number, wrong check digit
    assert find_pii(wrong) == (wrong, {})


@pytest.mark.parametrize("body", ["98765432101", "40001234567", "31415926535"])
def test_aadhaar_spaced_hyphenated_or_plain(body):
    number = body + _verhoeff_check(body)
    for shown in (number, f"{number[:4]} {number[4:8]} {number[8:]}", f"{number[:4]}-{number[4:8]}-{number[8:]}"):
        assert find_pii(f"Aadhaar no. {shown} se link karo")[1] == {"aadhaar": 1}
    bad = body + str((int(_verhoeff_check(body)) + 1) % 10)
    assert find_pii(f"Aadhaar no. {bad} se link karo")[1] == {}


def test_aadhaar_never_starts_with_0_or_1_and_not_inside_longer_numbers():
    body = "12345678901"
    assert find_pii(body + _verhoeff_check(body))[1] == {}
    body = "23456789012"
    assert find_pii("order 9" + body + "4" + "7")[1].get("aadhaar") is None


@pytest.mark.parametrize(
    "text",
    [
        "call karo +91 98765 43210 pe",
        "mera number 9876543210 hai",
        "+91-9876543210",
        "0091 98765-43210",
        "whatsapp 098765 43210",
    ],
)
def test_phones(text):
    assert find_pii(text)[1] == {"phone": 1}


@pytest.mark.parametrize(
    "text",
    [
        "Kisan Call Centre 1800-180-1551 pe call karo",
        "rate 2,000 rupaye quintal",
        "landline 011-2345 6789",
        "pin code 110001",
        "5432109876 order id",
    ],
)
def test_not_phones(text):
    assert "phone" not in find_pii(text)[1]


def test_pan_ifsc_upi_email_vehicle():
    text = (
        "PAN ABCPE1234F, IFSC SBIN0001234, UPI ravi.kumar@okaxis, mail ravi@example.co.in, "
        "gaadi MH 12 AB 1234 aur dl3cab1234, BH series 22 BH 1234 AA"
    )
    red, counts = find_pii(text)
    assert counts == {"email": 1, "upi": 1, "pan": 1, "ifsc": 1, "vehicle": 3}
    assert "[PAN]" in red and "[IFSC]" in red and "[UPI]" in red and "[EMAIL]" in red and red.count("[VEHICLE]") == 3


def test_not_pan_ifsc_upi_vehicle():
    text = "Meet @ravi tomorrow; up 12 to 1234 log aaye; ABCDE12345 order; version v2.0 released"
    assert find_pii(text)[1] == {}


def test_cards_need_luhn():
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert find_pii("card 4111 1111 1111 1111 se pay kiya")[1] == {"card": 1}
    assert find_pii("tracking 4111 1111 1111 1112 hai")[1] == {}


def test_redact_makes_a_derived_record_with_an_op():
    rec = chat("Mera Aadhaar 2345 6789 0124 aur phone 9876543210 hai.", user="Mera number 9123456789 hai")
    out = PiiFilter().apply(rec)
    assert out.flags == []
    assert out.id != rec.id and out.source["parent_id"] == rec.id
    assert out.ops[-1] == "pii_redact:phone=2,aadhaar=1"
    assert out.messages[1]["content"] == "Mera Aadhaar [AADHAAR] aur phone [PHONE] hai."
    assert out.messages[0]["content"] == "Mera number [PHONE] hai"
    assert out.scores["pii"] == 3
    assert "2345" in rec.messages[1]["content"]  # the original Record is unchanged


def test_drop_flags_each_kind():
    out = PiiFilter(action="drop").apply(chat("Mera Aadhaar 2345 6789 0124 aur email a.b@gmail.com hai"))
    assert out.flags == ["pii:aadhaar", "pii:email"]  # in order of appearance
    assert out.messages[1]["content"].startswith("Mera Aadhaar 2345")


def test_clean_record_is_returned_as_is():
    rec = chat("UPI PIN kabhi share mat karo.")
    assert PiiFilter().apply(rec) is rec


def test_roles_and_kinds_are_respected():
    rec = chat("Theek hai.", user="mera phone 9876543210")
    assert PiiFilter(roles=("assistant",)).apply(rec) is rec
    assert PiiFilter(kinds=("email",)).apply(rec) is rec


def test_unknown_kind_is_a_config_error():
    with pytest.raises(ConfigError, match="did you mean 'aadhaar'"):
        PiiFilter(kinds=("aadhar",))
    with pytest.raises(ConfigError, match="curate.pii_action"):
        PiiFilter(action="mask")


# -- digits of other scripts, context, the new kinds ---------------------------------------------
DEVA = str.maketrans("0123456789", "०१२३४५६७८९")
BENG = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


@pytest.mark.parametrize("table", [DEVA, BENG, str.maketrans("0123456789", "０１２３４５６７８９")])
def test_numbers_in_any_digit_script(table):
    aadhaar = "2345 6789 0124".translate(table)
    red, counts = find_pii(f"मेरा आधार {aadhaar} है और फोन {'9876543210'.translate(table)} है")
    assert counts == {"aadhaar": 1, "phone": 1} and red == "मेरा आधार [AADHAAR] है और फोन [PHONE] है"


def test_unspaced_plus91_is_a_phone_even_when_it_passes_verhoeff():
    # 91 + a mobile that happens to be Verhoeff-valid as 12 digits (one in ten do)
    body = next(
        f"91987654{i:03d}"
        for i in range(1000)
        if verhoeff_valid(f"91987654{i:03d}"[:11] + verhoeff_check_digit(f"91987654{i:03d}"[:11]))
    )
    number = body[:11] + verhoeff_check_digit(body[:11])
    assert verhoeff_valid(number) and number.startswith("919")
    assert find_pii(f"call karo +{number}")[1] == {"phone": 1}
    assert find_pii(f"mera number {number} hai")[1] == {"phone": 1}
    assert find_pii(f"mera aadhaar {number} hai")[1] == {"aadhaar": 1}  # Aadhaar context decides


@pytest.mark.parametrize(
    "text",
    [
        "PNR 8524163970 ka status",
        "consumer no. 7012345678 ka bill",
        "OTP 482913 hai",
        "train 12951 late hai",
        "pincode 110001",
        "order id 234567890124 ka refund",
        "IMEI 356789104512340 block karo",
    ],
)
def test_numbers_that_are_not_personal(text):
    assert find_pii(text)[1] == {}


def test_voter_passport_dl_gstin():
    from tadka.curate.filters.pii_detect import gstin_valid

    assert gstin_valid("27AAPFU0939F1ZV") and not gstin_valid("27AAPFU0939F1ZW")
    text = "voter id ABC1234567, passport no. J8369854, DL MH14 20110062821, GSTIN 27AAPFU0939F1ZV, epic no xyz7654321"
    red, counts = find_pii(text)
    assert counts == {"voter": 2, "passport": 1, "dl": 1, "gstin": 1}
    assert red == "voter id [VOTER], passport no. [PASSPORT], DL [DL], GSTIN [GSTIN], epic no [VOTER]"
    # without its context word a passport-shaped code is not claimed; a lower-case EPIC shape neither
    assert find_pii("J8369854 wala form")[1] == {} and find_pii("code xyz7654321")[1] == {}
    assert find_pii("GSTIN 27AAPFU0939F1ZW")[1] == {}  # wrong check character


def test_pseudonymize_keeps_format_checksum_and_script():
    from tadka.curate.filters.pii_detect import detect, gstin_valid
    from tadka.curate.filters.pii_fake import fake

    key = "k"
    assert fake("phone", "+91 98765 43210", key) == fake("phone", "+91 98765 43210", key)  # deterministic
    samples = {
        "aadhaar": "२३४५ ६७८९ ०१२४",
        "phone": "+91 98765-43210",
        "card": "4111 1111 1111 1111",
        "pan": "abcpe1234f",
        "gstin": "27AAPFU0939F1ZV",
        "voter": "ABC1234567",
        "passport": "J8369854",
        "dl": "MH14 20110062821",
        "vehicle": "MH 12 AB 1234",
        "ifsc": "SBIN0001234",
        "email": "ravi.k@gmail.com",
        "upi": "9876543210@ybl",
    }
    context = {"passport": "passport ", "voter": "voter id "}
    for kind, value in samples.items():
        new = fake(kind, value, key)
        assert new != value and len(new) == len(value), (kind, new)
        assert [c.isdigit() for c in new] == [c.isdigit() for c in value]  # separators and layout kept
        found = detect(context.get(kind, "") + new)
        assert [s.kind for s in found] == [kind], (kind, new)
    assert fake("aadhaar", samples["aadhaar"], key)[0] in "२३४५६७८९"  # Devanagari digits stay Devanagari
    assert verhoeff_valid("".join(str(int(c)) for c in fake("aadhaar", "2345 6789 0124", key) if c.isdigit()))
    assert luhn_valid(fake("card", "4111111111111111", key)) and fake("card", "4111111111111111", key)[0] == "4"
    assert gstin_valid(fake("gstin", "27AAPFU0939F1ZV", key)) and fake("gstin", "27AAPFU0939F1ZV", key)[:2] == "27"
    assert fake("pan", "ABCPE1234F", key)[3] == "P" and fake("email", "x@corp.in", key).endswith("@example.com")


def test_pseudonymize_action_makes_a_derived_record():
    rec = chat("Mera Aadhaar 2345 6789 0124 aur phone +91 98765 43210 hai.")
    out = PiiFilter(action="pseudonymize", key="secret").apply(rec)
    assert out.flags == [] and out.source["parent_id"] == rec.id
    assert out.ops[-1] == "pii_pseudonymize:aadhaar=1,phone=1" and "[" not in out.messages[1]["content"]
    assert "2345 6789 0124" not in out.messages[1]["content"] and "+91 " in out.messages[1]["content"]
    other = PiiFilter(action="pseudonymize", key="other").apply(rec)
    assert other.messages[1]["content"] != out.messages[1]["content"]  # the fakes depend on the key


def test_held_out_pii_set_figures():
    """The acceptance figures on the held-out set (tuned on pii_tune.tsv, never on this one)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from curate_eval import load_pii_set, score_spans, tadka_spans

    rows = load_pii_set("heldout")
    assert len(rows) >= 300 and sum(1 for _, g in rows if not g) >= 100
    result = score_spans(rows, tadka_spans(rows))
    assert result["precision"] >= 0.97 and result["recall"] >= 0.95
    assert result["per_kind"]["voter"]["recall"] >= 0.9 and result["per_kind"]["passport"]["recall"] >= 0.9
    found, total = map(int, result["native_digits_found"].split("/"))
    assert total >= 10 and found == total
