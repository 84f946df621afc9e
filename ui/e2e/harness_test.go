package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// env is what TestMain found; read-only once tests run.
type env struct {
	bin       string // the secretary binary built for this run
	available bool   // tmux is installed, so the binary was built
}

var suite env

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if _, err := tmuxtest.Lookup(); err == nil {
		suite.available = true
	} else if tmuxtest.InCI() {
		fmt.Fprintf(os.Stderr, "e2e: tmux is required in CI and is not on PATH: %v\n", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "secretary-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if suite.available {
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
	tmuxtest.Require(t)
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

// term is the console running in a tmux server of its own.
type term struct {
	*tmuxtest.Session
	t      *testing.T
	rawLog string // everything the console wrote to its pty
}

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
	srv := tmuxtest.NewServer(t)
	rawLog := filepath.Join(dir, "pty.raw")
	gate := filepath.Join(dir, "go")
	cmdline := []string{"sh", "-c", `while [ ! -e "$0" ]; do sleep 0.02; done; exec "$@"`, gate, "env", "-i"}
	cmdline = append(cmdline, s.env()...)
	if inTmux {
		// Where tmux puts a -L socket; only the path of TMUX is used.
		tmpdir := os.Getenv("TMUX_TMPDIR")
		if tmpdir == "" {
			tmpdir = "/tmp"
		}
		cmdline = append(cmdline, fmt.Sprintf("TMUX=%s,0,0", filepath.Join(tmpdir, fmt.Sprintf("tmux-%d", os.Getuid()), srv.Socket())))
	}
	cmdline = append(cmdline, suite.bin)
	cmdline = append(cmdline, args...)
	// set-clipboard on: an OSC 52 that leaked would become a tmux buffer,
	// which the escape test looks for.
	sess := srv.NewSession("e2e", tmuxtest.Options{Width: w, Height: h, Dir: s.dir,
		Config: "set -g remain-on-exit on\nset -g set-clipboard " + setClipboard + "\nset -g escape-time 10\nset -g default-terminal tmux-256color\nset -g history-limit 1000"},
		tmuxtest.ShellJoin(cmdline))
	tm := &term{Session: sess, t: t, rawLog: rawLog}
	tm.Tmux("pipe-pane", "-O", "-t", sess.Target(), "cat >> "+tmuxtest.ShellQuote(rawLog))
	writeFile(t, gate, "")
	return tm
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
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

// lines splits a screen capture into its rows.
func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
