package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// rotationWait bounds a rotation seen on screen: four steps against the
// embedded store take milliseconds, an exec rotator a process per step.
const rotationWait = 15 * time.Second

// Configure password rotation on a secret in the console, rotate at once,
// see the four steps done, and find the new AWSCURRENT and the old
// AWSPREVIOUS in the version history, on screen and through the CLI.
func TestRotatePasswordFromTheConsole(t *testing.T) {
	s := newStore(t)
	const name = "prod/app/db"
	old := `{"username":"app","password":"old-Pa55word"}`
	s.cli(t, "create-secret", "--name", name, "--secret-string", old)
	before := versionsOf(t, s, name)

	tm := start(t, s, 100, 30)
	tm.WaitFor(10*time.Second, name, "off")
	tm.Keys("R")
	tm.WaitFor(10*time.Second, "Rotation of "+name, "‹ password ›", "NEXT ROTATIONS")
	// JSON keys: the form proposes the value's password key.
	tm.WaitFor(5*time.Second, "RotationLambdaARN password?keys=password")
	tm.Keys("Tab", "Tab", "Tab") // length, exclude, JSON keys
	tm.Keys("Tab", "Tab")        // punctuation, schedule
	tm.Keys("BSpace", "BSpace")
	tm.Type("rate(2 hours)")
	tm.WaitFor(5*time.Second, "as often as every 4 hours")
	tm.Keys("BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace")
	tm.Type("7")
	tm.WaitFor(5*time.Second, "RotationLambdaARN password?keys=password")
	// Rotate now is not ticked by default; ticked, saving asks first.
	tm.Keys("Tab", "Tab", "Space", "C-s")
	tm.WaitFor(5*time.Second, "Rotate "+name+" now?")
	tm.Keys("y")
	scr := tm.WaitFor(rotationWait, "Rotated.")
	for _, step := range []string{"createSecret", "setSecret", "testSecret", "finishSecret"} {
		if !rowWith(scr, "✓", step, "done") {
			t.Fatalf("step %s is not shown done:\n%s", step, tmuxtest.Frame(scr))
		}
	}

	after := versionsOf(t, s, name)
	if after["AWSCURRENT"] == before["AWSCURRENT"] || after["AWSPREVIOUS"] != before["AWSCURRENT"] {
		t.Fatalf("labels after rotating: %v (before %v)", after, before)
	}
	if _, pending := after["AWSPENDING"]; pending {
		t.Fatalf("AWSPENDING left after a rotation that finished: %v", after)
	}
	cur, _ := valueOf(t, s, name, "AWSCURRENT")
	var v struct{ Username, Password string }
	if err := json.Unmarshal([]byte(cur), &v); err != nil {
		t.Fatalf("the rotated value is not JSON: %v", err)
	}
	if v.Username != "app" || v.Password == "" || v.Password == "old-Pa55word" {
		t.Fatalf("the rotated value: username %q, password changed %v", v.Username, v.Password != "old-Pa55word")
	}
	if strings.Contains(string(tm.raw()), v.Password) {
		t.Fatal("the new password reached the terminal")
	}
	prev, _ := valueOf(t, s, name, "AWSPREVIOUS")
	if prev != old {
		t.Fatal("AWSPREVIOUS is not the value before the rotation")
	}

	// The version history from the panel.
	tm.Keys("v")
	scr = tm.WaitFor(10*time.Second, "AWSCURRENT", "AWSPREVIOUS")
	if !rowWith(scr, after["AWSCURRENT"][:8], "AWSCURRENT") || !rowWith(scr, before["AWSCURRENT"][:8], "AWSPREVIOUS") {
		t.Fatalf("the versions screen does not show the new labels (%v):\n%s", after, tmuxtest.Frame(scr))
	}
	// Back on the detail page: the rotation settings.
	tm.Keys("Escape", "Escape")
	tm.Keys("Enter")
	tm.WaitFor(10*time.Second, "Function    password?keys=password", "Schedule    every 7 days", "Next")
}

