#!/usr/bin/env bash
# Set up everything on a Debian machine with Python 3.11: system packages, then the
# project and its test tools in .venv. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if command -v apt-get >/dev/null 2>&1; then
  missing=""
  # chromium: the browser the review page's tests drive (never downloaded by Playwright);
  # libreoffice-writer-nogui: reads orders saved as .doc, .rtf and .odt
  for pkg in python3-venv python3-dev tesseract-ocr tesseract-ocr-rus chromium libreoffice-writer-nogui; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
