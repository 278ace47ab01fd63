#!/usr/bin/env bash
# Make sure a Java runtime (17+) is present for Spark's local mode (ioscope[spark] tests).
# Called from .ci/run before the tests; installs Debian's default-jre-headless with apt when
# `java -version` fails. Without root or apt it prints why and exits 0: the Spark tests then skip.
set -euo pipefail
if java -version >/dev/null 2>&1; then
  java -version 2>&1 | head -1
  exit 0
fi
echo "java not found: installing default-jre-headless (Spark local mode needs Java 17+)" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "not root and no sudo: cannot install Java; Spark tests will be skipped" >&2; exit 0; fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "no apt-get: install a Java 17+ runtime yourself; Spark tests will be skipped" >&2; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends default-jre-headless
java -version 2>&1 | head -1
