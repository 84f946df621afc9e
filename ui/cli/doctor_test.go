package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// doctor says how the console sees the terminal and exits 0: outside any
// multiplexer and terminal, with NO_COLOR and a configuration file.
func TestDoctorPlain(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(conf, []byte("no-mouse = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, dir: dir, vars: []string{"TERM=xterm-256color", "NO_COLOR=1", "TMUX=", "STY=", "SSH_TTY=", "SSH_CONNECTION=",
		"SECRETARY_CONFIG=" + conf, "DISPLAY=", "WAYLAND_DISPLAY="}}
	r := e.run("", "doctor")
	if r.code != 0 {
		t.Fatalf("doctor: code %d, stderr %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"TERM             xterm-256color\n",
		"multiplexer      none\n",
		"NO_COLOR         set: the console draws without colour\n",
		"config file      " + conf + "\n",
		"mouse            off (--no-mouse)\n",
		"clipboard        ",
		"confirmed        ",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("doctor lacks %q:\n%s", want, r.stdout)
		}
	}
}

// Inside tmux, doctor asks tmux for its version and set-clipboard option,
// as the console does before a copy, and reads the pane's size.
func TestDoctorInTmux(t *testing.T) {
	m := newTmux(t, []string{"TERM=tmux-256color", "SSH_TTY=", "SSH_CONNECTION=", "SECRETARY_CONFIG=/nonexistent/config.toml"}, binary+" doctor")
	scr := m.WaitFor(30*time.Second, "EXIT=")
	for _, want := range []string{"EXIT=0", "multiplexer      tmux ", "· set-clipboard ", "terminal size    120×40", "clipboard        ", "tmux buffer secretary",
		"config file      /nonexistent/config.toml (not there; defaults apply)"} {
		if !strings.Contains(scr, want) {
			t.Errorf("doctor in tmux lacks %q:\n%s", want, scr)
		}
	}
}
