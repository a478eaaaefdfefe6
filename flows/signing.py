"""Sign a period's PDFs with the agency's certificate and verify a signed file.

Decree 30/2020/NĐ-CP asks for the seal or the digital signature of the agency. pyHanko signs
each PDF as an incremental update (PAdES baseline B-B, or B-T with a timestamp when a TSA is
configured): the PDF/A-3 file stays byte for byte what it was, the signature is appended.
The visible signature sits in the frame's signature block, found through the named
destination ``signature-field`` WeasyPrint writes for it. The key comes from a PKCS#12 file
or a PKCS#11 token (the USB tokens Vietnamese CAs issue), never from the repository
(``flows/settings.py``, ``Signing``). Signing is idempotent: a file already signed is left
as it is. The manifest records who signed each file and when.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.settings import Agency, Signing
from report_templates import words
from report_templates.render import HERE, VIETNAM

FIELD_NAME = "Signature"
ANCHOR = b"signature-field"
MM = 72 / 25.4
# The signature block in the frame (report_templates/base.css): the right column, 48 % of
# the 165 mm text width, and the 26 mm space under the signer's position. The visible
# signature is centred in it, 64 mm wide.
COLUMN_WIDTH_PT = 0.48 * 165 * MM
BOX_WIDTH_PT = 64 * MM
BOX_HEIGHT_PT = 26 * MM
STAMP_FONT = HERE / "fonts" / "NotoSans-Regular.ttf"


class SigningError(RuntimeError):
    """Signing cannot start or a file cannot be signed: said in both languages."""


@dataclass(frozen=True)
class Verdict:
    """What `netzero verify` reports on one file."""

    path: Path
    signed: bool
    intact: bool = False  # the signed bytes hash to what was signed
    valid: bool = False  # the signature is cryptographically sound
    covers_whole_file: bool = False  # nothing was appended after the signature
    trusted: bool | None = None  # the signer chains to a trusted root (None: not checked)
    signer: str = ""
    signed_at: datetime | None = None
    timestamped: bool = False

    @property
    def ok(self) -> bool:
        return (
            self.signed
            and self.intact
            and self.valid
            and self.covers_whole_file
            and self.trusted is not False
        )


def _signer(signing: Signing) -> Any:
    from pyhanko.sign import signers

    if signing.pkcs12:
        passphrase = signing.passphrase.encode() if signing.passphrase else None
        try:
            signer = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
                pfx_file=str(signing.pkcs12), passphrase=passphrase
            )
        except (OSError, ValueError) as error:
            raise SigningError(
                words.both(
                    "The PKCS#12 file {path} cannot be opened with the passphrase given: {error}",
                    path=signing.pkcs12,
                    error=error,
                )
            ) from error
        if signer is None:
            raise SigningError(
                words.both(
                    "The PKCS#12 file {path} cannot be opened with the passphrase given: {error}",
                    path=signing.pkcs12,
                    error="no key",
                )
            )
        return signer
    try:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11
    except ImportError as error:  # python-pkcs11: `uv sync --extra pkcs11`
        raise SigningError(
            words.both(
                "Signing with a PKCS#11 token needs the pkcs11 extra: uv sync --extra pkcs11"
            )
        ) from error
    session = pkcs11.open_pkcs11_session(
        str(signing.pkcs11_module),
        token_criteria=TokenCriteria(label=signing.pkcs11_token),
        user_pin=signing.pkcs11_pin,
    )
    return pkcs11.PKCS11Signer(session, key_label=signing.pkcs11_key, cert_label=signing.pkcs11_key)


def signature_box(reader: Any) -> tuple[int, tuple[float, float, float, float]]:
    """The page (from 0) and box of the frame's signature block, from the named destination
    WeasyPrint writes for ``#signature-field``: its top-left corner."""
    destination = _lookup(reader.root["/Names"]["/Dests"], ANCHOR.decode())
    if destination is None:
        raise SigningError(words.both("The report has no signature block to sign in"))
    page_ref = destination.raw_get(0)
    left, top = float(destination[2]), float(destination[3])
    pages = list(_page_refs(reader.root["/Pages"]))
    page = next(i for i, ref in enumerate(pages) if ref.idnum == page_ref.idnum)
    centre = left + COLUMN_WIDTH_PT / 2
    return page, (
        centre - BOX_WIDTH_PT / 2,
        top - BOX_HEIGHT_PT,
        centre + BOX_WIDTH_PT / 2,
        top,
    )


def _lookup(node: Any, name: str) -> Any:
    """A name tree's value for ``name`` (PDF 32000-1, 7.9.6), through its kids."""
    if "/Names" in node:
        pairs = node["/Names"]
        for i in range(0, len(pairs), 2):
            if str(pairs[i]) == name:
                return pairs[i + 1]
    kids = node.get("/Kids", [])
    for i in range(len(kids)):
        found = _lookup(kids[i], name)
        if found is not None:
            return found
    return None


def _page_refs(node: Any) -> Iterator[Any]:
    """The page tree's leaves as references, in order."""
    kids = node["/Kids"]
    for i in range(len(kids)):
        kid = kids[i]
        if kid["/Type"] == "/Pages":
            yield from _page_refs(kid)
        else:
            yield kids.raw_get(i)


