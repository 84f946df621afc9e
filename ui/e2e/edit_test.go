package e2e

import (
	"strings"
	"testing"
	"time"
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
	tm.waitFor(15*time.Second, name)
	tm.keys("Enter")
	tm.waitFor(10*time.Second, "arn:aws:secretsmanager:")
	tm.keys("e")
	tm.waitFor(5*time.Second, "Edit "+name)
	tm.keys("Enter", "C-u")
	tm.typeText("db2")
	tm.keys("Enter", "C-s")
	scr := tm.waitFor(5*time.Second, "Save new version", "1 key changed (host)")
	if strings.Contains(scr, "password") {
		t.Fatalf("the confirmation names password, which was not edited:\n%s", frame(scr))
	}
	tm.keys("y")
	tm.waitFor(10*time.Second, "saved as AWSCURRENT")
	if v, _ := valueOf(t, s, name, "AWSCURRENT"); v != `{"host":"db2","password":"p\u003cw\u003e"}` {
		t.Fatalf("saved %s", v)
	}
	tm.keys("q")
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
	tm.waitFor(15*time.Second, name)
	tm.keys("Enter")
	tm.waitFor(10*time.Second, "arn:aws:secretsmanager:")
	tm.keys("y")
	tm.waitFor(10*time.Second, "› f1")
	tm.keys("j", "j", "j", "j")
	scr := tm.waitFor(5*time.Second, "› f5", "field 5/6")
	if strings.Contains(scr, "v-") {
		t.Fatalf("a value is drawn while masked:\n%s", frame(scr))
	}
	tm.keys("y")
	if got := tm.waitUntilBuffer(5 * time.Second); got != "v-five" {
		t.Fatalf("copied %q, want v-five", got)
	}
	if strings.Contains(tm.screen(), "v-five") {
		t.Fatalf("the copied value is drawn:\n%s", frame(tm.screen()))
	}
	tm.keys("q")
}
