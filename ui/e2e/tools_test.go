package e2e

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// TestCopyOverSSHInTmux copies a value the way an operator on a bastion
// does: over SSH, inside a tmux the console cannot ask (TMUX names no
// server). The value must reach tmux's clipboard through OSC 52, the
// status bar must say it was sent and on what it depends, and after the
// clear timeout an empty selection must follow.
func TestCopyOverSSHInTmux(t *testing.T) {
	s := newStore(t)
	s.cli(t, "create-secret", "--name", "ops/token", "--secret-string", "copy-me-0042")
	s = s.withEnv("SSH_TTY=/dev/pts/9", "SSH_CONNECTION=10.0.0.1 50000 10.0.0.2 22", "TMUX=/tmp/tmux-e2e/default,1,0")
	tm := start(t, s, 120, 40, "--clipboard-clear", "3s")
	tm.WaitFor(15*time.Second, "ops/token")
	tm.Keys("c")
	tm.WaitFor(3*time.Second, "Sent via OSC 52 (tmux)")
	// tmux (set-clipboard on) turned the sequence into a paste buffer.
	got := tm.waitUntilBuffer(5 * time.Second)
	if got != "copy-me-0042" {
		t.Fatalf("tmux buffer holds %q", got)
	}
	raw := string(tm.raw())
	b64 := base64.StdEncoding.EncodeToString([]byte("copy-me-0042"))
	if !strings.Contains(raw, "\x1b]52;c;"+b64+"\x07") || !strings.Contains(raw, "\x1bPtmux;\x1b\x1b]52;c;"+b64+"\x07\x1b\\") {
		t.Errorf("the pty did not get both the plain and the tmux-wrapped OSC 52")
	}
	// The clear: an empty selection, and the status bar says so.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(string(tm.raw()), "\x1b]52;c;\x07") {
		if time.Now().After(deadline) {
			t.Fatalf("no empty selection was sent after the timeout; screen:\n%s", tmuxtest.Frame(tm.Screen()))
		}
		time.Sleep(100 * time.Millisecond)
	}
	tm.WaitFor(3*time.Second, "Sent an empty selection to the terminal clipboard")
}

// TestCopyInTmuxSetClipboardOff copies inside tmux with set-clipboard
// off, where nothing reaches the workstation: the status bar must say the
// value is only in a tmux buffer and how to fix it, and the clear must
// delete that buffer.
func TestCopyInTmuxSetClipboardOff(t *testing.T) {
	s := newStore(t)
	s.cli(t, "create-secret", "--name", "ops/token", "--secret-string", "copy-me-0043")
	s = s.withEnv("SSH_TTY=/dev/pts/9", "SSH_CONNECTION=10.0.0.1 50000 10.0.0.2 22")
	tm := startInTmux(t, s, 200, 30, "off", "--clipboard-clear", "3s")
	tm.WaitFor(15*time.Second, "ops/token")
	tm.Keys("c")
	tm.WaitFor(5*time.Second, "ONLY in tmux buffer secretary", "workstation clipboard was not reached", "tmux set -g set-clipboard on")
	if got := tm.waitUntilBuffer(5 * time.Second); got != "copy-me-0043" {
		t.Fatalf("tmux buffer holds %q", got)
	}
	tm.WaitFor(10*time.Second, "Cleared: deleted 1 tmux buffer(s)")
	if b := strings.TrimSpace(tm.Tmux("list-buffers")); b != "" {
		t.Fatalf("tmux still holds buffers after the clear: %s", b)
	}
}

// TestCopyInTmuxSetClipboardOn copies inside tmux with set-clipboard on:
// the value arrives in tmux (and is sent on to the terminal), and the
// clear removes it from every tmux buffer.
func TestCopyInTmuxSetClipboardOn(t *testing.T) {
	s := newStore(t)
	s.cli(t, "create-secret", "--name", "ops/token", "--secret-string", "p@ss-0044")
	s = s.withEnv("SSH_TTY=/dev/pts/9", "SSH_CONNECTION=10.0.0.1 50000 10.0.0.2 22")
	tm := startInTmux(t, s, 200, 30, "on", "--clipboard-clear", "3s")
	tm.WaitFor(15*time.Second, "ops/token")
	tm.Keys("c")
	tm.WaitFor(5*time.Second, "Copied in tmux buffer secretary, and sent on to your terminal's clipboard by tmux")
	if got := tm.waitUntilBuffer(5 * time.Second); got != "p@ss-0044" {
		t.Fatalf("tmux buffer holds %q", got)
	}
	tm.WaitFor(10*time.Second, "Cleared: deleted 1 tmux buffer(s)", "overwrote your terminal's clipboard")
	if b := strings.TrimSpace(tm.Tmux("list-buffers")); b != "" {
		t.Fatalf("tmux still holds buffers after the clear: %s", b)
	}
	if strings.Contains(string(tm.raw()), "p@ss-0044") {
		t.Error("the value was written to the terminal in clear")
	}
}