// failingRotator is an exec rotator whose setSecret fails the way a
// service refusing a new credential does.
const failingRotator = `#!/bin/sh
req=$(cat)
case "$req" in
*'"Step":"createSecret"'*) printf '{"SecretString":"token-%s"}\n' "$$" ;;
*'"Step":"setSecret"'*) echo "the service refused the new credential" >&2; exit 3 ;;
esac
exit 0
`

// A rotation whose setSecret fails shows which step failed and why,
// leaves AWSCURRENT alone, and the new version stays AWSPENDING in the
// version history.
func TestFailingRotationShowsTheStep(t *testing.T) {
	s := newStore(t)
	dir := filepath.Join(s.dir, "rotators")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "refuse-set.sh")
	if err := os.WriteFile(script, []byte(failingRotator), 0o700); err != nil {
		t.Fatal(err)
	}
	const name = "prod/app/token"
	s.cli(t, "create-secret", "--name", name, "--secret-string", "token-old")
	s.cli(t, "--rotation-exec-dir", dir, "rotate-secret", "--secret-id", name, "--rotation-lambda-arn", "exec:"+script,
		"--rotation-rules", `{"AutomaticallyAfterDays":30}`, "--no-rotate-immediately")
	before := versionsOf(t, s, name)

	tm := start(t, s, 100, 30, "--rotation-exec-dir", dir)
	tm.WaitFor(10*time.Second, name, "on ")
	tm.Keys("o")
	// The function's path is long (the test's temporary directory) and
	// the dialog wraps it wherever the width falls: look for its name with
	// the dialog's borders and line breaks taken out.
	ask := tm.WaitFor(10*time.Second, "Rotate "+name+" now?", "Function:")
	if !strings.Contains(strings.NewReplacer("│", "", " ", "", "\n", "").Replace(ask), "refuse-set.sh") {
		t.Fatalf("the confirmation does not name the function:\n%s", tmuxtest.Frame(ask))
	}
	tm.Keys("y")
	scr := tm.WaitFor(rotationWait, "Rotation failed at setSecret.")
	switch {
	case !rowWith(scr, "✓", "createSecret"), !rowWith(scr, "✗", "setSecret", "failed"),
		!rowWith(scr, "testSecret", "not run"), !rowWith(scr, "finishSecret", "not run"):
		t.Fatalf("the steps do not show the failure at setSecret:\n%s", tmuxtest.Frame(scr))
	}
	flat := strings.Join(strings.Fields(scr), " ")
	for _, want := range []string{"setSecret: exit status 3", "not shown because they may quote the secret",
		"AWSCURRENT is unchanged.", "stays AWSPENDING"} {
		if !strings.Contains(flat, want) {
			t.Fatalf("the panel lacks %q:\n%s", want, tmuxtest.Frame(scr))
		}
	}
	// What the rotator wrote may quote the secret: it stays off the screen.
	if strings.Contains(flat, "the service refused") {
		t.Fatalf("the rotator's own output reached the console:\n%s", tmuxtest.Frame(scr))
	}

	after := versionsOf(t, s, name)
	if after["AWSCURRENT"] != before["AWSCURRENT"] || after["AWSPENDING"] == "" || after["AWSPENDING"] == after["AWSCURRENT"] {
		t.Fatalf("labels after the failed rotation: %v (before %v)", after, before)
	}
	if cur, _ := valueOf(t, s, name, "AWSCURRENT"); cur != "token-old" {
		t.Fatal("AWSCURRENT changed although the rotation failed")
	}
	tm.Keys("v")
	scr = tm.WaitFor(10*time.Second, "AWSPENDING")
	if !rowWith(scr, after["AWSPENDING"][:8], "AWSPENDING") || !rowWith(scr, before["AWSCURRENT"][:8], "AWSCURRENT") {
		t.Fatalf("the versions screen does not show the pending version:\n%s", tmuxtest.Frame(scr))
	}
	tm.Keys("Escape", "Escape")
	scr = tm.WaitFor(10*time.Second, name)
	if !rowWith(scr, name, "pending") {
		t.Fatalf("the list does not show the rotation pending:\n%s", tmuxtest.Frame(scr))
	}
}
