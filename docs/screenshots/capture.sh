#!/usr/bin/env bash
# Regenerates the console pictures in docs/images from the real binary on the
# demo store: each one is a tmux capture of secretary at 120×36, keys typed
# as an operator would, rendered to SVG by charmbracelet/freeze. Never edit
# the pictures by hand; run this again.
#
#   bash docs/screenshots/capture.sh            # SVG, as the docs use them
#   OUT=/tmp/shots FORMAT=png bash docs/screenshots/capture.sh   # PNG elsewhere
#
# Needs tmux and Go (freeze is fetched through the Go module proxy).
set -euo pipefail
cd "$(dirname "$0")/../.."

FREEZE="go run github.com/charmbracelet/freeze@v0.2.2"
out=${OUT:-docs/images}
format=${FORMAT:-svg}
work=$(mktemp -d)
sock="secretary-shots-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/secretary" .
mkdir -p "$out"

# wait_for TEXT: poll the pane until it shows TEXT (10 s at most).
wait_for() {
	for _ in $(seq 1 100); do
		tmux -L "$sock" capture-pane -p -t shot | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	echo "the console never showed: $1" >&2
	tmux -L "$sock" capture-pane -p -t shot >&2
	exit 1
}

keys() { tmux -L "$sock" send-keys -t shot "$@"; sleep 0.3; }

# shot NAME: render the pane, colours included, to $out/NAME.$format.
shot() {
	sleep 0.5
	tmux -L "$sock" capture-pane -e -p -t shot >"$work/$1.ansi"
	$FREEZE --window=false --output "$out/$1.$format" <"$work/$1.ansi" >/dev/null
	echo "wrote $out/$1.$format"
}

# A fixed seed and a fixed store path keep the pictures the same from run to
# run (apart from relative dates).
start() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	tmux -L "$sock" -f /dev/null new-session -d -s shot -x 120 -y 36 \
		"env -u NO_COLOR TERM=xterm-256color COLORTERM=truecolor HOME=$work $work/secretary --demo --seed 7; sleep 60"
	wait_for "Secrets "
}

start
wait_for "by name"
shot list

keys / ; keys -l "prod/payments/postgres"; keys Enter
wait_for "prod/payments/postgres"
keys Enter
wait_for "VALUE"
# y lists the JSON value's fields, their values still masked.
keys y
wait_for "password"
shot detail-masked
keys Escape

keys v
wait_for "AWSCURRENT"
keys m; keys j; keys =
shot versions-diff
