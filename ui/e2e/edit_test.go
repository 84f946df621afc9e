package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// TestEditOneKeyOfAnEscapedValue edits only host of a value whose JSON has
// \u003c escapes (as encoding/json and many SDKs write < and >). The
// summary names only host, and the saved value has every other key as it
// was written.
func TestEditOneKeyOfAnEscapedValue(t *testing.T) {
	s := newStore(t)
	const name = "prod/e2e/escaped"
	s.cli(t, "create-secret", "--name", name, "--secret-string", `{"host":"db1","password":"p\u003cw\u003e"}`)
	tm := start(t, s, 120, 30)
	tm.WaitFor(15*time.Second, name)
	tm.Keys("Enter")
	tm.WaitFor(10*time.Second, "arn:aws:secretsmanager:")
	tm.Keys("e")
	tm.WaitFor(5*time.Second, "Edit "+name)
	tm.Keys("Enter", "C-u")
	tm.Type("db2")
	tm.Keys("Enter", "C-s")
	scr := tm.WaitFor(5*time.Second, "Save new version", "1 key changed (host)")
	if strings.Contains(scr, "password") {
		t.Fatalf("the confirmation names password, which was not edited:\n%s", tmuxtest.Frame(scr))
	}
	tm.Keys("y")
	tm.WaitFor(10*time.Second, "saved as AWSCURRENT")
	if v, _ := valueOf(t, s, name, "AWSCURRENT"); v != `{"host":"db2","password":"p\u003cw\u003e"}` {
		t.Fatalf("saved %s", v)
	}
	tm.Keys("q")
}

// TestCopyFifthFieldWhileMaskedAt80x24 picks the 5th field of a 6-field
// value at 80×24 without revealing any value, and copies it: the field is
// selected on screen, no value is drawn, and the copy holds that field.
func TestCopyFifthFieldWhileMaskedAt80x24(t *testing.T) {
	s := newStore(t)
	const name = "prod/e2e/six"
	s.cli(t, "create-secret", "--name", name, "--secret-string",
		`{"f1":"v-one","f2":"v-two","f3":"v-three","f4":"v-four","f5":"v-five","f6":"v-six"}`)
	tm := start(t, s, 80, 24)
	tm.WaitFor(15*time.Second, name)
	tm.Keys("Enter")
	tm.WaitFor(10*time.Second, "arn:aws:secretsmanager:")
	tm.Keys("y")
	tm.WaitFor(10*time.Second, "› f1")
	tm.Keys("j", "j", "j", "j")
	scr := tm.WaitFor(5*time.Second, "› f5", "field 5/6")
	if strings.Contains(scr, "v-") {
		t.Fatalf("a value is drawn while masked:\n%s", tmuxtest.Frame(scr))
	}
	tm.Keys("y")
	if got := tm.waitUntilBuffer(5 * time.Second); got != "v-five" {
		t.Fatalf("copied %q, want v-five", got)
	}
	if strings.Contains(tm.Screen(), "v-five") {
		t.Fatalf("the copied value is drawn:\n%s", tmuxtest.Frame(tm.Screen()))
	}
	tm.Keys("q")
}
