"""The agency's digital signature (Decree 30/2020/NĐ-CP): a throwaway CA and certificate made
here, a real report rendered to PDF/A-3b, signed by `netzero sign` as an incremental update,
confirmed by pyHanko's validator, a one-byte change detected, PDF/A-3b kept."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from typer.testing import CliRunner

from flows.cli import app
from report_templates.pdf import render_to_files
from tests.reports.fixtures import CONTEXTS

pytestmark = pytest.mark.skipif(
    shutil.which("pdfinfo") is None, reason="poppler-utils not installed (make test sets it up)"
)
PASSPHRASE = "mật khẩu thử"
SIGNER_NAME = "Sở Nông nghiệp và Môi trường (thử nghiệm)"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "netzero test CA"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(subject, issuer, public_key, issuer_key, *, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A root CA and the agency's certificate and key in a PKCS#12 file, made for the test."""
    folder = tmp_path_factory.mktemp("pki")
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _certificate(
        _name("netzero test root"), _name("netzero test root"), root_key.public_key(), root_key,
        ca=True,
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate(_name(SIGNER_NAME), root.subject, key.public_key(), root_key, ca=False)
    (folder / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    (folder / "root.key").write_bytes(
        root_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (folder / "agency.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"agency",
            key,
            cert,
            [root],
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )
    other_key = ec.generate_private_key(ec.SECP256R1())
    other = _certificate(
        _name("another root"), _name("another root"), other_key.public_key(), other_key, ca=True
    )
    (folder / "other-root.pem").write_bytes(other.public_bytes(serialization.Encoding.PEM))
    return {
        "root": folder / "root.pem",
        "p12": folder / "agency.p12",
        "other": folder / "other-root.pem",
    }


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    """A published period with real reports: an enterprise's and the province's, PDF/A-3b."""
    data = tmp_path / "data"
    folder = data / "outbox" / "2026-10"
    for report, stem in (
        ("enterprise_monthly", "enterprises/3700000001_2026-10"),
        ("province_monthly", "province_2026-10"),
    ):
        render_to_files(report, CONTEXTS[report](), folder / f"{stem}.html", folder / f"{stem}.pdf")
    from flows.publish import manifest

    content = manifest(folder, "2026-10", "run-1")
    (folder / "manifest.json").write_text(json.dumps(content), encoding="utf-8")
    return data


def _sign(data: Path, pki: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setenv("NETZERO_SIGN_PKCS12", str(pki["p12"]))
    monkeypatch.setenv("NETZERO_SIGN_PASSPHRASE", PASSPHRASE)
    return CliRunner().invoke(app, ["sign", "--period", "2026-10", "--data-dir", str(data)])


def _verify(pdf: Path, *trust: Path) -> object:
    args = ["verify", str(pdf)]
    for root in trust:
        args += ["--trust", str(root)]
    return CliRunner().invoke(app, args)


def test_signed_pdfs_verify_keep_pdfa_and_record_the_signer(outbox, pki, monkeypatch) -> None:
    from flows.signing import verify

    folder = outbox / "outbox" / "2026-10"
    pdfs = sorted(folder.rglob("*.pdf"))
    before = {p: p.read_bytes() for p in pdfs}
    result = _sign(outbox, pki, monkeypatch)
    assert result.exit_code == 0, result.output
    for pdf in pdfs:
        signed = pdf.read_bytes()
        # an incremental update: the original bytes are untouched, the signature appended
        assert signed.startswith(before[pdf]) and len(signed) > len(before[pdf])
        verdict = verify(pdf, [pki["root"]])
        assert verdict.ok and verdict.intact and verdict.valid and verdict.trusted
        assert verdict.covers_whole_file
        assert SIGNER_NAME in verdict.signer
        meta = subprocess.run(
            ["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        assert 'pdfaid:part="3" pdfaid:conformance="B"' in meta, pdf.name
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    sums = dict(line.split("  ")[::-1] for line in (folder / "SHA256SUMS").read_text().splitlines())
    for pdf in pdfs:
        path = pdf.relative_to(folder).as_posix()
        recorded = manifest["signatures"][path]
        assert SIGNER_NAME in recorded["signer"]
        assert recorded["signed_at"].endswith("Z")
        listed = next(f for f in manifest["files"] if f["path"] == path)
        assert listed["sha256"] == recorded["sha256"] == sums[path]
    verdict = _verify(pdfs[0], pki["root"])
    assert verdict.exit_code == 0, verdict.output
    # signing again signs nothing again
    once = [p.read_bytes() for p in pdfs]
    again = _sign(outbox, pki, monkeypatch)
    assert again.exit_code == 0, again.output
    assert [p.read_bytes() for p in pdfs] == once
    assert (
        json.loads((folder / "manifest.json").read_text())["signatures"] == manifest["signatures"]
    )


def test_a_changed_byte_or_an_untrusted_signer_is_reported(
    outbox, pki, monkeypatch, tmp_path
) -> None:
    from flows.signing import verify

    assert _sign(outbox, pki, monkeypatch).exit_code == 0
    pdf = outbox / "outbox" / "2026-10" / "province_2026-10.pdf"
    assert not verify(pdf, [pki["other"]]).ok  # signed, but not by anyone this root vouches for
    assert _verify(pdf, pki["other"]).exit_code == 1
    data = bytearray(pdf.read_bytes())
    # one byte of the page content the signature covers, not of the signature itself
    at = data.index(b"/Producer") + 12
    data[at] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    verdict = verify(tampered, [pki["root"]])
    assert verdict.signed and not verdict.ok and not verdict.intact
    assert _verify(tampered, pki["root"]).exit_code == 1
    unsigned = tmp_path / "unsigned.pdf"
    render_to_files("park_monthly", CONTEXTS["park_monthly"](), tmp_path / "p.html", unsigned)
    assert not verify(unsigned).signed
    assert _verify(unsigned).exit_code == 1


def test_the_signature_appears_in_the_frame_signature_block(outbox, pki, monkeypatch) -> None:
    """The visible signature sits where the frame leaves room for it: on the page of the
    signature block, right column, under the signer's position."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from flows.signing import signature_box

    pdf = outbox / "outbox" / "2026-10" / "enterprises" / "3700000001_2026-10.pdf"
    with pdf.open("rb") as handle:
        page, (x1, y1, x2, y2) = signature_box(PdfFileReader(handle))
    assert _sign(outbox, pki, monkeypatch).exit_code == 0
    with pdf.open("rb") as handle:
        reader = PdfFileReader(handle)
        field = reader.embedded_signatures[0].sig_field
        rect = [float(v) for v in field["/Rect"]]
        annotated_page = field["/P"]
    assert rect == pytest.approx([x1, y1, x2, y2], abs=0.01)
    # right column of an A4 page (595 pt wide, 30 mm left and 15 mm right margins)
    assert 300 < x1 < x2 <= 595 - 15 / 25.4 * 72 + 1
    text = subprocess.run(
        ["pdftotext", "-f", str(page + 1), "-l", str(page + 1), str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Nơi nhận" in text and "GIÁM ĐỐC" in text
    assert annotated_page is not None


def test_the_manifest_keeps_a_signature_only_while_its_file_is_unchanged(tmp_path) -> None:
    """A report kept unchanged by the next run keeps its signature in the manifest; a report
    rendered again (new bytes, no signature) loses it."""
    import hashlib

    from flows.publish import manifest

    (tmp_path / "kept.pdf").write_bytes(b"signed bytes")
    (tmp_path / "redone.pdf").write_bytes(b"new bytes")
    signatures = {
        "kept.pdf": {
            "signer": "CN",
            "signed_at": "2026-12-01T00:00:00Z",
            "sha256": hashlib.sha256(b"signed bytes").hexdigest(),
        },
        "redone.pdf": {
            "signer": "CN",
            "signed_at": "2026-12-01T00:00:00Z",
            "sha256": hashlib.sha256(b"old signed bytes").hexdigest(),
        },
    }
    content = manifest(tmp_path, "2026-10", "run-2", signatures=signatures)
    assert content["signatures"] == {"kept.pdf": signatures["kept.pdf"]}


SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")


@pytest.mark.skipif(not SOFTHSM.exists(), reason="softhsm2 not installed (make test sets it up)")
def test_a_pkcs11_token_signs_as_the_agency_usb_token_would(outbox, pki, monkeypatch, tmp_path):
    """SoftHSM stands for the USB token a Vietnamese CA issues: the key is generated on the
    token and never leaves it; netzero signs through the PKCS#11 module."""
    import pkcs11
    from pkcs11 import Attribute, KeyType
    from pkcs11.util.rsa import encode_rsa_public_key
    from pkcs11.util.x509 import decode_x509_certificate

    from flows.signing import verify

    tokens = tmp_path / "tokens"
    tokens.mkdir()
    config = tmp_path / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(config))
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", "netzero-agency",
         "--pin", "246810", "--so-pin", "13579111"],
        check=True, capture_output=True,
    )  # fmt: skip
    root = x509.load_pem_x509_certificate(pki["root"].read_bytes())
    root_key = serialization.load_pem_private_key(
        pki["root"].with_suffix(".key").read_bytes(), None
    )
    token = pkcs11.lib(str(SOFTHSM)).get_token(token_label="netzero-agency")
    with token.open(rw=True, user_pin="246810") as session:
        # RSA 2048, as the tokens of Vietnamese CAs carry
        public, _ = session.generate_keypair(KeyType.RSA, 2048, store=True, label="agency")
        public_key = serialization.load_der_public_key(encode_rsa_public_key(public))
        cert = _certificate(_name(SIGNER_NAME), root.subject, public_key, root_key, ca=False)
        attributes = decode_x509_certificate(cert.public_bytes(serialization.Encoding.DER))
        attributes.update({Attribute.TOKEN: True, Attribute.LABEL: "agency"})
        session.create_object(attributes)
    monkeypatch.setenv("NETZERO_SIGN_PKCS11_MODULE", str(SOFTHSM))
    monkeypatch.setenv("NETZERO_SIGN_PKCS11_TOKEN", "netzero-agency")
    monkeypatch.setenv("NETZERO_SIGN_PKCS11_KEY", "agency")
    monkeypatch.setenv("NETZERO_SIGN_PKCS11_PIN", "246810")
    result = CliRunner().invoke(app, ["sign", "--period", "2026-10", "--data-dir", str(outbox)])
    assert result.exit_code == 0, result.output
    for pdf in sorted((outbox / "outbox" / "2026-10").rglob("*.pdf")):
        verdict = verify(pdf, [pki["root"]])
        assert verdict.ok and verdict.trusted and SIGNER_NAME in verdict.signer, pdf.name