def _at_time_class() -> Any:
    from pyhanko.sign import signers

    class AtTime(signers.PdfSigner):
        """A PdfSigner whose signing time is the one given (the session's system time)."""

        def __init__(self, when: datetime, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.when = when

        def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
            session = super().init_signing_session(pdf_out, existing_fields_only)
            session.system_time = self.when
            return session

    return AtTime


def _AtTime(when: datetime, *args: Any, **kwargs: Any) -> Any:  # noqa: N802 - a class maker
    return _at_time_class()(when, *args, **kwargs)


def _already_signed(path: Path) -> bool:
    from pyhanko.pdf_utils.reader import PdfFileReader

    with path.open("rb") as handle:
        return bool(PdfFileReader(handle, strict=False).embedded_signatures)


def sign_pdf(path: Path, signing: Signing, agency: Agency, signer: Any = None) -> dict[str, str]:
    """Sign ``path`` in place (a new file swapped in atomically); returns what the manifest
    records: signer, signing time, the signed file's sha256."""
    from pyhanko.pdf_utils.font import opentype
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko.stamp import TextStampStyle

    signer = signer or _signer(signing)
    data = path.read_bytes()
    from io import BytesIO

    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    page, box = signature_box(writer.prev)
    fields.append_signature_field(
        writer,
        fields.SigFieldSpec(
            sig_field_name=FIELD_NAME,
            on_page=page,
            box=box,  # type: ignore[arg-type]  # points need not be whole
        ),
    )
    # Signing time as a reader in Viet Nam reads it on the stamp (pyHanko would take the
    # machine's zone): Asia/Ho_Chi_Minh, UTC+7, no daylight saving.
    signed_at = datetime.now(VIETNAM).replace(microsecond=0)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=agency.full_name_vi,
        location=agency.place_vi,
    )
    style = TextStampStyle(
        stamp_text=words.both("Signed by")
        + ":\n%(signer)s\n"
        + words.both("Signed at")
        + ":\n%(ts)s",
        timestamp_format="%d/%m/%Y %H:%M:%S (%Z)",
        text_box_style=TextBoxStyle(
            font=opentype.GlyphAccumulatorFactory(str(STAMP_FONT)), font_size=7
        ),
        border_width=1,
        background=None,
    )
    timestamper = timestamps.HTTPTimeStamper(signing.tsa_url) if signing.tsa_url else None
    pdf_signer = _AtTime(signed_at, meta, signer=signer, stamp_style=style, timestamper=timestamper)
    out = BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    signed = out.getvalue()
    temporary = path.with_name(f".signing-{path.name}")
    temporary.write_bytes(signed)
    os.replace(temporary, path)
    return {
        "signer": signer.signing_cert.subject.human_friendly,
        "signed_at": signed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sha256": hashlib.sha256(signed).hexdigest(),
    }


def sign_folder(folder: Path, signing: Signing, agency: Agency) -> dict[str, dict[str, str]]:
    """Sign every PDF of a period's folder not signed yet; returns the new signatures by
    path (relative to the folder)."""
    signer = _signer(signing)
    done: dict[str, dict[str, str]] = {}
    for pdf in sorted(folder.rglob("*.pdf")):
        if _already_signed(pdf):
            continue
        done[pdf.relative_to(folder).as_posix()] = sign_pdf(pdf, signing, agency, signer)
    return done


def record_signatures(folder: Path, signatures: dict[str, dict[str, str]]) -> None:
    """Write the signatures into the folder's manifest.json (with every file's new sha256)
    and SHA256SUMS, each swapped in atomically."""
    from flows.publish import manifest

    path = folder / "manifest.json"
    before = json.loads(path.read_text(encoding="utf-8"))
    recorded = dict(before.get("signatures", {})) | signatures
    now = manifest(folder, before["period"], before["run_id"], signatures=recorded)
    content = before | {"files": now["files"], "signatures": now.get("signatures", {})}
    _replace(path, json.dumps(content, ensure_ascii=False, indent=2) + "\n")
    sums = "".join(f"{f['sha256']}  {f['path']}\n" for f in content["files"])
    _replace(folder / "SHA256SUMS", sums)


def _replace(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def verify(path: Path, trust_roots: list[Path] = ()) -> Verdict:  # type: ignore[assignment]
    """Integrity, signer and whether the file changed after it was signed; trust is checked
    against ``trust_roots`` when given."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    with path.open("rb") as handle:
        reader = PdfFileReader(handle, strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return Verdict(path, signed=False)
        embedded = signatures[-1]
        roots = [load_cert_from_pemder(str(p)) for p in trust_roots]  # type: ignore[no-untyped-call]
        context = ValidationContext(trust_roots=roots, allow_fetching=False) if roots else None
        try:
            status = validate_pdf_signature(embedded, context)
        except SignatureValidationError:
            return Verdict(path, signed=True)
        return Verdict(
            path,
            signed=True,
            intact=bool(status.intact),
            valid=bool(status.valid),
            covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            trusted=bool(status.trusted) if roots else None,
            signer=status.signing_cert.subject.human_friendly,
            signed_at=status.signer_reported_dt,
            timestamped=status.timestamp_validity is not None,
        )
