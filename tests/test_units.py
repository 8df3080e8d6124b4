"""The pure pieces: button codec, personal-data check, configuration, keyed hashes, sealed ids."""

from __future__ import annotations

import base64
import secrets
import string
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.callbacks import Action, Button, CallbackCodec, ForgedButton, StaleButton
from bot.config import ConfigError, load_secrets, load_settings
from bot.domain import Phase, Seminar
from bot.flows.personal_data import (
    HeldText,
    PersonalDataFound,
    PersonalDetail,
    find_personal_details,
    question,
)
from bot.keys import Keyring, RetiredKeys, base36, new_code, new_id
from bot.vault import Scrypt, SealBroken, Vault

KEYS = Keyring(b"unit-test-secret-0123456789")
CODEC = CallbackCodec(KEYS)


@pytest.mark.parametrize("action", list(Action))
def test_every_button_fits_in_64_bytes_with_the_largest_arguments(action: Action) -> None:
    button = Button(action, (2**63 - 1, 2**63 - 1))
    data = CODEC.pack(button)
    assert len(data.encode()) <= 64
    assert CODEC.unpack(data) == button


def test_forged_and_stale_data_are_told_apart() -> None:
    data = CODEC.pack(Button(Action.DELETE_NOTE, (12345,)))
    body, _, mac = data.rpartition(".")
    with pytest.raises(ForgedButton):
        CODEC.unpack(body.replace("9", "8") + "." + mac)
    with pytest.raises(ForgedButton):
        CallbackCodec(Keyring(b"another-secret-0123456789")).unpack(data)
    with pytest.raises(StaleButton):
        CODEC.unpack("0" + data[1:])
    for junk in ("", "x", "." * 70, "1x:ZZ.abc", "ü" * 40):
        with pytest.raises(ForgedButton):
            CODEC.unpack(junk)
    with pytest.raises(ForgedButton):
        Button(Action.DONE).arg(0)


def _signed(keys: Keyring, body: str) -> str:
    """Data with a valid MAC over any body, as only someone with the secret could make it."""
    return f"{body}.{base64.urlsafe_b64encode(keys.button_mac(body)).decode()}"


BIG = 2**63 - 1
URLSAFE = set(string.ascii_letters + string.digits + "-_")


@pytest.mark.parametrize(
    ("make", "refusal", "reason"),
    [
        (lambda keys: "\ud800", ForgedButton, "not unicode"),
        (lambda keys: "", ForgedButton, "malformed"),
        (lambda keys: "1d", ForgedButton, "malformed"),
        (lambda keys: "." * 70, ForgedButton, "malformed"),
        # Telegram never delivers more than 64 bytes, so longer data is refused even signed.
        (
            lambda keys: _signed(keys, "1dp" + ":1y2p0ij32e8e7" * 3 + ":1000000000"),
            ForgedButton,
            "malformed",
        ),
        (lambda keys: "0d:7.AXCdxx_w", StaleButton, "0"),
        (lambda keys: "xd:7.AXCdxx_w", ForgedButton, "unknown format"),
        (lambda keys: _signed(keys, "1d:7")[:-1] + "A", ForgedButton, "bad mac"),
        (lambda keys: _signed(keys, "1qq:7"), StaleButton, "qq"),
        (lambda keys: _signed(keys, "1d:7Z"), ForgedButton, "bad argument"),
    ],
)
def test_refused_button_data_says_why(
    make: Callable[[Keyring], str], refusal: type[Exception], reason: str
) -> None:
    keys = Keyring(b"unit-test-secret-0123456789")
    with pytest.raises(refusal) as refused:
        CallbackCodec(keys).unpack(make(keys))
    assert refused.value.args == (reason,)


def test_a_missing_argument_is_forged() -> None:
    with pytest.raises(ForgedButton) as refused:
        Button(Action.VOTE, (1, 2)).arg(2)
    assert refused.value.args == ("missing argument",)
    assert Button(Action.VOTE, (1, 2, 3)).arg(2) == 3


def test_button_data_may_take_all_64_bytes_but_no_more() -> None:
    codec = CallbackCodec(Keyring(b"unit-test-secret-0123456789"))
    full = Button(Action.DOT_PAGE, (BIG, BIG, BIG, 36**8))
    data = codec.pack(full)
    assert len(data.encode()) == 64
    assert codec.unpack(data) == full
    with pytest.raises(ValueError, match=r"^callback data for DOT_PAGE exceeds 64 bytes$"):
        codec.pack(Button(Action.DOT_PAGE, (BIG, BIG, BIG, 36**9)))
    with pytest.raises(ValueError, match=r"^only non-negative numbers have a base-36 form here$"):
        codec.pack(Button(Action.DONE, (-1,)))


