#!/usr/bin/env bash
# Debian packages for the end-to-end tests: headless Chromium (Dagster UI tests,
# plotly PNG export through kaleido), LibreOffice Calc (opens the workbooks),
# poppler-utils (reads the PDF LibreOffice prints, renders the guide's screenshots) and
# PostgreSQL's server (tests/postgres.py starts a throwaway one for the team deployment's
# tests; Debian keeps initdb off PATH, under /usr/lib/postgresql/VERSION/bin).
# Idempotent: installs only what is missing. Needs root (as CI and the dev machines run).
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v soffice >/dev/null || need+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null || need+=(poppler-utils)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
fi
chromium --version
soffice --version
pdftotext -v 2>&1 | sed -n 1p  # sed reads it all: head would close the pipe (SIGPIPE under pipefail)
for initdb in /usr/lib/postgresql/*/bin/initdb; do "$initdb" --version; done
