package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend/demo"
)

// These tests drive the real binary on a real terminal (tmux), for what
// only a terminal shows: the passphrase prompt and the console start-up.

type tmux struct {
	t      *testing.T
	socket string
}

func newTmux(t *testing.T, env []string, command string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is not installed; CI must install it (.ci/run does)")
		}
		t.Skip("tmux is not installed (.ci/run installs it); terminal tests need it")
	}
	m := &tmux{t: t, socket: fmt.Sprintf("secretary-cli-%d-%d", os.Getpid(), time.Now().UnixNano())}
	// The shell keeps the pane open after the command so its exit code can
	// be read from the screen.
	script := "env " + strings.Join(quoteAll(env), " ") + " " + command + "; echo EXIT=$?; sleep 60"
	cmd := exec.Command("tmux", "-L", m.socket, "-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "120", "-y", "40", "sh", "-c", script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", m.socket, "kill-server").Run() })
	return m
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return out
}

func (m *tmux) screen() string {
	out, err := exec.Command("tmux", "-L", m.socket, "capture-pane", "-p", "-t", "t").Output()
	if err != nil {
		m.t.Fatalf("capture-pane: %v", err)
	}
	return string(out)
}

// waitFor polls the screen until it contains want.
func (m *tmux) waitFor(want string, timeout time.Duration) string {
	m.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := m.screen()
		if strings.Contains(s, want) {
			return s
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("screen never showed %q; it shows:\n%s", want, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (m *tmux) send(keys ...string) {
	m.t.Helper()
	args := append([]string{"-L", m.socket, "send-keys", "-t", "t"}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		m.t.Fatalf("send-keys: %v\n%s", err, out)
	}
}

func TestPassphrasePromptOnTerminal(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store.db")
	const pass = "Tr0ub4dor-and-3"
	env := []string{"SECRETARY_STORE=" + store, "TZ=UTC"}
	m := newTmux(t, env, binary+" init")
	m.waitFor("New passphrase:", 10*time.Second)
	m.send("-l", pass)
	m.send("Enter")
	m.waitFor("Repeat passphrase:", 10*time.Second)
	m.send("-l", pass)
	m.send("Enter")
	s := m.waitFor("EXIT=", 60*time.Second)
	if !strings.Contains(s, "Created the secret store "+store) || !strings.Contains(s, "EXIT=0") || strings.Contains(s, pass) {
		t.Fatalf("init screen:\n%s", s)
	}

	m = newTmux(t, env, binary+" list-secrets")
	m.waitFor("Passphrase for "+store+":", 10*time.Second)
	m.send("-l", pass)
	m.send("Enter")
	s = m.waitFor("EXIT=", 60*time.Second)
	if !strings.Contains(s, `"SecretList": []`) || !strings.Contains(s, "EXIT=0") || strings.Contains(s, pass) {
		t.Fatalf("list-secrets screen:\n%s", s)
	}

	m = newTmux(t, env, binary+" list-secrets")
	m.waitFor("Passphrase for "+store+":", 10*time.Second)
	m.send("-l", "not-it")
	m.send("Enter")
	s = m.waitFor("EXIT=", 60*time.Second)
	if !strings.Contains(s, "the passphrase or key does not unlock this store") || !strings.Contains(s, "EXIT=253") {
		t.Fatalf("wrong passphrase screen:\n%s", s)
	}
}

// TestChangePassphraseOnTerminal changes a passphrase as an operator
// would: the current one first, then the new one twice, none echoed.
func TestChangePassphraseOnTerminal(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store.db")
	const old, fresh = "old-passphrase-1", "new-passphrase-2"
	vars := []string{"SECRETARY_STORE=" + store, "TZ=UTC"}
	byOld := &env{t: t, dir: dir, vars: append(append([]string{}, vars...), "SECRETARY_PASSPHRASE="+old)}
	if r := byOld.run("", "init"); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}

	s := changePassphraseOnTerminal(t, vars, store, old, fresh, "a typo")
	if !strings.Contains(s, "the passphrases do not match") || !strings.Contains(s, "EXIT=253") {
		t.Fatalf("mismatched confirmation:\n%s", s)
	}

	s = changePassphraseOnTerminal(t, vars, store, old, fresh, fresh)
	if !strings.Contains(s, "Changed the passphrase") || !strings.Contains(s, "EXIT=0") ||
		strings.Contains(s, old) || strings.Contains(s, fresh) {
		t.Fatalf("change-passphrase screen:\n%s", s)
	}
	byOld.fails(253, "\nsecretary: "+store+": the passphrase or key does not unlock this store\n", "list-secrets")
	byNew := &env{t: t, dir: dir, vars: append(append([]string{}, vars...), "SECRETARY_PASSPHRASE="+fresh)}
	byNew.ok("list-secrets")
}

// changePassphraseOnTerminal types the current passphrase, the new one
// and its confirmation at the prompts of `keyslot change-passphrase`, and
// returns the screen once the command has exited.
func changePassphraseOnTerminal(t *testing.T, vars []string, store, current, fresh, confirm string) string {
	t.Helper()
	m := newTmux(t, vars, binary+" keyslot change-passphrase")
	for _, step := range []struct{ prompt, typed string }{
		{"Passphrase for " + store + ":", current},
		{"New passphrase:", fresh},
		{"Repeat passphrase:", confirm},
	} {
		m.waitFor(step.prompt, 30*time.Second)
		m.send("-l", step.typed)
		m.send("Enter")
	}
	return m.waitFor("EXIT=", 60*time.Second)
}

func TestDemoConsoleStartsAndCleansUp(t *testing.T) {
	tmp := t.TempDir()
	m := newTmux(t, []string{"TMPDIR=" + tmp, "TZ=UTC"}, binary+" --demo --secrets 80 --seed 2")
	// The console lists the demo estate (sorted by name, so the first
	// planned name is on the first screen), then quits on q.
	var names []string
	for _, p := range demo.Plan(2, 80) {
		if p.DeleteInDays == 0 {
			names = append(names, p.Name)
		}
	}
	sort.Strings(names)
	m.waitFor(names[0], 60*time.Second)
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || !strings.HasPrefix(entries[0].Name(), "secretary-demo-") {
		t.Fatalf("demo directory while running: %v", entries)
	}
	if fi, err := os.Stat(filepath.Join(tmp, entries[0].Name())); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("demo directory mode: %v %v", fi.Mode().Perm(), err)
	}
	m.send("q")
	s := m.waitFor("EXIT=", 30*time.Second)
	if !strings.Contains(s, "EXIT=0") {
		t.Fatalf("console exit:\n%s", s)
	}
	entries, err = os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Fatalf("the demo store was not removed: %v", entries)
	}
}

