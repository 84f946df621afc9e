package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConfigContexts: one file with two contexts, one on a local store and
// one on AWS (the Secrets Manager API served from another store), chooses
// the backend for each command; flags and the environment win over it.
func TestConfigContexts(t *testing.T) {
	lab := newKeyFileStore(t)
	lab.ok("create-secret", "--name", "lab/only", "--secret-string", "from-lab")
	served := newKeyFileStore(t)
	served.ok("create-secret", "--name", "prod/only", "--secret-string", "from-served")
	srv := serveStore(t, served)
	id, secret := srv.KeyID, srv.SecretKey

	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	write := func(text string) {
		t.Helper()
		if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	good := fmt.Sprintf(`# team contexts
theme = "dark"

[context.lab]
store = %q
key-file = %q

[context.prod-aws]
backend = "aws"
region = "local"
endpoint-url = %q
`, filepath.Join(lab.dir, "store.db"), filepath.Join(lab.dir, "key"), srv.Endpoint)
	write(good)
	e := &env{t: t, dir: dir, vars: []string{"SECRETARY_CONFIG=" + cfg,
		"AWS_ACCESS_KEY_ID=" + id, "AWS_SECRET_ACCESS_KEY=" + secret,
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "none"),
		"AWS_EC2_METADATA_DISABLED=true"}}

	get := func(e *env, want string, args ...string) {
		t.Helper()
		r := e.run("", args...)
		if r.code != 0 || r.stdout != want {
			t.Fatalf("secretary %q: code %d, stdout %q, stderr %q; want %q", args, r.code, r.stdout, r.stderr, want)
		}
	}
	get(e, "from-lab", "--context", "lab", "get", "lab/only")
	get(e, "from-served", "--context", "prod-aws", "get", "prod/only")
	withEnv := &env{t: t, dir: dir, vars: append([]string{"SECRETARY_CONTEXT=prod-aws"}, e.vars...)}
	get(withEnv, "from-served", "get", "prod/only")
	// A flag beats the environment's context choice.
	get(withEnv, "from-lab", "--context", "lab", "get", "lab/only")
	// A flag beats the context's setting.
	get(e, "from-served", "--context", "lab", "--store", filepath.Join(served.dir, "store.db"), "--key-file", filepath.Join(served.dir, "key"), "get", "prod/only")
	// The environment beats the context's setting.
	envStore := &env{t: t, dir: dir, vars: append([]string{"SECRETARY_STORE=" + filepath.Join(served.dir, "store.db"),
		"SECRETARY_KEY_FILE=" + filepath.Join(served.dir, "key")}, e.vars...)}
	get(envStore, "from-served", "--context", "lab", "get", "prod/only")

	r := e.run("", "--context", "lab", "config", "list")
	// Compare rows with their spacing folded: the columns widen with the
	// longest setting's name.
	flat := map[string]bool{}
	for _, l := range strings.Split(r.stdout, "\n") {
		flat[strings.Join(strings.Fields(l), " ")] = true
	}
	for _, want := range []string{
		"context lab",
		"store " + filepath.Join(lab.dir, "store.db") + " context lab (--context), " + cfg + ":5",
		"theme dark configuration file, " + cfg + ":2",
		"backend local default",
	} {
		if !flat[want] {
			t.Errorf("config list lacks the row %q:\n%s", want, r.stdout)
		}
	}
	r = envStore.run("", "--context", "lab", "config", "list")
	if !strings.Contains(r.stdout, "environment SECRETARY_STORE") {
		t.Errorf("config list does not say the store came from the environment:\n%s", r.stdout)
	}

	if got := strings.Fields(e.run("", "__complete", "--context", "").stdout); strings.Join(got, " ") != "lab prod-aws" {
		t.Errorf("--context completes to %q, want the two contexts", got)
	}
	e.fails(253, "\nsecretary: no context \"staging\" in "+cfg+" (defined: lab, prod-aws)\n", "--context", "staging", "list-secrets")

	// A bad file is refused with its place, and nothing runs.
	for _, bad := range []struct{ text, msg string }{
		{good + "\n[context.broken]\nstore = \n", cfg + ":14:9: expected value but found '\\n' instead"},
		{strings.Replace(good, "region =", "regoin =", 1), cfg + ":10:1: unknown setting \"regoin\""},
		{strings.Replace(good, `theme = "dark"`, `theme = "neon"`, 1), cfg + ":2:1: theme = \"neon\": choose from auto, dark, light, mono"},
		{strings.Replace(good, `backend = "aws"`, `backend = true`, 1), cfg + ":9:1: backend takes a value, not true or false"},
	} {
		write(bad.text)
		r := e.run("", "--context", "lab", "create-secret", "--name", "lab/new", "--secret-string", "x")
		if r.code != 253 || !strings.Contains(r.stderr, "configuration file "+bad.msg) || !strings.Contains(r.stderr, "nothing was run") {
			t.Errorf("bad file: code %d, stderr %q; want 253 and %q", r.code, r.stderr, bad.msg)
		}
	}
	lab.fails(254, "\nAn error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret.\n", "get", "lab/new")
}

