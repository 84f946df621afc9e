package e2e

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// TestCopyNestedPathWhileMasked picks db.password in a nested value at
// 80×24 without revealing anything, and copies it: the status bar names
// the path, no value is drawn, and the copy holds that member only.
func TestCopyNestedPathWhileMasked(t *testing.T) {
	s := newStore(t)
	const name = "prod/e2e/nested"
	s.cli(t, "create-secret", "--name", name, "--secret-string",
		`{"db":{"user":"v-user","password":"v-pass"},"hosts":["v-h0","v-h1"],"k1":"v-k1","k2":"v-k2","k3":"v-k3","k4":"v-k4"}`)
	tm := start(t, s, 80, 24)
	tm.WaitFor(15*time.Second, name)
	tm.Keys("Enter")
	tm.WaitFor(10*time.Second, "arn:aws:secretsmanager:")
	tm.Keys("y")
	tm.WaitFor(10*time.Second, "› db")
	tm.Keys("j", "j")
	scr := tm.WaitFor(5*time.Second, "›   password", "db.password")
	if strings.Contains(scr, "v-") {
		t.Fatalf("a value is drawn while masked:\n%s", tmuxtest.Frame(scr))
	}
	tm.Keys("y")
	if got := tm.waitUntilBuffer(5 * time.Second); got != "v-pass" {
		t.Fatalf("copied %q, want v-pass", got)
	}
	if strings.Contains(tm.Screen(), "v-pass") {
		t.Fatalf("the copied value is drawn:\n%s", tmuxtest.Frame(tm.Screen()))
	}
	tm.Keys("q")
}

// invalidThenFixScript breaks the JSON on its first run; on the second it
// records what it was handed back and writes valid JSON with host changed.
const invalidThenFixScript = `#!/bin/sh
f="$1"
if [ ! -e "$E2E_RECORD.first" ]; then
	cp "$f" "$E2E_RECORD.first"
	sed 's/"db1",/"db1"/' "$E2E_RECORD.first" > "$f"
	exit 0
fi
cp "$f" "$E2E_RECORD"
sed 's/"db1"/"db2",/' "$E2E_RECORD" > "$f"
`

// TestExternalEditInvalidJSONEditAgainKeepsText: E hands one line of JSON
// to $EDITOR indented; an edit that breaks it offers to edit again, which
// reopens the editor with the operator's text; the fixed edit is saved
// compact, untouched keys byte for byte.
func TestExternalEditInvalidJSONEditAgainKeepsText(t *testing.T) {
	s := newStore(t)
	const name = "prod/e2e/json"
	s.cli(t, "create-secret", "--name", name, "--secret-string", `{"host":"db1","password":"p\u003cw\u003e","port":1.50}`)
	s, record := withEditor(t, s, invalidThenFixScript)
	tm := start(t, s, 120, 40)
	tm.WaitFor(15*time.Second, name)
	tm.Keys("Enter")
	tm.WaitFor(10*time.Second, "arn:aws:secretsmanager:")
	tm.Keys("E")
	tm.WaitFor(10*time.Second, "Nothing saved", "not valid JSON", "e edit again")
	first, err := os.ReadFile(record + ".first")
	if err != nil {
		t.Fatalf("the editor did not run: %v", err)
	}
	if want := "{\n  \"host\": \"db1\",\n  \"password\": \"p\\u003cw\\u003e\",\n  \"port\": 1.50\n}\n"; string(first) != want {
		t.Fatalf("the editor got %q, want the value indented %q", first, want)
	}
	tm.Keys("e")
	tm.WaitFor(10*time.Second, "Save new version", "1 key changed (host)")
	again, err := os.ReadFile(record)
	if err != nil {
		t.Fatalf("the editor was not reopened: %v", err)
	}
	if want := strings.Replace(string(first), `"db1",`, `"db1"`, 1); string(again) != want {
		t.Fatalf("the reopened editor got %q, want the operator's text %q", again, want)
	}
	tm.Keys("y")
	tm.WaitUntil(10*time.Second, "the edit is saved", func(string) bool {
		v, _ := valueOf(t, s, name, "AWSCURRENT")
		return v == `{"host":"db2","password":"p\u003cw\u003e","port":1.50}`
	})
	tm.Keys("q")
}

// TestTagsEditorAddAndRemove removes one tag and adds another in the tags
// editor; describe-secret then shows exactly the new set.
func TestTagsEditorAddAndRemove(t *testing.T) {
	s := newStore(t)
	const name = "prod/e2e/tagged"
	s.cli(t, "create-secret", "--name", name, "--secret-string", "x", "--tags", `[{"Key":"env","Value":"prod"},{"Key":"team","Value":"payments"}]`)
	tm := start(t, s, 120, 40)
	tm.WaitFor(15*time.Second, name)
	tm.Keys("Enter")
	tm.WaitFor(10*time.Second, "team = payments")
	tm.Keys("t")
	tm.WaitFor(5*time.Second, "Tags of "+name, "payments")
	tm.Keys("C-d", "C-n")
	tm.Type("owner")
	tm.Keys("Tab")
	tm.Type("j.chen")
	tm.Keys("C-s")
	tm.WaitFor(5*time.Second, "Save tags", "Set 1 tag: owner", "Remove 1 tag: env")
	tm.Keys("y")
	tm.WaitFor(10*time.Second, "owner = j.chen")
	var d struct{ Tags []struct{ Key, Value string } }
	if err := json.Unmarshal([]byte(s.cli(t, "describe-secret", "--secret-id", name)), &d); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tg := range d.Tags {
		got[tg.Key] = tg.Value
	}
	if len(got) != 2 || got["team"] != "payments" || got["owner"] != "j.chen" {
		t.Fatalf("describe-secret shows tags %v, want team=payments and owner=j.chen", d.Tags)
	}
	tm.Keys("q")
}

// TestMouseOnByDefaultAndNoMouse: the console asks the terminal for wheel
// and click reports unless --no-mouse (or no-mouse in the configuration
// file) leaves the mouse to the terminal; tmux says which mode the pane
// asked for.
func TestMouseOnByDefaultAndNoMouse(t *testing.T) {
	s := newStore(t)
	s.cli(t, "create-secret", "--name", "prod/e2e/mouse", "--secret-string", "x")
	for _, c := range []struct {
		args []string
		conf string
		want string
	}{
		{nil, "", "1"},
		{[]string{"--no-mouse"}, "", "0"},
		{nil, "no-mouse = true\n", "0"},
	} {
		st := s
		if c.conf != "" {
			path := s.dir + "/config.toml"
			writeFile(t, path, c.conf)
			st = s.withEnv("SECRETARY_CONFIG=" + path)
		}
		tm := start(t, st, 100, 30, c.args...)
		tm.WaitFor(15*time.Second, "prod/e2e/mouse")
		if got := strings.TrimSpace(tm.Tmux("display-message", "-p", "-t", tm.Target(), "#{mouse_button_flag}")); got != c.want {
			t.Errorf("%v %q: the pane's button-event mouse mode is %q, want %q", c.args, c.conf, got, c.want)
		}
		tm.Keys("q")
	}
}
