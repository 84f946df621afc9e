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
	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// These tests drive the real binary on a real terminal (tmux), for what
// only a terminal shows: the passphrase prompt and the console start-up.

// newTmux runs command on a terminal with env set. The shell keeps the
// pane open after the command so its exit code can be read from the
// screen.
func newTmux(t *testing.T, env []string, command string) *tmuxtest.Session {
	t.Helper()
	script := "env " + tmuxtest.ShellJoin(env) + " " + command + "; echo EXIT=$?; sleep 60"
	return tmuxtest.Start(t, tmuxtest.Options{}, tmuxtest.ShellJoin([]string{"sh", "-c", script}))
}

func TestPassphrasePromptOnTerminal(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store.db")
	const pass = "Tr0ub4dor-and-3"
	env := []string{"SECRETARY_STORE=" + store, "TZ=UTC"}
	m := newTmux(t, env, binary+" init")
	m.WaitFor(10*time.Second, "New passphrase:")
	m.Type(pass)
	m.Keys("Enter")
	m.WaitFor(10*time.Second, "Repeat passphrase:")
	m.Type(pass)
	m.Keys("Enter")
	s := m.WaitFor(60*time.Second, "EXIT=")
	if !strings.Contains(s, "Created the secret store "+store) || !strings.Contains(s, "EXIT=0") || strings.Contains(s, pass) {
		t.Fatalf("init screen:\n%s", s)
	}

	m = newTmux(t, env, binary+" list-secrets")
	m.WaitFor(10*time.Second, "Passphrase for "+store+":")
	m.Type(pass)
	m.Keys("Enter")
	s = m.WaitFor(60*time.Second, "EXIT=")
	if !strings.Contains(s, `"SecretList": []`) || !strings.Contains(s, "EXIT=0") || strings.Contains(s, pass) {
		t.Fatalf("list-secrets screen:\n%s", s)
	}

	m = newTmux(t, env, binary+" list-secrets")
	m.WaitFor(10*time.Second, "Passphrase for "+store+":")
	m.Type("not-it")
	m.Keys("Enter")
	s = m.WaitFor(60*time.Second, "EXIT=")
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
		m.WaitFor(30*time.Second, step.prompt)
		m.Type(step.typed)
		m.Keys("Enter")
	}
	return m.WaitFor(60*time.Second, "EXIT=")
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
	m.WaitFor(60*time.Second, names[0])
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
	m.Keys("q")
	s := m.WaitFor(30*time.Second, "EXIT=")
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
	s := m.WaitFor(30*time.Second, "EXIT=")
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
		m := newTmux(t, nil, "true; trap true INT; env "+tmuxtest.ShellJoin(vars)+" "+binary+" list-secrets")
		m.WaitFor(10*time.Second, "Passphrase for "+store+":")
		if typeFirst {
			m.Type(pass)
			m.Keys("Enter")
		}
		m.Keys("C-c")
		s := m.WaitFor(10*time.Second, "EXIT=")
		if !strings.Contains(s, "EXIT=130") || strings.Contains(s, "SecretList") {
			t.Fatalf("Ctrl-C (passphrase typed: %v):\n%s", typeFirst, s)
		}
		// The shell's sleep is now in the foreground: what is typed shows
		// only if echo was restored.
		m.Type("echo-is-back")
		m.WaitFor(10*time.Second, "echo-is-back")
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
	m.WaitFor(60*time.Second, names[0])
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Fatalf("the dead run's edit directory survived the console's start: %v", err)
	}
	m.Keys("Enter")
	// On a busy machine a key sent before the detail page is up reaches
	// the list, which ignores it.
	m.WaitFor(30*time.Second, "r reveal/hide")
	m.Keys("E")
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
			t.Fatalf("the editor never started; the screen shows:\n%s", m.Screen())
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
	m.WaitFor(30*time.Second, "EXIT=")
	for _, d := range []string{editDir, demoDirs[0]} {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s survived the hang-up: %v", d, err)
		}
	}
}