// TestConsoleSwitchesContext starts the console on one context in a real
// terminal, and switches it with P to a context on AWS (the Secrets Manager
// API served from another store).
func TestConsoleSwitchesContext(t *testing.T) {
	lab := newKeyFileStore(t)
	lab.ok("create-secret", "--name", "lab/only", "--secret-string", "from-lab")
	served := newKeyFileStore(t)
	served.ok("create-secret", "--name", "prod/only", "--secret-string", "from-served")
	srv := serveStore(t, served)
	id, secret := srv.KeyID, srv.SecretKey
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`[context.lab]
store = %q
key-file = %q

[context.prod-aws]
backend = "aws"
region = "local"
endpoint-url = %q
`, filepath.Join(lab.dir, "store.db"), filepath.Join(lab.dir, "key"), srv.Endpoint)), 0o600); err != nil {
		t.Fatal(err)
	}
	m := newTmux(t, []string{"SECRETARY_CONFIG=" + cfg, "TERM=xterm-256color", "HOME=" + dir,
		"AWS_ACCESS_KEY_ID=" + id, "AWS_SECRET_ACCESS_KEY=" + secret,
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "none"),
		"AWS_EC2_METADATA_DISABLED=true"}, binary+" --context lab")
	m.WaitFor(20*time.Second, "lab/only")
	m.Keys("P")
	s := m.WaitFor(10*time.Second, "Contexts")
	if !strings.Contains(s, "● lab") || !strings.Contains(s, "prod-aws") || !strings.Contains(s, "backend=aws") {
		t.Fatalf("the switcher should list both contexts, lab in use:\n%s", s)
	}
	m.Keys("Down", "Enter")
	s = m.WaitFor(20*time.Second, "prod/only")
	if strings.Contains(s, "lab/only") || !strings.Contains(s, "aws") {
		t.Fatalf("after switching to prod-aws the list should show the served store on AWS:\n%s", s)
	}
	m.Keys("P")
	m.WaitFor(10*time.Second, "in use: prod-aws")
	m.Keys("Up", "Enter")
	s = m.WaitFor(20*time.Second, "lab/only")
	if strings.Contains(s, "prod/only") {
		t.Fatalf("back on lab, the served store's secret is still listed:\n%s", s)
	}
	m.Keys("q")
	m.WaitFor(10*time.Second, "EXIT=0")
}

// TestMigrateBetweenContexts: migrate's sides may name contexts; the
// context's store wins over SECRETARY_STORE, and two contexts on one store
// are refused.
func TestMigrateBetweenContexts(t *testing.T) {
	a := newKeyFileStore(t)
	a.ok("create-secret", "--name", "team/db", "--secret-string", "from-a")
	b := newKeyFileStore(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	text := fmt.Sprintf("[context.a]\nstore = %q\nkey-file = %q\n\n[context.b]\nstore = %q\nkey-file = %q\n\n[context.a-again]\nstore = %q\nkey-file = %q\n",
		filepath.Join(a.dir, "store.db"), filepath.Join(a.dir, "key"), filepath.Join(b.dir, "store.db"), filepath.Join(b.dir, "key"),
		filepath.Join(a.dir, "store.db"), filepath.Join(a.dir, "key"))
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	// SECRETARY_STORE points at a: with the environment winning, both
	// sides would be a.
	e := &env{t: t, dir: dir, vars: []string{"SECRETARY_CONFIG=" + cfg,
		"SECRETARY_STORE=" + filepath.Join(a.dir, "store.db"), "SECRETARY_KEY_FILE=" + filepath.Join(a.dir, "key")}}
	r := e.run("", "migrate", "--from", "context:a", "--to", "context:b", "--yes")
	if r.code != 0 {
		t.Fatalf("migrate context:a → context:b: code %d\n%s", r.code, r.stderr)
	}
	if got := b.run("", "get", "team/db"); got.stdout != "from-a" {
		t.Fatalf("b has %q after the migration (stderr %q)", got.stdout, got.stderr)
	}
	r = e.run("", "migrate", "--from", "context:a", "--to", "context:a-again", "--yes")
	if r.code != 252 || !strings.Contains(r.stderr, "--from and --to name the same store") {
		t.Fatalf("two contexts on one store: code %d, stderr %q", r.code, r.stderr)
	}
}

// TestOutputAndQueryReachEveryCommand: --output and --query apply to the
// commands beyond the AWS ones too, and to the resource-policy commands.
func TestOutputAndQueryReachEveryCommand(t *testing.T) {
	e := newKeyFileStore(t)
	e.ok("create-secret", "--name", "prod/db", "--secret-string", "v")
	e.ok("put-resource-policy", "--secret-id", "prod/db", "--resource-policy",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"secretsmanager:DeleteSecret","Resource":"*"}]}`)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"keyslot", "list", "--query", "KeySlots[0].Type", "--output", "text"}, "key\n"},
		{[]string{"get-resource-policy", "--secret-id", "prod/db", "--query", "Name", "--output", "text"}, "prod/db\n"},
		{[]string{"kms-key", "list", "--query", "length(Keys)", "--output", "json"}, "1\n"},
	} {
		r := e.run("", c.args...)
		if r.code != 0 || r.stdout != c.want {
			t.Errorf("secretary %q: code %d, stdout %q, stderr %q; want %q", c.args, r.code, r.stdout, r.stderr, c.want)
		}
	}
	r := e.run("", "keyslot", "list", "--output", "yaml")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "KeySlots:\n- ") {
		t.Errorf("keyslot list --output yaml: code %d, stdout %q", r.code, r.stdout)
	}
}
