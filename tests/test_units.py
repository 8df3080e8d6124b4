"""The pure pieces: button codec, personal-data check, configuration, keyed hashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.callbacks import Action, Button, CallbackCodec, ForgedButton, StaleButton
from bot.config import ConfigError, load_secrets, load_settings
from bot.flows.personal_data import PersonalDetail, find_personal_details
from bot.keys import Keyring, new_code, new_id

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
    ],
)
def test_personal_details(text: str, expected: set[PersonalDetail]) -> None:
    assert find_personal_details(text) == expected


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
    for bad, key in [
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
    secret_file.write_text("a-long-enough-secret-value\n", encoding="utf-8")
    secrets = load_secrets({"BOT_TOKEN": "1:abc", "SEMINAR_SECRET_FILE": str(secret_file)})
    assert secrets.seminar_secret == b"a-long-enough-secret-value"
    assert "abc" not in repr(secrets)
    with pytest.raises(ConfigError, match="BOT_TOKEN"):
        load_secrets({"SEMINAR_SECRET": "x" * 20})
    with pytest.raises(ConfigError, match="SEMINAR_SECRET must be at least"):
        load_secrets({"BOT_TOKEN": "1:abc", "SEMINAR_SECRET": "short"})
    with pytest.raises(ConfigError, match="SEMINAR_SECRET_FILE"):
        load_secrets({"BOT_TOKEN": "1:abc", "SEMINAR_SECRET_FILE": str(tmp_path / "nope")})