def test_keyed_values_do_not_change_between_versions() -> None:
    """The database keeps pseudonyms, message references and the check value, and people keep
    the buttons they were sent: the same secret must give the same values in every version."""
    keys = Keyring(b"known-answer-secret-0123456789")
    assert keys.check_value == "8f1a3b1e618cdd27406b892e7d5e938dff2df378d1cc7ca4fb2451019228b39f"
    assert keys.pseudonym(7, 42) == "3ecd270d3e50d2197618eb0cf21ac4fb"
    assert keys.message_ref(7, -100, 5) == "af86e60b77af56c955f4cc67ab911801"
    assert keys.button_mac("1d:7") == bytes.fromhex("01709dc71ff0")
    assert CallbackCodec(keys).pack(Button(Action.DONE, (7,))) == "1d:7.AXCdxx_w"
    # The office's links: the database keeps only this hash of each, so it must not change.
    link = "b52a60d9144bae8078ba925842d87ec688f106d83d6b22aba940fda0857edabe"
    assert keys.link_mac("abc:def") == bytes.fromhex(link)
    assert keys.link_mac("abc:deg") != keys.link_mac("abc:def")
    assert Keyring(b"other-secret-0123456789").link_mac("abc:def") != bytes.fromhex(link)


def test_base36_is_short_lower_case_and_reads_back() -> None:
    """Button data and office links carry numbers in this form; int(x, 36) reads it back."""
    cases = {0: "0", 35: "z", 36: "10", 1295: "zz", 1296: "100", 2**63 - 1: "1y2p0ij32e8e7"}
    for value, form in cases.items():
        assert base36(value) == form
        assert int(form, 36) == value
    with pytest.raises(ValueError, match="non-negative"):
        base36(-1)


def test_database_keys_do_not_change_between_versions() -> None:
    """The database keeps lookup hashes, sealed ids and the check value made with the keys
    scrypt derives from the secret and its salt: they must be the same in every version."""
    kdf = Scrypt.decode('{"n": 1024, "r": 8, "p": 1, "salt": "00112233445566778899aabbccddeeff"}')
    vault = Vault(kdf.derive(b"known-answer-secret-0123456789"))
    assert vault.check_value == "9aa8712c67206acb008f90996c0782e9a0b27d1bb4ddd08d3100153da130a6a7"
    assert vault.lookup(42) == bytes.fromhex("7c4431fcccdd6086099cf0934f4b6757")
    assert Keyring(vault.keyring_root).pseudonym(7, 42) == "72cac549666a7a8a2aab85cc9c42286f"
    sealed = "f38559d30fc175cb24ef852952ee5c40ab2763fdb3404e235a47ce8ed07b014f2acbb282"
    assert vault.unseal(bytes.fromhex(sealed)) == 42
    name = "8c96638045be6e7048b5364ac8e36f561b9b1fef8a81054def884b6d9946c6d7"
    assert vault.unseal_text(bytes.fromhex(name)) == "Kari"
    assert Scrypt.decode(kdf.encode()) == kdf


def test_sealed_ids_open_only_under_their_own_key() -> None:
    salt = bytes(range(16))
    vault = Vault(Scrypt(2**10, 8, 1, salt).derive(b"unit-test-secret-0123456789"))
    other_salt = Vault(Scrypt(2**10, 8, 1, salt[::-1]).derive(b"unit-test-secret-0123456789"))
    other_secret = Vault(Scrypt(2**10, 8, 1, salt).derive(b"other-secret-0123456789"))
    for chat_id in (1, 700_000_001, -1_001_000_000_001, 2**63 - 1, -(2**63)):
        sealed = vault.seal(chat_id)
        assert vault.unseal(sealed) == chat_id
        assert vault.seal(chat_id) != sealed, "a fresh nonce every time"
        assert chat_id.to_bytes(8, "big", signed=True) not in sealed
        assert len(vault.lookup(chat_id)) == 16
        assert vault.lookup(chat_id) == vault.lookup(chat_id)
        for other in (other_salt, other_secret):
            assert other.lookup(chat_id) != vault.lookup(chat_id)
            with pytest.raises(SealBroken):
                other.unseal(sealed)
    assert vault.check_value != other_salt.check_value != other_secret.check_value
    tampered = bytearray(vault.seal(5))
    tampered[-1] ^= 1
    with pytest.raises(SealBroken):
        vault.unseal(bytes(tampered))
    with pytest.raises(SealBroken):
        vault.unseal_text(vault.seal(5))  # an id is not a text, nor the other way round
    assert vault.unseal_text(vault.seal_text("Kari Komoderator")) == "Kari Komoderator"
    with pytest.raises(ValueError, match="salt"):
        Scrypt().derive(b"unit-test-secret-0123456789")


