"""Where things are and the run's choices: read once from the environment, passed down."""

from __future__ import annotations

import importlib.util
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from flows.mail import ImapSettings, MailSettings, imap_settings, mail_settings
from flows.refusals import IntakeLimits
from report_templates import words
from report_templates.contexts.member_list import ROWS_PER_PART
from transforms.register import EMAIL

GRID_FACTOR_POLICIES = ("provisional_latest", "leave_empty")
EDITIONS = ("bilingual", "vi", "en")
AGENCY_FILE = Path(__file__).with_name("agency.toml")


@dataclass(frozen=True)
class Agency:
    """Who issues the reports and the parts of their frame that vary by jurisdiction
    (Decree 30/2020/NĐ-CP): read from a TOML file, flows/agency.toml by default."""

    superior_vi: str
    superior_en: str
    name_vi: str
    name_en: str
    full_name_vi: str
    full_name_en: str
    area_vi: str
    area_en: str
    place_vi: str
    place_en: str
    symbol: str
    signer_position_vi: tuple[str, ...]
    signer_position_en: tuple[str, ...]
    signer_name: str
    recipients: tuple[tuple[str, str], ...]
    # [mail] recipients: who at the agency receives the month's province and park reports
    # and the list of enterprises still owing a month after its due day (issue 18)
    mail_recipients: tuple[str, ...] = ()


