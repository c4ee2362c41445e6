#!/usr/bin/env bash
# Set up everything Gijiroku needs in .venv/ (idempotent), then run the demo or the tests.
#   ./dev.sh demo   process the bundled sample meetings (Japanese and English), print their
#                   transcripts and minutes, then serve the web view at http://127.0.0.1:8000/ (PORT=...)
#   ./dev.sh test   run linters, type checks and the whole test suite
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

PYTHON=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.installed

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

python_env() {  # $1: extras to install ("" or "test")
    if [ ! -x "$VENV/bin/python" ]; then
        log "creating $VENV"
        "$PYTHON" -m venv "$VENV"
    fi
    # The stamp lists "<hash of pyproject.toml> <extras>" for each install done; the test
    # install includes everything the demo needs, so the demo accepts either line.
    local spec="." hash want pattern
    [ -n "$1" ] && spec=".[$1]"
    hash=$(sha256sum <pyproject.toml | cut -c1-16)
    want="$hash $1"
    pattern="^$hash ${1:-.*}\$"
    if ! grep -qE "$pattern" "$STAMP" 2>/dev/null; then
        log "installing Python packages ($spec)"
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        "$VENV/bin/python" -m pip install --quiet -e "$spec"
        echo "$want" >>"$STAMP"
    fi
    # model files fetched once at setup, never at run time
    "$VENV/bin/gijiroku" models fetch-starter >/dev/null
}

system_packages() {  # Debian packages the tests use, installed when we may (root) and need to
    local missing=()
    command -v espeak-ng >/dev/null || missing+=(espeak-ng)        # speaks test recordings
    command -v chromium >/dev/null || missing+=(chromium)          # the browser test
    fc-list :lang=ja 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)  # Japanese glyphs
    command -v pdftoppm >/dev/null || missing+=(poppler-utils)     # renders PDF exports
    command -v docker-compose >/dev/null || missing+=(docker-compose)  # validates the compose file
    [ -x /usr/sbin/slapd ] || missing+=(slapd)                      # a directory to sign in by
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
            { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
    else
        log "not root: tests that need ${missing[*]} will be skipped"
    fi
}

case "${1:-}" in
demo)
    python_env ""
    # The samples speak with synthetic voices, closer together than real people's: the demo
    # gives the number of people present, as a clerk does from the attendance (the default
    # diarizer is set for real voices; README "Benchmarks", diarize_sweep --real)
    log "processing samples/committee-meeting-ja.flac (a Japanese committee meeting, five people)"
    ja=$("$VENV/bin/gijiroku" process samples/committee-meeting-ja.flac --num-speakers 5 --json data/demo-result-ja.json)
    "$VENV/bin/gijiroku" show "$ja"
    log "the minutes, drafted by the embedded language model"
    "$VENV/bin/gijiroku" export "$ja" --format md --minutes-only -o data/demo-minutes-ja.md 2>/dev/null
    cat data/demo-minutes-ja.md
    log "processing samples/committee-meeting-en.flac (three people)"
    id=$("$VENV/bin/gijiroku" process samples/committee-meeting-en.flac --num-speakers 3 --json data/demo-result.json)
    "$VENV/bin/gijiroku" show "$id"
    log "the minutes, drafted by the embedded language model"
    "$VENV/bin/gijiroku" export "$id" --format md --minutes-only -o data/demo-minutes.md 2>/dev/null
    cat data/demo-minutes.md
    log "stored as meetings $ja and $id; result documents in data/demo-result-ja.json and data/demo-result.json"
    port=${PORT:-8000}
    log "open http://127.0.0.1:$port/meetings/$ja (or /meetings/$id, or the list at /) in your browser (Ctrl-C stops the server)"
    exec "$VENV/bin/gijiroku" serve --port "$port"
    ;;
test)
    python_env "test"
    system_packages
    "$VENV/bin/python" -m tests.assets
    log "ruff"
    "$VENV/bin/ruff" check .
    log "mypy"
    "$VENV/bin/mypy"
    log "import contracts (lint-imports)"
    "$VENV/bin/lint-imports"
    log "pytest"
    shift
    # one pytest-xdist worker per core (at most 4), a whole module on one worker (its
    # servers and browser with it); add `-n 0` for one process
    exec "$VENV/bin/python" -m pytest -n auto --maxprocesses 4 --dist loadfile "$@"
    ;;
*)
    echo "usage: ./dev.sh demo | test [pytest arguments]" >&2
    exit 2
    ;;
esac
