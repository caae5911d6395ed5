#!/usr/bin/env bash
# Install what the test suite needs beyond pip, only when it is missing:
#  - Debian's chromium for the Playwright journeys (never a downloaded browser build);
#  - Java (Debian's default-jre-headless) to run the Nu Html Checker;
#  - the Nu Html Checker itself (vnu.jar, from the npm package vnu-jar) into .tools/ (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."

VNU_VERSION=26.9.27
VNU_JAR=.tools/node_modules/vnu-jar/build/dist/vnu.jar

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to install $*" >&2; return 1; fi
}

apt_updated=no
apt_install() {
  if [ "$apt_updated" = no ]; then as_root apt-get update -qq; apt_updated=yes; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests..."
  apt_install chromium fonts-dejavu-core
fi

if ! command -v java >/dev/null; then
  echo "Installing Java for the Nu Html Checker..."
  apt_install default-jre-headless
fi

if [ ! -f "$VNU_JAR" ]; then
  if ! command -v npm >/dev/null; then
    echo "Installing npm to fetch the Nu Html Checker..."
    apt_install npm
  fi
  echo "Installing the Nu Html Checker (vnu-jar $VNU_VERSION) into .tools/..."
  # --ignore-scripts: the package's postinstall would fetch a Java runtime; Debian's is used instead.
  npm install --prefix .tools --ignore-scripts --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error "vnu-jar@$VNU_VERSION" >/dev/null
fi
