package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// env is what TestMain found; read-only once tests run.
type env struct {
	bin     string // the secretary binary built for this run
	tmux    string // tmux executable, "" when missing
	missing string // why tests cannot run, "" when they can
}

var suite env

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if path, err := exec.LookPath("tmux"); err == nil {
		suite.tmux = path
	} else if os.Getenv("CI") == "true" {
		fmt.Fprintln(os.Stderr, "e2e: tmux is required in CI (.ci/run installs it) and is not on PATH")
		return 1
	} else {
		suite.missing = "tmux is not installed; install it to run the end-to-end tests (they run in CI)"
	}
	dir, err := os.MkdirTemp("", "secretary-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if suite.missing == "" {
		suite.bin = filepath.Join(dir, "secretary")
		build := exec.Command("go", "build", "-o", suite.bin, "github.com/secretary-sh/secretary")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: build the binary: %v\n%s", err, out)
			return 1
		}
	}
	return m.Run()
}

// need skips (or, in CI, fails) a test that cannot run here.
func need(t *testing.T) {
	t.Helper()
	if suite.missing != "" {
		t.Skip("e2e: " + suite.missing)
	}
}

// store is a local store made with the CLI and unlocked by a key file.
type store struct {
	dir, path, keyFile string
	extra              []string // more environment, KEY=value
}

// withEnv returns s with more environment for the processes it starts.
func (s store) withEnv(kv ...string) store {
	s.extra = append(append([]string(nil), s.extra...), kv...)
	return s
}

func newStore(t *testing.T) store {
	t.Helper()
	need(t)
	dir := t.TempDir()
	s := store{dir: dir, path: filepath.Join(dir, "store.db"), keyFile: filepath.Join(dir, "store.key")}
	s.cli(t, "init", "--key-file", s.keyFile)
	return s
}

// env is the environment every process of the test sees: a private HOME,
// no desktop clipboard, UTF-8, and the store.
func (s store) env() []string {
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + s.dir,
		"XDG_DATA_HOME=" + filepath.Join(s.dir, "data"),
		"XDG_RUNTIME_DIR=" + s.dir,
		"LANG=C.UTF-8",
		"LC_ALL=C.UTF-8",
		"TERM=tmux-256color",
		"SECRETARY_STORE=" + s.path,
		"SECRETARY_KEY_FILE=" + s.keyFile,
	}, s.extra...)
}

