// Package tmuxtest drives programs on a real terminal, tmux, for tests:
// a tmux server of the test's own, sessions running a command, keys sent
// one keystroke at a time, the screen captured and waited on. The console's
// end-to-end tests and the CLI's terminal tests share it.
//
// tmux is required in CI, where a missing tmux fails the test; elsewhere
// the test is skipped with the reason.
package tmuxtest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// InCI reports whether the tests run in CI (the CI variable set, as every
// CI service sets it), where nothing a test needs may be missing.
func InCI() bool {
	v := os.Getenv("CI")
	return v != "" && v != "false" && v != "0"
}

// Lookup returns the tmux executable, or why there is none.
func Lookup() (string, error) {
	path, err := exec.LookPath("tmux")
	if err != nil {
		return "", errors.New("tmux is not installed (CI installs it with .ci/run); the terminal tests need it")
	}
	return path, nil
}

// Require returns the tmux executable. Without one it skips the test, or
// fails it in CI.
func Require(t testing.TB) string {
	t.Helper()
	path, err := Lookup()
	if err != nil {
		if InCI() {
			t.Fatalf("tmux is required in CI and is not on PATH: %v", err)
		}
		t.Skip("skipped: " + err.Error())
	}
	return path
}

var sockets atomic.Int64

// Server is a tmux server of the test's own (its own -L socket), killed
// when the test ends.
type Server struct {
	t      testing.TB
	path   string
	socket string
}

// NewServer makes a server for the test; it starts with its first session.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, path: Require(t), socket: fmt.Sprintf("secretary-test-%d-%d", os.Getpid(), sockets.Add(1))}
	t.Cleanup(s.kill)
	return s
}

// kill ends the server and waits, for a while, until what ran in its panes
// has exited: a shell told to hang up still writes its history, and must
// be done before the test's directories are removed.
func (s *Server) kill() {
	var sessions []int
	if out, err := s.Run("", "list-panes", "-a", "-F", "#{pane_pid}"); err == nil {
		for _, f := range strings.Fields(out) {
			if pid, err := strconv.Atoi(f); err == nil {
				sessions = append(sessions, pid)
			}
		}
	}
	_, _ = s.Run("", "kill-server")
	deadline := time.Now().Add(5 * time.Second)
	for len(sessions) > 0 && running(sessions) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
}

// running reports whether a process other than a zombie runs in one of
// the sessions (each pane's process leads one). Where there is no /proc
// it reports false: there is nothing to wait on.
func running(sessions []int) bool {
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp session ...; comm may hold spaces.
		rest := string(b[bytes.LastIndexByte(b, ')')+1:])
		f := strings.Fields(rest)
		if len(f) < 4 || f[0] == "Z" {
			continue
		}
		sid, _ := strconv.Atoi(f[3])
		if slices.Contains(sessions, sid) {
			return true
		}
	}
	return false
}

// Socket is the server's socket name (tmux -L).
func (s *Server) Socket() string { return s.socket }

