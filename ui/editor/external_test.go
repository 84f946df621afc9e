package editor

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// editorScript checks what the editor is given — a 0600 file in a 0700
// directory under the tmpfs base — records the path, and then does
// $ACTION to the file. The store's passphrase and key, set in the console's
// environment, must not reach it.
const editorScript = `#!/bin/sh
f="$1"
d=$(dirname "$f")
echo "$f" > "$RECORD"
fm=$(ls -ld "$f" | cut -c1-10); dm=$(ls -ld "$d" | cut -c1-10)
[ "$fm" = "-rw-------" ] || { echo "file mode $fm" >> "$RECORD"; exit 3; }
[ "$dm" = "drwx------" ] || { echo "dir mode $dm" >> "$RECORD"; exit 4; }
[ -z "$SECRETARY_PASSPHRASE$SECRETARY_KEY" ] || { echo "the store's credential reached the editor" >> "$RECORD"; exit 5; }
case "$ACTION" in
  replace) printf '%s' "$NEWVALUE" > "$f" ;;
  newline) printf '\n' >> "$f" ;;
  swapfile) printf 'swap' > "$d/.secret.txt.swp"; printf '%s' "$NEWVALUE" > "$f" ;;
  fail) exit 1 ;;
  none) ;;
esac
`

// resultModel runs one External edit in a real Bubble Tea program and
// keeps the result.
type resultModel struct {
	cmd    tea.Cmd
	result tea.Msg
}

func (m *resultModel) Init() tea.Cmd { return m.cmd }
func (m *resultModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg.(type) {
	case SavedMsg, CancelledMsg, ErrorMsg:
		m.result = msg
		return m, tea.Quit
	}
	return m, nil
}
func (m *resultModel) View() string { return "" }

// idleInput is a keyboard nobody types on. It is an OS pipe (an
// *os.File): the editor inherits it as stdin directly, where an io.Pipe
// would make exec wait for a copy goroutine that never ends.
func idleInput(t *testing.T) io.Reader {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close(); r.Close() })
	return r
}

func runExternal(t *testing.T, value, action, newValue string) (tea.Msg, string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the editor stand-in is a POSIX shell script; Windows has no sh")
	}
	dir := t.TempDir()
	base := filepath.Join(dir, "runtime")
	if err := os.Mkdir(base, 0o700); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "fake-editor")
	if err := os.WriteFile(script, []byte(editorScript), 0o700); err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(dir, "record")
	t.Setenv("XDG_RUNTIME_DIR", base)
	t.Setenv("RECORD", record)
	t.Setenv("ACTION", action)
	t.Setenv("NEWVALUE", newValue)
	t.Setenv("SECRETARY_PASSPHRASE", "the console's passphrase")
	t.Setenv("SECRETARY_KEY", "c2l4dGVlbiBieXRlcyBsb25n")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m := &resultModel{cmd: External(ctx, []byte(value), script)}
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(idleInput(t)), tea.WithOutput(&strings.Builder{}), tea.WithoutSignalHandler())
	if _, err := p.Run(); err != nil {
		t.Fatalf("program: %v", err)
	}
	rec, _ := os.ReadFile(record)
	lines := strings.Split(strings.TrimSpace(string(rec)), "\n")
	if len(lines) > 1 {
		t.Fatalf("editor check failed: %s", rec)
	}
	path := lines[0]
	if path != "" {
		if !strings.HasPrefix(path, base+string(filepath.Separator)) {
			t.Errorf("file %s is not under the tmpfs base %s", path, base)
		}
		if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
			t.Errorf("private directory %s still exists (%v)", filepath.Dir(path), err)
		}
	}
	if entries, _ := os.ReadDir(base); len(entries) != 0 {
		t.Errorf("left behind in the base directory: %v", entries)
	}
	return m.result, path
}

func TestExternalSaved(t *testing.T) {
	got, path := runExternal(t, `{"user":"app"}`, "replace", `{"user":"app","password":"new"}`)
	saved, ok := got.(SavedMsg)
	if !ok || string(saved.Value) != `{"user":"app","password":"new"}` {
		t.Fatalf("got %#v", got)
	}
	if filepath.Base(path) != "secret.json" {
		t.Errorf("JSON value edited in %s, want secret.json", filepath.Base(path))
	}
}

func TestExternalUnchangedIsCancelled(t *testing.T) {
	got, _ := runExternal(t, "pw", "none", "")
	if c, ok := got.(CancelledMsg); !ok || !strings.Contains(c.Reason, "unchanged") {
		t.Fatalf("got %#v", got)
	}
	// vi adds a final newline on :wq; that alone is no change.
	got, _ = runExternal(t, "pw", "newline", "")
	if _, ok := got.(CancelledMsg); !ok {
		t.Fatalf("added newline: got %#v", got)
	}
	// A value that had a final newline keeps newline edits significant.
	got, _ = runExternal(t, "line\n", "newline", "")
	if s, ok := got.(SavedMsg); !ok || string(s.Value) != "line\n\n" {
		t.Fatalf("value with newline: got %#v", got)
	}
}

func TestExternalSwapFilesRemoved(t *testing.T) {
	got, _ := runExternal(t, "pw", "swapfile", "pw2")
	if s, ok := got.(SavedMsg); !ok || string(s.Value) != "pw2" {
		t.Fatalf("got %#v", got)
	}
}

func TestExternalEditorFails(t *testing.T) {
	got, _ := runExternal(t, "pw", "fail", "")
	c, ok := got.(CancelledMsg)
	if !ok || !strings.Contains(c.Reason, "status 1") {
		t.Fatalf("got %#v", got)
	}
}

func TestExternalNoEditor(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", dir)
	m := &resultModel{cmd: External(context.Background(), []byte("pw"), filepath.Join(dir, "no-such-editor"))}
	p := tea.NewProgram(m, tea.WithInput(idleInput(t)), tea.WithOutput(&strings.Builder{}), tea.WithoutSignalHandler())
	if _, err := p.Run(); err != nil {
		t.Fatal(err)
	}
	e, ok := m.result.(ErrorMsg)
	if !ok || !strings.Contains(e.Error(), "no-such-editor") {
		t.Fatalf("got %#v", m.result)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestEditorFromEnv(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	if got := EditorFromEnv(get); got != "vi" {
		t.Errorf("fallback %q", got)
	}
	env["EDITOR"] = "nano"
	if got := EditorFromEnv(get); got != "nano" {
		t.Errorf("EDITOR %q", got)
	}
	env["VISUAL"] = "code --wait"
	if got := EditorFromEnv(get); got != "code --wait" {
		t.Errorf("VISUAL %q", got)
	}
}

func TestExternalBlankEditorUsesEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", dir)
	t.Setenv("VISUAL", "")
	t.Setenv("EDITOR", filepath.Join(dir, "from-env"))
	m := &resultModel{cmd: External(context.Background(), []byte("pw"), "   ")}
	p := tea.NewProgram(m, tea.WithInput(idleInput(t)), tea.WithOutput(&strings.Builder{}), tea.WithoutSignalHandler())
	if _, err := p.Run(); err != nil {
		t.Fatal(err)
	}
	// The editor from $EDITOR was tried (it does not exist).
	if e, ok := m.result.(ErrorMsg); !ok || !strings.Contains(e.Error(), "from-env") {
		t.Fatalf("got %#v", m.result)
	}
}
