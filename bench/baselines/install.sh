#!/usr/bin/env bash
# Installs what the benchmarks' baselines need: the libtorrent 2.0.8 Python binding for the system
# /usr/bin/python3 (SwarmBench --libtorrent; a pyenv python3 does not see it) and socat (the relay
# PairBench compares a single verified pair with).
# Debian packages only; idempotent: does nothing when everything is present.
set -euo pipefail
pkgs=(python3 python3-libtorrent socat)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
version=$(/usr/bin/python3 -c 'import libtorrent; print(libtorrent.__version__)')
echo "baselines: /usr/bin/python3 with libtorrent ${version}, $(socat -V | sed -n 's/^socat version \([^ ]*\).*/socat \1/p') (${pkgs[*]})"