def test_message_references_are_keyed_and_tell_every_part_apart() -> None:
    keys = Keyring(b"unit-test-secret-0123456789")
    ref = keys.message_ref(1, 42, 7)
    assert len(ref) == 32
    assert ref == keys.message_ref(1, 42, 7)
    others = {keys.message_ref(2, 42, 7), keys.message_ref(1, 43, 7), keys.message_ref(1, 42, 8)}
    assert ref not in others
    assert len(others) == 3
    assert ref != Keyring(b"other-secret-0123456789").message_ref(1, 42, 7)


def test_codes_and_ids_have_their_size(monkeypatch: pytest.MonkeyPatch) -> None:
    codes = {new_code() for _ in range(50)}
    assert len(codes) == 50
    assert all(len(code) == 16 and set(code) <= URLSAFE for code in codes)
    # Ids are SQLite integers: positive and under 2**63.
    asked: list[int] = []

    def no_bits(bits: int) -> int:
        asked.append(bits)
        return 0

    monkeypatch.setattr(secrets, "randbits", no_bits)
    assert new_id() == 1
    assert asked == [63]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ring meg på 912 34 567", {PersonalDetail.PHONE}),
        ("+47 91234567 er nummeret", {PersonalDetail.PHONE}),
        ("Skriv til ola.nordmann@nav.no", {PersonalDetail.EMAIL}),
        ("Fnr 15038500047", {PersonalDetail.NATIONAL_ID}),
        ("Se https://example.org/side", {PersonalDetail.LINK}),
        ("Les mer på www.nav.no", {PersonalDetail.LINK}),
        ("Spør @ola_nordmann", {PersonalDetail.USERNAME}),
        ("Veilederen min var trygg og empatisk", set()),
        ("Møtet 13.05.2019 var bra", set()),
        ("Jeg fikk 3 kurs i 2019 og 12 timer", set()),
        ("Kan jeg si nei til truckførerkurset?!", set()),
        # Check digits that come out as 11 are 0: the first, then the second.
        ("Fnr 15038500209", {PersonalDetail.NATIONAL_ID}),
        ("Fnr 15038500470", {PersonalDetail.NATIONAL_ID}),
        # Wrong check digits: it still looks like one, so the writer is asked.
        ("Fødselsnummeret mitt er 15108695077", {PersonalDetail.NATIONAL_ID}),
        ("Saksnummer 15038500048", {PersonalDetail.NATIONAL_ID}),
        ("D-nummer 551086 95077", {PersonalDetail.NATIONAL_ID}),
        ("Fnr 151086-950 77", {PersonalDetail.NATIONAL_ID}),
        # Eleven digits that hold no birth date (month 13, day 32, day 80) are not one.
        ("Saksnummer 15138500048", set()),
        ("Saksnummer 32108695077", set()),
        ("Saksnummer 80108695077", set()),
        # Nor is a century the number cannot have: 1940-53 with a serial of 500-749.
        ("Saksnummer 15104550078", set()),
        # Bank account numbers: valid ones however written, and the usual layout even with a
        # wrong check digit; a Norwegian IBAN too.
        ("Kontonummer 86011117947", {PersonalDetail.BANK_ACCOUNT}),
        ("Kontonummer 8601 11 17947", {PersonalDetail.BANK_ACCOUNT}),
        ("Konto 8601.11.17949", {PersonalDetail.BANK_ACCOUNT}),
        ("Konto 8601 11 17949", {PersonalDetail.BANK_ACCOUNT}),
        ("Saksnummer 8601.11 17949", set()),
        ("IBAN NO93 8601 1117 947", {PersonalDetail.BANK_ACCOUNT}),
        ("IBAN NO9386011117947", {PersonalDetail.BANK_ACCOUNT}),
        ("Kode NO93 8601 1117 94", set()),
        ("Kode NO93 8601 1117 9470", set()),
        # Sums of money are not numbers of a person: kr or NOK before, kr, kroner, NOK, ,- or
        # øre after, or thousands grouped with dots.
        ("Jeg skylder kr 12 345 678 90", set()),
        ("Jeg skylder Kr. 41234567", set()),
        ("Kr 41234567 fikk jeg tilbake", set()),
        ("Jeg skylder NOK 41234567", set()),
        ("Jeg skylder 41234567 kr", set()),
        ("Jeg skylder 41234567 Kroner", set()),
        ("Jeg skylder 41234567 NOK", set()),
        ("Jeg skylder 41234567,-", set()),
        ("Jeg skylder 41234567,50", set()),
        ("Jeg skylder 12.345.678", set()),
        ("Jeg skylder 15108695077 kr", set()),
        # "nok" is also a word, and a comma after a number is not always øre.
        ("Det er nok 41234567", {PersonalDetail.PHONE}),
        ("Ring 41234567, takk", {PersonalDetail.PHONE}),
        ("Ring 41234567,5", {PersonalDetail.PHONE}),
        ("Ring 41 234 567", {PersonalDetail.PHONE}),
        ("Ring 412.345.67", {PersonalDetail.PHONE}),
        ("Kr 500, ring 41234567", {PersonalDetail.PHONE}),
        # Dates are not numbers of a person, but a number that only starts like one is.
        ("Møtet 20.12.2024", set()),
        ("Møtet 2024-12-20 kl. 08:30", set()),
        ("Ring 2024-13-20", {PersonalDetail.PHONE}),
        ("Ring 2024-12-32", {PersonalDetail.PHONE}),
        ("Ring 2024-12-2000", set()),
        ("Fra 01.01.2020 - 31.12.2023", set()),
        ("Fra 1/2-24 til 3/4-24", set()),
        ("Ring 12.03.45.67", {PersonalDetail.PHONE}),
        ("Ring 41.22.33.44", {PersonalDetail.PHONE}),
        ("Ring 32.12.2024", {PersonalDetail.PHONE}),
        ("Ring 31.13.2024", {PersonalDetail.PHONE}),
        ("Ring 00.12.2024", {PersonalDetail.PHONE}),
        ("Ring 12.00.2024", {PersonalDetail.PHONE}),
        ("Fnr 150386.95078", {PersonalDetail.NATIONAL_ID}),
        # An organisation number names an office, not a person.
        ("NAV Grünerløkka, orgnr 974760673", set()),
        # With + in front: 8 to 15 digits, from any country.
        ("Ring +46 70 123 45 67", {PersonalDetail.PHONE}),
        ("Kode +123 4567", set()),
        ("Ring +1234 5678", {PersonalDetail.PHONE}),
        ("Ring +123456789012345", {PersonalDetail.PHONE}),
        ("Kode +1234567890123456", set()),
        # Without: eight digits, or ten or twelve with 47 or 0047 in front.
        ("Ring 47 91 23 45 67", {PersonalDetail.PHONE}),
        ("Ring 0047 912 34 567", {PersonalDetail.PHONE}),
        ("Saksnummer 479 123 456", set()),
        ("Saksnummer 12 34 56 78 90", set()),
        # A date does not hide a number after it.
        ("Møtet 13.05.2019, ring 912 34 567", {PersonalDetail.PHONE}),
    ],
)
def test_personal_details(text: str, expected: set[PersonalDetail]) -> None:
    assert find_personal_details(text) == expected


