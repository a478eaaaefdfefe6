#!/usr/bin/env bash
# One-time set-up, safe to run again: Debian libraries, uv, and the locked environment.
# Every step checks first and skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9
# Pango for WeasyPrint; HarfBuzz-subset makes PDF writing ~5x faster; poppler-utils for the PDF tests.
DEBIAN_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)
# `setup.sh --test` (make test): Debian's chromium too, for the HTML report tests (Playwright
# drives it; no browser is ever downloaded), and libatomic1, which Playwright's bundled node
# driver links against (absent from a bare Debian 12: "libatomic.so.1: cannot open").
# softhsm2 stands for the agency's PKCS#11 signing token in the signing tests, and
# dovecot-imapd for the agency's mailbox in the mail tests (started on loopback by the tests,
# never as a service).
if [ "${1:-}" = "--test" ]; then
  DEBIAN_PACKAGES+=(chromium libatomic1 softhsm2 dovecot-imapd)
fi
# uv is installed from PyPI into a venv when none is on PATH: a bare Debian 12 has python3
# without venv/ensurepip ("ensurepip is not available").
if ! command -v uv >/dev/null 2>&1 && [ ! -x .tools/bin/uv ]; then
  DEBIAN_PACKAGES+=(python3-venv)
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # the package starts a system IMAP service where systemd runs: the tests start their
    # own on loopback, so the one just installed is stopped and disabled
    if [[ " ${missing[*]} " == *" dovecot-imapd "* ]] && command -v systemctl >/dev/null 2>&1; then
      systemctl disable --now dovecot.service >/dev/null 2>&1 || true
    fi
  else
    echo "setup: these Debian packages are missing: ${missing[*]}" >&2
    echo "       cần cài các gói Debian sau (chạy với quyền root):" >&2
    echo "       sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# uv: the one on PATH, else a pinned copy in .tools/ installed from PyPI.
if command -v uv >/dev/null 2>&1; then
  UV=$(command -v uv)
else
  UV=.tools/bin/uv
  if [ ! -x "$UV" ]; then
    echo "setup: installing uv $UV_VERSION into .tools/"
    python3.11 -m venv .tools 2>/dev/null || python3 -m venv .tools
    .tools/bin/pip install -q "uv==$UV_VERSION"
  fi
fi

# The locked environment. `make run` needs only what running needs (no dev group, no Dask);
# `make test` adds the dev group (pytest, ruff, mypy, playwright, hypothesis) and every extra.
# A run sync is --inexact, so it never removes what a test sync installed. The stamps make
# the second call free.
if [ "${1:-}" = "--test" ]; then
  stamp=.venv/.netzero-synced-test
  sync_args=(--all-extras)
else
  stamp=.venv/.netzero-synced-run
  sync_args=(--no-dev --inexact)
  # a test environment holds everything a run needs
  if [ -f .venv/.netzero-synced-test ] && [ .venv/.netzero-synced-test -nt uv.lock ] \
    && [ .venv/.netzero-synced-test -nt pyproject.toml ]; then
    stamp=.venv/.netzero-synced-test
  fi
fi
if [ ! -f "$stamp" ] || [ uv.lock -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: syncing .venv from uv.lock (${sync_args[*]})"
  UV_PYTHON_DOWNLOADS=never "$UV" sync --frozen --compile-bytecode --python 3.11 --quiet "${sync_args[@]}"
  touch "$stamp"
fi

# `--test`: the DuckDB clients analysts use (the stable CLI, an older library), in their own
# environment, for the tests that open the published snapshot with them.
if [ "${1:-}" = "--test" ]; then
  clients=.tools/analyst-clients
  if [ ! -f "$clients/.synced" ] || [ scripts/analyst-clients.txt -nt "$clients/.synced" ]; then
    echo "setup: installing the analysts' DuckDB clients into $clients"
    "$UV" venv --quiet --allow-existing --python 3.11 "$clients"
    "$UV" pip install --quiet --python "$clients/bin/python" -r scripts/analyst-clients.txt
    touch "$clients/.synced"
  fi
fi