// waitUntilBuffer waits for tmux's newest paste buffer and returns it.
func (tm *term) waitUntilBuffer(timeout time.Duration) string {
	tm.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if strings.TrimSpace(tm.Tmux("list-buffers")) != "" {
			return tm.Tmux("show-buffer")
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("no tmux buffer after %v; screen:\n%s", timeout, tmuxtest.Frame(tm.Screen()))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// editorScript is $EDITOR for the test: it records the file it was given
// and the modes of the file and its directory, then rewrites the value.
const editorScript = `#!/bin/sh
f="$1"
d=$(dirname "$f")
printf '%s\n%s\n%s\n' "$f" "$(ls -ld "$f" | cut -c1-10)" "$(ls -ld "$d" | cut -c1-10)" > "$E2E_RECORD"
printf '%s' 'edited-in-editor' > "$f"
`

// withEditor makes script the store's $EDITOR and returns the file the
// script records what it saw in (E2E_RECORD).
func withEditor(t *testing.T, s store, script string) (store, string) {
	t.Helper()
	path := filepath.Join(s.dir, "fake-editor")
	writeFile(t, path, script)
	if err := os.Chmod(path, 0o700); err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(s.dir, "editor-record")
	return s.withEnv("EDITOR="+path, "E2E_RECORD="+record), record
}

// TestExternalEditor edits a value in $EDITOR through the console: the
// editor gets a 0600 file in a 0700 directory under $XDG_RUNTIME_DIR, the
// change is confirmed and saved as AWSCURRENT, and the file is gone.
func TestExternalEditor(t *testing.T) {
	s := newStore(t)
	s.cli(t, "create-secret", "--name", "ops/plain", "--secret-string", "before-editor")
	s, record := withEditor(t, s, editorScript)
	tm := start(t, s, 120, 40)
	tm.WaitFor(15*time.Second, "ops/plain")
	tm.Keys("Enter")
	tm.WaitFor(5*time.Second, "arn:aws:secretsmanager:")
	tm.Keys("E")
	tm.WaitFor(10*time.Second, "Save new version", "text changed, 1 line")
	tm.Keys("y")
	tm.WaitUntil(10*time.Second, "the value is saved", func(string) bool {
		v, _ := valueOf(t, s, "ops/plain", "AWSCURRENT")
		return v == "edited-in-editor"
	})
	if prev, _ := valueOf(t, s, "ops/plain", "AWSPREVIOUS"); prev != "before-editor" {
		t.Errorf("AWSPREVIOUS reads %q", prev)
	}
	rec, err := os.ReadFile(record)
	if err != nil {
		t.Fatalf("the editor did not run: %v", err)
	}
	f := strings.Split(strings.TrimSpace(string(rec)), "\n")
	if len(f) != 3 || f[1] != "-rw-------" || f[2] != "drwx------" {
		t.Fatalf("editor record %q: want the file 0600 in a 0700 directory", rec)
	}
	if !strings.HasPrefix(f[0], s.dir+string(filepath.Separator)) {
		t.Errorf("the file %s is not under XDG_RUNTIME_DIR %s", f[0], s.dir)
	}
	if _, err := os.Stat(filepath.Dir(f[0])); !os.IsNotExist(err) {
		t.Errorf("the editor's directory %s is still there (%v)", filepath.Dir(f[0]), err)
	}
}

// refusingEditorScript makes a value AWS would refuse (65,537 bytes) on its
// first run; on the second it records how many bytes it was handed back and
// writes a value that fits.
const refusingEditorScript = `#!/bin/sh
f="$1"
if [ ! -e "$E2E_RECORD.first" ]; then
	: > "$E2E_RECORD.first"
	head -c 65537 /dev/zero | tr '\0' 'x' > "$f"
	exit 0
fi
wc -c < "$f" | tr -d ' ' > "$E2E_RECORD"
printf '%s' 'fits-now' > "$f"
`

// TestExternalEditRefusedIsReopened checks that an edit the store would
// refuse is not lost: the console says why and hands the edit back to
// $EDITOR, and the corrected value is saved.
func TestExternalEditRefusedIsReopened(t *testing.T) {
	s := newStore(t)
	s.cli(t, "create-secret", "--name", "ops/big", "--secret-string", "small")
	s, record := withEditor(t, s, refusingEditorScript)
	tm := start(t, s, 120, 40)
	tm.WaitFor(15*time.Second, "ops/big")
	tm.Keys("Enter")
	tm.WaitFor(5*time.Second, "arn:aws:secretsmanager:")
	tm.Keys("E")
	tm.WaitFor(10*time.Second, "Nothing saved", "65537 bytes", "e edit again")
	tm.Keys("e")
	tm.WaitFor(10*time.Second, "Save new version", "text changed")
	rec, err := os.ReadFile(record)
	if err != nil {
		t.Fatalf("the editor was not reopened: %v", err)
	}
	if got := strings.TrimSpace(string(rec)); got != "65537" {
		t.Fatalf("the reopened editor got %s bytes, want the refused edit's 65537", got)
	}
	tm.Keys("y")
	tm.WaitUntil(10*time.Second, "the corrected value is saved", func(string) bool {
		v, _ := valueOf(t, s, "ops/big", "AWSCURRENT")
		return v == "fits-now"
	})
}
