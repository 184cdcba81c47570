#!/bin/sh
# Install the Debian 12 packages finextract needs to build, run and test.
# Runs apt-get only for what is missing; needs root (or sudo).
set -eu

PACKAGES="build-essential postgresql-15 postgresql-server-dev-15 libcurl4-openssl-dev
libjson-c-dev libleptonica-dev libevent-dev poppler-utils python3 libipc-run-perl qpdf ca-certificates postgresql-15-cron
tesseract-ocr tesseract-ocr-eng fonts-urw-base35 clang-14 libclang-rt-14-dev curl"

# fonts-urw-base35: the scanned test fixtures are rendered by pdftoppm from
# PDFs that use the standard Helvetica and Courier; without fonts of the
# same metrics poppler substitutes DejaVu, whose wider glyphs run labels
# into amounts, and OCR reads "Net sales 142 ,310".

# Node.js and npm run the official API clients in the mock's fidelity test;
# machines that already have them (e.g. from NodeSource) keep theirs.
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs npm"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