// cli runs one CLI command against the store and returns its stdout; it
// fails the test when the command fails.
func (s store) cli(t *testing.T, args ...string) string {
	t.Helper()
	out, err := s.try(args...)
	if err != nil {
		t.Fatalf("secretary %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// try runs one CLI command and returns stdout, or an error with stderr.
func (s store) try(args ...string) (string, error) {
	cmd := exec.Command(suite.bin, args...)
	cmd.Env = s.env()
	cmd.Dir = s.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

var sockets atomic.Int64

// term is the console running in a tmux server of its own.
type term struct {
	t      *testing.T
	socket string
	dir    string
	rawLog string // everything the console wrote to its pty
}

const pane = "e2e:0.0"

// start opens the console on s in a w×h tmux window. Every byte the
// console writes is also copied to t.rawLog (pipe-pane): the program waits
// behind a gate until the copy is in place, so nothing escapes it.
func start(t *testing.T, s store, w, h int, args ...string) *term {
	t.Helper()
	return startWith(t, s, w, h, "on", false, args...)
}

// startInTmux is start with tmux's set-clipboard option as given, and the
// console told (through TMUX) that it runs inside this test's tmux server,
// so that it can ask the server about its clipboard handling.
func startInTmux(t *testing.T, s store, w, h int, setClipboard string, args ...string) *term {
	t.Helper()
	return startWith(t, s, w, h, setClipboard, true, args...)
}

func startWith(t *testing.T, s store, w, h int, setClipboard string, inTmux bool, args ...string) *term {
	t.Helper()
	need(t)
	dir := t.TempDir()
	tm := &term{
		t:      t,
		socket: fmt.Sprintf("secretary-e2e-%d-%d", os.Getpid(), sockets.Add(1)),
		dir:    dir,
		rawLog: filepath.Join(dir, "pty.raw"),
	}
	// set-clipboard on: an OSC 52 that leaked would become a tmux buffer,
	// which the escape test looks for. No status line: the window is
	// exactly w×h for the console.
	conf := filepath.Join(dir, "tmux.conf")
	writeFile(t, conf, "set -g status off\nset -g remain-on-exit on\nset -g set-clipboard "+setClipboard+"\nset -g escape-time 10\nset -g default-terminal tmux-256color\nset -g history-limit 1000\n")
	gate := filepath.Join(dir, "go")
	cmdline := []string{"sh", "-c", `while [ ! -e "$0" ]; do sleep 0.02; done; exec "$@"`, gate, "env", "-i"}
	cmdline = append(cmdline, s.env()...)
	if inTmux {
		// Where tmux puts a -L socket; only the path of TMUX is used.
		tmpdir := os.Getenv("TMUX_TMPDIR")
		if tmpdir == "" {
			tmpdir = "/tmp"
		}
		cmdline = append(cmdline, fmt.Sprintf("TMUX=%s,0,0", filepath.Join(tmpdir, fmt.Sprintf("tmux-%d", os.Getuid()), tm.socket)))
	}
	cmdline = append(cmdline, suite.bin)
	cmdline = append(cmdline, args...)
	tm.tmux("-f", conf, "new-session", "-d", "-s", "e2e", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "-c", s.dir, shellJoin(cmdline))
	t.Cleanup(func() {
		// The server and the console in it end with the test.
		_ = exec.Command(suite.tmux, "-L", tm.socket, "kill-server").Run()
	})
	tm.tmux("pipe-pane", "-O", "-t", pane, "cat >> "+shellQuote(tm.rawLog))
	writeFile(t, gate, "")
	return tm
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// tmux runs a tmux command on this test's server.
func (tm *term) tmux(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command(suite.tmux, append([]string{"-L", tm.socket, "-u"}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// keystrokeGap separates keystrokes as a person's typing does. Without
// it a command key and the text after it ("/" then a filter) can reach the
// console in one read, as one message, which is what a paste looks like.
const keystrokeGap = 50 * time.Millisecond

// keys sends tmux key names (Enter, Escape, Down, C-s, …), one keystroke
// at a time.
func (tm *term) keys(keys ...string) {
	tm.t.Helper()
	for _, k := range keys {
		tm.tmux("send-keys", "-t", pane, k)
		// A lone ESC is also told from the start of a sequence by a pause.
		time.Sleep(keystrokeGap)
	}
}

// typeText types text literally (a word arrives in one read, as when
// typed quickly).
func (tm *term) typeText(text string) {
	tm.t.Helper()
	tm.tmux("send-keys", "-t", pane, "-l", text)
	time.Sleep(keystrokeGap)
}

// screen is the visible pane as text.
func (tm *term) screen() string {
	tm.t.Helper()
	return tm.tmux("capture-pane", "-p", "-t", pane)
}

// screenEscapes is the visible pane with colours and attributes as escape
// sequences (capture-pane -e).
func (tm *term) screenEscapes() string {
	tm.t.Helper()
	return tm.tmux("capture-pane", "-p", "-e", "-t", pane)
}

// raw is every byte the console has written so far.
func (tm *term) raw() []byte {
	tm.t.Helper()
	b, err := os.ReadFile(tm.rawLog)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		tm.t.Fatal(err)
	}
	return b
}

// waitFor polls the screen until it contains every one of want, and
// returns it; after the deadline it fails with the screen.
func (tm *term) waitFor(timeout time.Duration, want ...string) string {
	tm.t.Helper()
	return tm.waitUntil(timeout, fmt.Sprintf("screen shows %q", want), func(s string) bool {
		for _, w := range want {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	})
}

// waitGone polls until the screen no longer contains text.
func (tm *term) waitGone(timeout time.Duration, text string) string {
	tm.t.Helper()
	return tm.waitUntil(timeout, fmt.Sprintf("%q leaves the screen", text), func(s string) bool {
		return !strings.Contains(s, text)
	})
}

func (tm *term) waitUntil(timeout time.Duration, what string, ok func(string) bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := tm.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("after %v, still waiting until %s; the screen:\n%s", timeout, what, frame(s))
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// frame draws a screen dump with a border so blank lines show.
func frame(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	var b strings.Builder
	b.WriteString("┌────\n")
	for i, l := range lines {
		fmt.Fprintf(&b, "│%2d│%s\n", i, l)
	}
	b.WriteString("└────")
	return b.String()
}

// size is the pane's size as tmux sees it.
func (tm *term) size() (w, h int) {
	tm.t.Helper()
	out := tm.tmux("display-message", "-p", "-t", pane, "#{pane_width} #{pane_height}")
	if _, err := fmt.Sscan(out, &w, &h); err != nil {
		tm.t.Fatalf("pane size %q: %v", out, err)
	}
	return w, h
}

func (tm *term) resize(w, h int) {
	tm.t.Helper()
	tm.tmux("resize-window", "-t", "e2e", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h))
	if gw, gh := tm.size(); gw != w || gh != h {
		tm.t.Fatalf("resize to %dx%d gave %dx%d", w, h, gw, gh)
	}
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

// lines splits a screen capture into its rows.
func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