func TestGetOnTerminalShowsEscapes(t *testing.T) {
	e := newKeyFileStore(t)
	// Clear screen, retitle the window, write the clipboard (OSC 52).
	value := "before\x1b[2J\x1b]0;pwned\x07\x1b]52;c;aGk=\x07after"
	e.ok("create-secret", "--name", "evil", "--secret-string", value)
	if r := e.run("", "get", "evil"); r.stdout != value {
		t.Fatalf("piped get must print the exact value, got %q", r.stdout)
	}
	m := newTmux(t, append(e.vars, "TZ=UTC"), binary+" get evil")
	s := m.waitFor("EXIT=", 30*time.Second)
	if !strings.Contains(s, `before\x1b[2J\x1b]0;pwned\x07\x1b]52;c;aGk=\x07after`) || !strings.Contains(s, "EXIT=0") {
		t.Fatalf("terminal shows:\n%s", s)
	}
}

// TestCtrlCWhileUnlocking: Ctrl-C at the passphrase prompt, and while the
// typed passphrase is being checked (Argon2id), ends the command at once
// with 130 and leaves the terminal echoing again.
func TestCtrlCWhileUnlocking(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store.db")
	const pass = "interrupt-me-1"
	vars := []string{"SECRETARY_STORE=" + store, "TZ=UTC"}
	byPass := &env{t: t, dir: dir, vars: append(append([]string{}, vars...), "SECRETARY_PASSPHRASE="+pass)}
	if r := byPass.run("", "init"); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	for _, typeFirst := range []bool{false, true} {
		// An interactive shell runs the command in a process group of its
		// own, so Ctrl-C reaches only the command; the pane's sh -c does
		// not, so it must survive the SIGINT to report the exit code.
		m := newTmux(t, nil, "true; trap true INT; env "+strings.Join(quoteAll(vars), " ")+" "+binary+" list-secrets")
		m.waitFor("Passphrase for "+store+":", 10*time.Second)
		if typeFirst {
			m.send("-l", pass)
			m.send("Enter")
		}
		m.send("C-c")
		s := m.waitFor("EXIT=", 10*time.Second)
		if !strings.Contains(s, "EXIT=130") || strings.Contains(s, "SecretList") {
			t.Fatalf("Ctrl-C (passphrase typed: %v):\n%s", typeFirst, s)
		}
		// The shell's sleep is now in the foreground: what is typed shows
		// only if echo was restored.
		m.send("-l", "echo-is-back")
		m.waitFor("echo-is-back", 10*time.Second)
	}
}