def test_every_kind_of_detail_is_named_together() -> None:
    assert find_personal_details(
        "Per, per@nav.no, @per_hansen, www.nav.no, 912 34 567, 15108695077, 8601 11 17947"
    ) == set(PersonalDetail)


def test_a_text_with_a_detail_is_held_with_what_was_found() -> None:
    seminar = Seminar(
        7, "Gode møter", "nb", Phase.PLENARY, ("Hva hjalp?",), "abc", 5, datetime.now(UTC)
    )
    assert question(seminar, "Ventetiden var lang", HeldText.READ_BACK) is None
    assert question(seminar, "Ring 912 34 567", HeldText.THEME) == PersonalDataFound(
        seminar, frozenset({PersonalDetail.PHONE}), "Ring 912 34 567", HeldText.THEME
    )


def test_pseudonyms_are_keyed_and_per_seminar() -> None:
    other = Keyring(b"other-secret-0123456789")
    assert KEYS.pseudonym(1, 42) == KEYS.pseudonym(1, 42)
    assert KEYS.pseudonym(1, 42) != KEYS.pseudonym(2, 42)
    assert KEYS.pseudonym(1, 42) != other.pseudonym(1, 42)
    assert KEYS.check_value != other.check_value
    assert len(new_code()) >= 16
    assert new_id() != new_id()


