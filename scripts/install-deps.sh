#!/usr/bin/env bash
# Installs the Debian packages Recur needs, only those that are missing.
# libopenblas-dev: cblas for every matrix product; libarchive-dev: bundles and .gz corpora;
# libssl-dev: SHA-256 of bundle members (libcrypto); libpng-dev: PNG images in and out for the
# image and video tasks (its simplified API reports a bad file as a message, not a longjmp);
# jargon-text: the default char-lm corpus (the Jargon File, public domain); libopenmpi-dev,
# openmpi-bin: data-parallel training (`mpirun ... recur run --distributed`); nothing needs MPI
# running otherwise; w*: the word lists of the default classification set ("which language is
# this word", label = language).
set -euo pipefail
packages=(pkg-config libopenblas-dev libarchive-dev libssl-dev libpng-dev libopenmpi-dev openmpi-bin jargon-text
          wamerican wngerman wfrench wspanish witalian wportuguese wdutch)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "recur: installing missing Debian packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