// TestHangUpRemovesPlaintext: the SSH link drops (SIGHUP) while $EDITOR
// holds a value: the edit directory and the demo store are removed, and a
// directory a killed run left behind is removed when the console starts.
func TestHangUpRemovesPlaintext(t *testing.T) {
	runDir, tmpDir, work := t.TempDir(), t.TempDir(), t.TempDir()
	// What a run killed with SIGKILL leaves: its process is gone.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	leftover := filepath.Join(runDir, fmt.Sprintf("secretary-edit-%d-1", dead.Process.Pid))
	if err := os.Mkdir(leftover, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(leftover, "secret.txt"), []byte("old plaintext"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A stand-in editor: it says which file it got and who started it,
	// then waits as an operator reading the value would.
	marker := filepath.Join(work, "editing")
	editor := filepath.Join(work, "editor.sh")
	script := "#!/bin/sh\necho \"$PPID $1\" > " + marker + ".tmp\nmv " + marker + ".tmp " + marker + "\nexec sleep 300\n"
	if err := os.WriteFile(editor, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	m := newTmux(t, []string{"XDG_RUNTIME_DIR=" + runDir, "TMPDIR=" + tmpDir, "EDITOR=" + editor, "TZ=UTC"}, binary+" --demo --secrets 20 --seed 2")
	var names []string
	for _, p := range demo.Plan(2, 20) {
		if p.DeleteInDays == 0 {
			names = append(names, p.Name)
		}
	}
	sort.Strings(names)
	m.waitFor(names[0], 60*time.Second)
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Fatalf("the dead run's edit directory survived the console's start: %v", err)
	}
	m.send("Enter")
	// On a busy machine a key sent before the detail page is up reaches
	// the list, which ignores it.
	m.waitFor("r reveal/hide", 30*time.Second)
	m.send("E")
	var pid int
	var path string
	deadline := time.Now().Add(30 * time.Second)
	for {
		if b, err := os.ReadFile(marker); err == nil {
			if _, err := fmt.Sscanf(string(b), "%d %s", &pid, &path); err != nil {
				t.Fatalf("marker %q: %v", b, err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the editor never started; the screen shows:\n%s", m.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
	editDir := filepath.Dir(path)
	if filepath.Dir(editDir) != runDir {
		t.Fatalf("edit file %s is not in XDG_RUNTIME_DIR %s", path, runDir)
	}
	demoDirs, _ := filepath.Glob(filepath.Join(tmpDir, "secretary-demo-*"))
	if len(demoDirs) != 1 {
		t.Fatalf("demo directories: %v", demoDirs)
	}
	// The editor's swap file, as vi makes one.
	if err := os.WriteFile(filepath.Join(editDir, "."+filepath.Base(path)+".swp"), []byte("swap"), 0o600); err != nil {
		t.Fatal(err)
	}
	proc, err := os.FindProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := proc.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	m.waitFor("EXIT=", 30*time.Second)
	for _, d := range []string{editDir, demoDirs[0]} {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s survived the hang-up: %v", d, err)
		}
	}
}