// Run runs a tmux command on the server with stdin and returns its
// output, or an error holding what tmux said.
func (s *Server) Run(stdin string, args ...string) (string, error) {
	cmd := exec.Command(s.path, append([]string{"-L", s.socket, "-u"}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("tmux %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// Tmux runs a tmux command on the server and returns its output; an error
// fails the test.
func (s *Server) Tmux(args ...string) string {
	s.t.Helper()
	out, err := s.Run("", args...)
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// Options shape a session.
type Options struct {
	// Width and Height are the window's size; 0 means 120×40.
	Width, Height int
	// Dir is the command's working directory; "" is the test's.
	Dir string
	// Config is the server's tmux.conf, read when the first session
	// starts the server; "" means none (tmux's defaults). The status
	// line is always off, so the window is exactly the command's.
	Config string
}

// Session is one tmux session running a command, in a window of one pane.
type Session struct {
	*Server
	target string
}

// Start starts command (a shell command line; see ShellJoin) in a new
// session on a server of the test's own.
func Start(t testing.TB, opts Options, command string) *Session {
	t.Helper()
	return NewServer(t).NewSession("main", opts, command)
}

// NewSession starts command (a shell command line) in a new session
// called name.
func (s *Server) NewSession(name string, opts Options, command string) *Session {
	s.t.Helper()
	if opts.Width == 0 {
		opts.Width = 120
	}
	if opts.Height == 0 {
		opts.Height = 40
	}
	conf := filepath.Join(s.t.TempDir(), "tmux.conf")
	if err := os.WriteFile(conf, []byte("set -g status off\n"+opts.Config+"\n"), 0o600); err != nil {
		s.t.Fatal(err)
	}
	args := []string{"-f", conf, "new-session", "-d", "-s", name, "-x", fmt.Sprint(opts.Width), "-y", fmt.Sprint(opts.Height)}
	if opts.Dir != "" {
		args = append(args, "-c", opts.Dir)
	}
	s.Tmux(append(args, command)...)
	return &Session{Server: s, target: name + ":0.0"}
}

// Target is the session's pane, for tmux commands (-t).
func (s *Session) Target() string { return s.target }

// KeystrokeGap separates keystrokes as a person's typing does. Without it
// a command key and the text after it ("/" then a filter) can reach the
// program in one read, as one message, which is what a paste looks like;
// and a lone ESC is told from the start of a sequence by a pause.
const KeystrokeGap = 50 * time.Millisecond

// Keys sends tmux key names (Enter, Escape, Down, C-s, …), one keystroke
// at a time.
func (s *Session) Keys(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		s.Tmux("send-keys", "-t", s.target, k)
		time.Sleep(KeystrokeGap)
	}
}

// Type types text literally (a word arrives in one read, as when typed
// quickly).
func (s *Session) Type(text string) {
	s.t.Helper()
	s.Tmux("send-keys", "-t", s.target, "-l", text)
	time.Sleep(KeystrokeGap)
}

// Screen is the visible pane as text.
func (s *Session) Screen() string {
	s.t.Helper()
	return s.Tmux("capture-pane", "-p", "-t", s.target)
}

// ScreenEscapes is the visible pane with colours and attributes as escape
// sequences (capture-pane -e).
func (s *Session) ScreenEscapes() string {
	s.t.Helper()
	return s.Tmux("capture-pane", "-p", "-e", "-t", s.target)
}

// WaitFor polls the screen until it contains every one of want, and
// returns it; after timeout it fails the test, showing the screen.
func (s *Session) WaitFor(timeout time.Duration, want ...string) string {
	s.t.Helper()
	return s.WaitUntil(timeout, fmt.Sprintf("the screen shows %q", want), func(screen string) bool {
		for _, w := range want {
			if !strings.Contains(screen, w) {
				return false
			}
		}
		return true
	})
}

// WaitGone polls until the screen no longer contains text.
func (s *Session) WaitGone(timeout time.Duration, text string) string {
	s.t.Helper()
	return s.WaitUntil(timeout, fmt.Sprintf("%q leaves the screen", text), func(screen string) bool {
		return !strings.Contains(screen, text)
	})
}

// WaitUntil polls the screen until ok accepts it, and returns it; after
// timeout it fails the test, saying what it waited for.
func (s *Session) WaitUntil(timeout time.Duration, what string, ok func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		screen := s.Screen()
		if ok(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("after %v, still waiting until %s; the screen:\n%s", timeout, what, Frame(screen))
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// Size is the pane's size as tmux sees it.
func (s *Session) Size() (w, h int) {
	s.t.Helper()
	out := s.Tmux("display-message", "-p", "-t", s.target, "#{pane_width} #{pane_height}")
	if _, err := fmt.Sscan(out, &w, &h); err != nil {
		s.t.Fatalf("pane size %q: %v", out, err)
	}
	return w, h
}

// Resize resizes the window and checks the pane took the size.
func (s *Session) Resize(w, h int) {
	s.t.Helper()
	s.Tmux("resize-window", "-t", strings.TrimSuffix(s.target, ".0"), "-x", fmt.Sprint(w), "-y", fmt.Sprint(h))
	if gw, gh := s.Size(); gw != w || gh != h {
		s.t.Fatalf("resize to %dx%d gave %dx%d", w, h, gw, gh)
	}
}

// Frame draws a screen dump with a border and row numbers, so blank lines
// show in a failure message.
func Frame(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	var b strings.Builder
	b.WriteString("┌────\n")
	for i, l := range lines {
		fmt.Fprintf(&b, "│%2d│%s\n", i, l)
	}
	b.WriteString("└────")
	return b.String()
}

// ShellQuote quotes s for a POSIX shell.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ShellJoin quotes each argument and joins them into one command line.
func ShellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = ShellQuote(a)
	}
	return strings.Join(q, " ")
}
