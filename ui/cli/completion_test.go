package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// complete runs the hidden command the shells' completion scripts call.
func (e *env) complete(words ...string) []string {
	e.t.Helper()
	r := e.run("", append([]string{"__complete"}, words...)...)
	if r.code != 0 || r.stderr != "" {
		e.t.Fatalf("__complete %q: code %d, stderr %q", words, r.code, r.stderr)
	}
	return strings.Fields(r.stdout)
}

func TestCompletionCandidates(t *testing.T) {
	e := newKeyFileStore(t)
	e.vars = append(e.vars, "SECRETARY_COMPLETION_TIMEOUT=30s")
	for _, n := range []string{"prod/payments/db", "prod/payments/api", "prod/orders/db", "dev/db"} {
		e.ok("create-secret", "--name", n, "--secret-string", "v")
	}
	files := t.TempDir()
	if err := os.WriteFile(filepath.Join(files, "value.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(files, "values"), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		words []string
		want  []string
	}{
		{[]string{"get-se"}, []string{"get-secret-value"}},
		{[]string{"list-sec"}, []string{"list-secret-version-ids", "list-secrets"}},
		{[]string{"describe-secret", "--sec"}, []string{"--secret-id"}},
		{[]string{"list-secrets", "--sort-by", "last-"}, []string{"last-accessed-date", "last-changed-date"}},
		{[]string{"--output", ""}, []string{"json", "table", "text", "yaml", "yaml-stream"}},
		{[]string{"--output", "ya"}, []string{"yaml", "yaml-stream"}},
		{[]string{"--theme", "l"}, []string{"light"}},
		{[]string{"list-secrets", "--filters", "Key=t"}, []string{"Key=tag-key,Values=", "Key=tag-value,Values="}},
		{[]string{"describe-secret", "--secret-id", "prod/pa"}, []string{"prod/payments/api", "prod/payments/db"}},
		{[]string{"get", "prod/"}, []string{"prod/orders/db", "prod/payments/api", "prod/payments/db"}},
		{[]string{"batch-get-secret-value", "--secret-id-list", "dev/db", "prod/o"}, []string{"prod/orders/db"}},
		{[]string{"put-secret-value", "--secret-string", "file://" + files + "/val"}, []string{"file://" + files + "/value.json", "file://" + files + "/values/"}},
		{[]string{"completion", ""}, []string{"bash", "fish", "zsh"}},
		{[]string{"help", "describe-"}, []string{"describe-secret"}},
		{[]string{"exec", "--", "ls", ""}, nil},
	}
	for _, tt := range tests {
		got := e.complete(tt.words...)
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("complete %q = %q, want %q", tt.words, got, tt.want)
		}
	}
}

// TestCompletionNeverPrompts: a store that only a passphrase opens yields
// no names, at once, and nothing is asked.
func TestCompletionNeverPrompts(t *testing.T) {
	e := newKeyFileStore(t)
	e.ok("create-secret", "--name", "prod/db", "--secret-string", "v")
	var vars []string
	for _, v := range e.vars {
		if !strings.HasPrefix(v, "SECRETARY_KEY_FILE=") {
			vars = append(vars, v)
		}
	}
	e.vars = append(vars, "SECRETARY_PASSPHRASE=not-used-by-completion")
	start := time.Now()
	if got := e.complete("get", "prod/"); len(got) != 0 {
		t.Fatalf("names completed from a store that needs a passphrase: %q", got)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("completion took %v: it must not run Argon2id", d)
	}
}

// shellCompletionStore is a key-file store with three secrets, and the
// environment a shell in tmux needs to find the binary.
func shellCompletionStore(t *testing.T) (*env, []string) {
	e := newKeyFileStore(t)
	for _, n := range []string{"prod/payments/db", "prod/payments/api", "dev/db"} {
		e.ok("create-secret", "--name", n, "--secret-string", "v")
	}
	// An empty HISTFILE (bash) and fish_history (fish) keep the shells
	// from writing their history into the store's temporary directory
	// when tmux hangs up on them, which raced the directory's removal.
	vars := append([]string{"PATH=" + filepath.Dir(binary) + ":" + os.Getenv("PATH"), "SECRETARY_COMPLETION_TIMEOUT=30s",
		"PS1=$ ", "HOME=" + e.dir, "INPUTRC=/dev/null", "XDG_CONFIG_HOME=" + e.dir, "XDG_DATA_HOME=" + e.dir,
		"HISTFILE=", "fish_history="}, e.vars...)
	return e, vars
}

// needShell skips (or, in CI, fails) when a shell is not installed.
func needShell(t *testing.T, shell string) {
	t.Helper()
	if _, err := exec.LookPath(shell); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; CI must install it (.ci/run does)", shell)
		}
		t.Skipf("%s is not installed (.ci/run installs it); this test completes in it", shell)
	}
}

// completeInShell loads the script into a real shell in tmux and presses
// TAB, as an operator would: a command name completes, then a secret name
// from the key-file store.
func completeInShell(t *testing.T, shell, start, load string) {
	needShell(t, shell)
	_, vars := shellCompletionStore(t)
	m := newTmux(t, vars, start)
	m.WaitFor(10*time.Second, "$")
	m.Type(load + " && echo LOADED")
	m.Keys("Enter")
	m.WaitFor(10*time.Second, "LOADED")
	m.Type("secretary get-se")
	m.Keys("Tab")
	m.WaitFor(10*time.Second, "secretary get-secret-value")
	m.Keys("C-u")
	m.Type("secretary describe-secret --secret-id prod/pa")
	m.Keys("Tab")
	m.WaitFor(10*time.Second, "--secret-id prod/payments/")
	m.Keys("Tab")
	if shell == "bash" {
		m.Keys("Tab")
	}
	s := m.WaitFor(10*time.Second, "prod/payments/api")
	if !strings.Contains(s, "db") || strings.Contains(s, "dev/db") {
		t.Fatalf("%s: TAB should offer the two prod/payments secrets and nothing else:\n%s", shell, s)
	}
}

func TestBashCompletionInTmux(t *testing.T) {
	completeInShell(t, "bash", "bash --norc --noprofile -i", "source <(secretary completion bash)")
}

func TestZshCompletionInTmux(t *testing.T) {
	completeInShell(t, "zsh", "zsh -f -i", "autoload -U compinit && compinit -u && source <(secretary completion zsh)")
}

func TestFishCompletionInTmux(t *testing.T) {
	completeInShell(t, "fish", `fish --no-config -i -C "function fish_prompt; echo -n '$ '; end"`, "secretary completion fish | source")
}
