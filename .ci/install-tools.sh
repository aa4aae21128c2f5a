#!/usr/bin/env bash
# Installs the real tools the tests use: encoders that make the test media and the players
# (ffmpeg/ffprobe) that read what IceShare serves, and the headless Chromium the web console's browser
# test drives (through playwright-core from npm, installed by itests/karaf's build). Debian packages
# only; idempotent. iproute2 (tc, ip) and util-linux (unshare) serve the shaped lab's smoke run.
set -euo pipefail
pkgs=(ffmpeg vorbis-tools opus-tools oggz-tools flac speex icecast2 ezstream chromium iproute2 util-linux)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-tools: all present (${pkgs[*]})"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