def test_settings_defaults_and_errors(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[seminar]\n", encoding="utf-8")
    settings = load_settings(config)
    assert settings.default_language == "nb"
    assert settings.timezone == "Europe/Oslo"
    assert settings.note_max_length == 280
    assert settings.database == tmp_path / "data" / "seminar.sqlite3"
    limits = (settings.notes_per_question, settings.theme_proposals, settings.readback_max_length)
    assert limits == (30, 10, 1000)
    for bad, key in [
        ("[seminar]\nnotes_per_question = 0", "seminar.notes_per_question"),
        ("[seminar]\ntheme_proposals = 0", "seminar.theme_proposals"),
        ("[seminar]\nreadback_max_length = 19", "seminar.readback_max_length"),
        ("[seminar]\nreadback_max_length = 10001", "seminar.readback_max_length"),
        ('[seminar]\ndefault_language = "sv"', "seminar.default_language"),
        ('[seminar]\ntimezone = "Mars/Olympus"', "seminar.timezone"),
        ("[seminar]\ngroup_size = 2", "seminar.group_size"),
        ('[telegram]\nmode = "carrier-pigeon"', "telegram.mode"),
        ('[telegram]\nmode = "webhook"', "telegram.webhook_url"),
        ("[telegram]\nmessages_per_second = 0", "telegram.messages_per_second"),
        ("[seminar\n", "not valid TOML"),
    ]:
        config.write_text(bad, encoding="utf-8")
        with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
            load_settings(config)
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "missing.toml")


def test_secrets_from_environment_and_files(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("a-long-enough-secret-value-0123456789\n", encoding="utf-8")
    secrets = load_secrets({"BOT_TOKEN": "1:abc", "SEMINAR_SECRET_FILE": str(secret_file)})
    assert secrets.seminar_secret == b"a-long-enough-secret-value-0123456789"
    assert "abc" not in repr(secrets)
    with pytest.raises(ConfigError, match="BOT_TOKEN"):
        load_secrets({"SEMINAR_SECRET": "x" * 32})
    with pytest.raises(ConfigError, match="SEMINAR_SECRET is too short"):
        load_secrets({"BOT_TOKEN": "1:abc", "SEMINAR_SECRET": "short"})
    with pytest.raises(ConfigError, match="at least 32 characters"):
        load_secrets({"BOT_TOKEN": "1:abc", "SEMINAR_SECRET": "x" * 31})
    assert load_secrets({"BOT_TOKEN": "1:abc", "SEMINAR_SECRET": "x" * 32}).seminar_secret
    with pytest.raises(ConfigError, match="SEMINAR_SECRET_FILE"):
        load_secrets({"BOT_TOKEN": "1:abc", "SEMINAR_SECRET_FILE": str(tmp_path / "nope")})


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("revealed", [False, True])
def test_notes_reach_moderators_after_the_round_and_shortening_before_the_groups(
    phase: Phase, revealed: bool
) -> None:
    seminar = Seminar(
        1, "t", "nb", phase, ("q",), "code", 5, datetime.now(UTC), notes_revealed=revealed
    )
    assert seminar.notes_released is (phase not in (Phase.DRAFT, Phase.ANSWERING))
    assert seminar.can_shorten is (phase is Phase.GROUPING and not revealed)


def test_a_rekeyed_keyring_checks_old_buttons_and_message_references_but_makes_only_new_ones() -> (
    None
):
    old = Keyring(b"the-old-secret-0123456789-abcdefgh")
    new = Keyring(b"the-new-secret-0123456789-abcdefgh", old.retired_with_current())
    old_button = CallbackCodec(old).pack(Button(Action.DELETE_NOTE, (12345,)))
    assert CallbackCodec(new).unpack(old_button) == Button(Action.DELETE_NOTE, (12345,))
    assert CallbackCodec(new).pack(Button(Action.DELETE_NOTE, (12345,))) != old_button
    with pytest.raises(ForgedButton):  # the keyring before knows nothing of the new key
        CallbackCodec(old).unpack(CallbackCodec(new).pack(Button(Action.DELETE_NOTE, (12345,))))
    refs = new.message_refs(7, 42, 5)
    assert refs == (new.message_ref(7, 42, 5), old.message_ref(7, 42, 5))
    assert new.pseudonym(7, 42) != old.pseudonym(7, 42)
    # A second rekey keeps both earlier sets.
    newer = Keyring(b"the-third-secret-0123456789-abcdef", new.retired_with_current())
    assert newer.message_refs(7, 42, 5)[1:] == (old.message_ref(7, 42, 5), refs[0])
    assert CallbackCodec(newer).unpack(old_button) == Button(Action.DELETE_NOTE, (12345,))
    # The retired keys are stored as text (sealed) and read back as they were.
    kept = newer.retired_with_current()
    assert len(kept) == 3
    assert tuple(RetiredKeys.decode(k.encode()) for k in kept) == kept