def load_agency(path: Path = AGENCY_FILE) -> Agency:
    """The agency file, or a clear error naming the file and what is wrong with it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        agency, signer = data["agency"], data["signer"]
        if len(signer["position_vi"]) != len(signer["position_en"]):
            raise TypeError("signer.position_vi / signer.position_en: not as many lines")
        fields = {name: agency[name] for name in AGENCY_FIELDS}
        return Agency(
            **{k: _nfc(v) for k, v in fields.items()},
            signer_position_vi=tuple(_nfc(x) for x in signer["position_vi"]),
            signer_position_en=tuple(_nfc(x) for x in signer["position_en"]),
            signer_name=_nfc(signer["name"]),
            recipients=tuple((_nfc(r["vi"]), _nfc(r["en"])) for r in data["recipients"]),
            mail_recipients=tuple(_address(a) for a in data.get("mail", {}).get("recipients", [])),
        )
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValueError(
            words.both("The agency file {path} cannot be read: {error}", path=path, error=error)
        ) from error
    except (KeyError, TypeError) as error:
        raise ValueError(
            words.both(
                "The agency file {path} lacks an entry or gives it in the wrong form: {entry}",
                path=path,
                entry=error,
            )
        ) from error


AGENCY_FIELDS = (
    "superior_vi",
    "superior_en",
    "name_vi",
    "name_en",
    "full_name_vi",
    "full_name_en",
    "area_vi",
    "area_en",
    "place_vi",
    "place_en",
    "symbol",
)


@dataclass(frozen=True)
class Signing:
    """The agency's signing key: a PKCS#12 file (NETZERO_SIGN_PKCS12, its passphrase in
    NETZERO_SIGN_PASSPHRASE or the file NETZERO_SIGN_PASSPHRASE_FILE) or a PKCS#11 token
    (NETZERO_SIGN_PKCS11_MODULE, _TOKEN, _KEY, _PIN); a timestamp authority when
    NETZERO_SIGN_TSA_URL is set. Never stored in the repository."""

    pkcs12: Path | None = None
    passphrase: str | None = field(default=None, repr=False)
    pkcs11_module: str | None = None
    pkcs11_token: str | None = None
    pkcs11_key: str | None = None
    pkcs11_pin: str | None = field(default=None, repr=False)
    tsa_url: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.pkcs12 or self.pkcs11_module)


def signing_from_env() -> Signing:
    passphrase = os.environ.get("NETZERO_SIGN_PASSPHRASE")
    passphrase_file = os.environ.get("NETZERO_SIGN_PASSPHRASE_FILE")
    if passphrase_file:
        passphrase = Path(passphrase_file).read_text(encoding="utf-8").strip()
    pkcs12 = os.environ.get("NETZERO_SIGN_PKCS12")
    return Signing(
        pkcs12=Path(pkcs12) if pkcs12 else None,
        passphrase=passphrase,
        pkcs11_module=os.environ.get("NETZERO_SIGN_PKCS11_MODULE") or None,
        pkcs11_token=os.environ.get("NETZERO_SIGN_PKCS11_TOKEN") or None,
        pkcs11_key=os.environ.get("NETZERO_SIGN_PKCS11_KEY") or None,
        pkcs11_pin=os.environ.get("NETZERO_SIGN_PKCS11_PIN") or None,
        tsa_url=os.environ.get("NETZERO_SIGN_TSA_URL") or None,
    )


def _address(text: object) -> str:
    address = _nfc(text).lower()
    if not re.match(EMAIL, address):
        raise TypeError(f"mail.recipients: {address!r} is not an e-mail address (name@domain)")
    return address


def _nfc(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(repr(text))
    return unicodedata.normalize("NFC", text.strip())


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    # What to do for a year with no published grid factor (domain-facts §1.2).
    grid_factor_policy: str = "provisional_latest"
    gwp_set: str = "AR5"
    # How far from the path still counts as on track (0.05: within ±5 %).
    progress_tolerance: float = 0.05
    # A month's file is due by this day of the following month (Asia/Ho_Chi_Minh).
    due_day: int = 15
    # Reminders (issue 18): this many days before the due day and on it, to each enterprise
    # whose month is missing or rejected; a second notice this many days after it, with the
    # list to the agency (NETZERO_REMIND_DAYS_BEFORE, NETZERO_SECOND_NOTICE_DAYS_AFTER).
    remind_days_before: int = 5
    second_notice_days_after: int = 3
    # What one submitted file may weigh (NETZERO_MAX_FILE_MB, _MAX_LINES, _MAX_UNZIPPED_MB).
    max_file_mb: float = 20
    max_lines: int = 10_000
    max_unzipped_mb: float = 200
    # The jurisdiction is configuration: NETZERO_AGENCY_FILE, flows/agency.toml by default.
    agency: Agency = field(default_factory=load_agency)
    # Whom an enterprise writes to with a question (printed on its template): set
    # NETZERO_AGENCY_CONTACT; the default is a placeholder that says so.
    agency_contact: str = words.both("contact: not configured")
    # Report editions to write (NETZERO_REPORT_EDITIONS, comma-separated): the bilingual
    # standard edition always; "vi" and "en" monolingual editions on request.
    editions: tuple[str, ...] = ("bilingual",)
    # A park's or the province's list of enterprises longer than this is issued as documents
    # of its own, in parts of at most this many rows (NETZERO_LIST_ROWS_PER_PART;
    # report_templates/contexts/member_list.py says why).
    list_rows_per_part: int = ROWS_PER_PART
    # An existing Dask scheduler (tcp://host:8786) to render on; empty: local processes.
    dask_address: str = ""
    # The agency's signing key (NETZERO_SIGN_*): `netzero sign`, and the monthly close when
    # NETZERO_SIGN_ON_CLOSE=1.
    # Wastewater (issue 17): a daily average is judged with at least this many valid hours
    # of 24 (NETZERO_WW_MIN_VALID_HOURS); a longer stretch without a valid reading is a gap
    # (NETZERO_WW_GAP_MINUTES). transforms/wastewater.py says why these defaults.
    wastewater_min_valid_hours: int = 18
    wastewater_gap_minutes: int = 60
    signing: Signing = field(default_factory=Signing)
    # Outgoing mail (issue 18, NETZERO_MAIL_FROM, NETZERO_SMTP_*): without an SMTP host the
    # messages stay as .eml files in the outbox.
    mail: MailSettings = field(default_factory=MailSettings)
    # The agency's mailbox (NETZERO_IMAP_*): submissions taken from it into the inbox by
    # every intake. No host (the default): the drop folder alone.
    imap: ImapSettings = field(default_factory=ImapSettings)
    sign_on_close: bool = False

    def __post_init__(self) -> None:
        if self.grid_factor_policy not in GRID_FACTOR_POLICIES:
            raise ValueError(
                f"NETZERO_GRID_FACTOR_POLICY must be one of {GRID_FACTOR_POLICIES}, "
                f"not {self.grid_factor_policy!r}"
            )
        if not 1 <= self.due_day <= 28:
            raise ValueError(f"NETZERO_DUE_DAY must be between 1 and 28, not {self.due_day!r}")
        unknown = set(self.editions) - set(EDITIONS)
        if unknown or "bilingual" not in self.editions:
            raise ValueError(
                f"NETZERO_REPORT_EDITIONS must list bilingual and any of vi, en, not "
                f"{','.join(self.editions)!r}"
            )
        if self.sign_on_close and not self.signing.configured:
            raise ValueError(
                "NETZERO_SIGN_ON_CLOSE=1 needs a signing key: NETZERO_SIGN_PKCS12 or "
                "NETZERO_SIGN_PKCS11_MODULE"
            )
        if self.dask_address and importlib.util.find_spec("distributed") is None:
            raise ValueError(
                "NETZERO_DASK_ADDRESS is set but Dask is not installed: `uv sync --extra dask` "
                "(or `make setup-dev`) / đã đặt NETZERO_DASK_ADDRESS nhưng chưa cài Dask"
            )
        if self.list_rows_per_part < 1:
            raise ValueError(
                "NETZERO_LIST_ROWS_PER_PART must be a number of rows, at least 1, not "
                f"{self.list_rows_per_part!r}"
            )
        if not 0 <= self.progress_tolerance < 1:
            raise ValueError(
                "NETZERO_PROGRESS_TOLERANCE must be a share between 0 and 1 (0.05 = ±5 %), "
                f"not {self.progress_tolerance!r}"
            )

    @property
    def agency_vi(self) -> str:
        return self.agency.full_name_vi

    @property
    def agency_en(self) -> str:
        return self.agency.full_name_en

    @property
    def province_vi(self) -> str:
        return self.agency.area_vi

    @property
    def province_en(self) -> str:
        return self.agency.area_en

    @property
    def limits(self) -> IntakeLimits:
        return IntakeLimits(
            max_bytes=int(self.max_file_mb * 1024 * 1024),
            max_lines=self.max_lines,
            max_unzipped_bytes=int(self.max_unzipped_mb * 1024 * 1024),
        )

    @property
    def inbox(self) -> Path:
        return self.data_dir / "inbox"

    @property
    def stations_inbox(self) -> Path:
        """Where wastewater monitoring stations drop their files (one per transmission)."""
        return self.data_dir / "stations"

    @property
    def archive(self) -> Path:
        return self.data_dir / "archive"

    @property
    def register(self) -> Path:
        return self.data_dir / "register"

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse" / "netzero.duckdb"

    @property
    def outbox(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def published(self) -> Path:
        """What analysts read: a read-only warehouse snapshot and Parquet exports."""
        return self.data_dir / "published"


def settings_from_env(data_dir: Path | None = None) -> Settings:
    root = data_dir or Path(os.environ.get("NETZERO_DATA_DIR", "data"))
    agency = load_agency(Path(os.environ.get("NETZERO_AGENCY_FILE") or AGENCY_FILE))
    return Settings(
        data_dir=root.resolve(),
        grid_factor_policy=os.environ.get("NETZERO_GRID_FACTOR_POLICY", "provisional_latest"),
        gwp_set=os.environ.get("NETZERO_GWP_SET", "AR5"),
        progress_tolerance=float(os.environ.get("NETZERO_PROGRESS_TOLERANCE", "0.05")),
        due_day=int(os.environ.get("NETZERO_DUE_DAY", "15")),
        remind_days_before=int(os.environ.get("NETZERO_REMIND_DAYS_BEFORE", "5")),
        second_notice_days_after=int(os.environ.get("NETZERO_SECOND_NOTICE_DAYS_AFTER", "3")),
        max_file_mb=float(os.environ.get("NETZERO_MAX_FILE_MB", "20")),
        max_lines=int(os.environ.get("NETZERO_MAX_LINES", "10000")),
        max_unzipped_mb=float(os.environ.get("NETZERO_MAX_UNZIPPED_MB", "200")),
        editions=editions_from(os.environ.get("NETZERO_REPORT_EDITIONS", "bilingual")),
        list_rows_per_part=int(os.environ.get("NETZERO_LIST_ROWS_PER_PART", ROWS_PER_PART)),
        dask_address=os.environ.get("NETZERO_DASK_ADDRESS", ""),
        agency=agency,
        signing=signing_from_env(),
        mail=mail_settings(),
        imap=imap_settings(),
        sign_on_close=os.environ.get("NETZERO_SIGN_ON_CLOSE") == "1",
        wastewater_min_valid_hours=int(os.environ.get("NETZERO_WW_MIN_VALID_HOURS", "18")),
        wastewater_gap_minutes=int(os.environ.get("NETZERO_WW_GAP_MINUTES", "60")),
        **_optional(agency_contact=os.environ.get("NETZERO_AGENCY_CONTACT")),
    )


def _optional(**values: str | None) -> dict[str, str]:
    """The settings given in the environment; the others keep their defaults."""
    return {name: value for name, value in values.items() if value}


def editions_from(text: str) -> tuple[str, ...]:
    """ "vi,en" → ("bilingual", "vi", "en"): the standard edition is always written."""
    asked = [e.strip() for e in text.split(",") if e.strip()]
    return tuple(dict.fromkeys(["bilingual", *asked]))
