package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// versionsOf returns the version ids holding each staging label, read
// through the CLI.
func versionsOf(t *testing.T, s store, name string) map[string]string {
	t.Helper()
	var out struct {
		Versions []struct {
			VersionId     string
			VersionStages []string
		}
	}
	if err := json.Unmarshal([]byte(s.cli(t, "list-secret-version-ids", "--secret-id", name)), &out); err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{}
	for _, v := range out.Versions {
		for _, l := range v.VersionStages {
			labels[l] = v.VersionId
		}
	}
	return labels
}

// valueOf returns the SecretString of the version holding stage.
func valueOf(t *testing.T, s store, name, stage string) (value, versionID string) {
	t.Helper()
	var out struct{ SecretString, VersionId string }
	if err := json.Unmarshal([]byte(s.cli(t, "get-secret-value", "--secret-id", name, "--version-stage", stage)), &out); err != nil {
		t.Fatal(err)
	}
	return out.SecretString, out.VersionId
}

// rowWith reports whether one row of the screen contains all of parts.
func rowWith(scr string, parts ...string) bool {
	for _, row := range lines(scr) {
		all := true
		for _, p := range parts {
			if !strings.Contains(row, p) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

type described struct {
	Name               string
	DeletedDate        *time.Time
	Description        string
	VersionIdsToStages map[string][]string
}

func describe(t *testing.T, s store, name string) described {
	t.Helper()
	var d described
	if err := json.Unmarshal([]byte(s.cli(t, "describe-secret", "--secret-id", name)), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSecretLifecycle is the operator's journey through the console:
// create a secret → reveal it → edit it → the new version is AWSCURRENT and
// the old one AWSPREVIOUS → diff them → roll back → delete → restore. Each step is
// checked through the CLI, not just on the screen.
func TestSecretLifecycle(t *testing.T) {
	s := newStore(t)
	s.cli(t, "create-secret", "--name", "other/neighbour", "--secret-string", "x")
	const name = "e2e/journey"
	tm := start(t, s, 120, 40)
	tm.WaitFor(15*time.Second, "Secrets", "other/neighbour")

	// Create: the form, with the value as key/value pairs.
	tm.Keys("n")
	tm.WaitFor(5*time.Second, "New secret", "Name")
	tm.Type(name)
	tm.Keys("Tab")
	tm.Type("made by the journey")
	tm.Keys("Tab")
	tm.Type("team=e2e")
	tm.Keys("Tab", "Tab", "Tab") // KMS key (default), value type (key/value), into the editor
	tm.Keys("a")
	tm.Type("username")
	tm.Keys("Enter")
	tm.Type("app")
	tm.Keys("Enter", "a")
	tm.Type("password")
	tm.Keys("Enter")
	tm.Type("first-pw")
	tm.Keys("Enter")
	scr := tm.WaitFor(5*time.Second, "username", "password")
	if strings.Contains(scr, "first-pw") {
		t.Fatalf("the form shows a value that was not revealed:\n%s", tmuxtest.Frame(scr))
	}
	tm.Keys("C-s")
	tm.WaitFor(10*time.Second, name+" created")
	v1, id1 := valueOf(t, s, name, "AWSCURRENT")
	if v1 != `{"username":"app","password":"first-pw"}` {
		t.Fatalf("created value %q", v1)
	}
	if d := describe(t, s, name); d.Description != "made by the journey" {
		t.Errorf("description %q", d.Description)
	}

	// Open it and reveal the value.
	tm.Keys("/")
	tm.Type(name)
	tm.WaitFor(5*time.Second, "1 of 2")
	tm.Keys("Enter", "Enter")
	scr = tm.WaitFor(10*time.Second, "arn:aws:secretsmanager:", "made by the journey")
	if strings.Contains(scr, "first-pw") {
		t.Fatalf("value shown before reveal:\n%s", tmuxtest.Frame(scr))
	}
	tm.Keys("r")
	tm.WaitFor(10*time.Second, "first-pw")

	// Edit: change the password in the key/value editor; the confirmation
	// names the changed key.
	tm.Keys("e")
	tm.WaitFor(5*time.Second, "Edit "+name)
	tm.Keys("Down", "Enter", "C-u")
	tm.Type("second-pw")
	tm.Keys("Enter", "C-s")
	tm.WaitFor(5*time.Second, "Save new version", "1 key changed (password)")
	tm.Keys("y")
	tm.WaitFor(10*time.Second, "saved as AWSCURRENT")
	v2, id2 := valueOf(t, s, name, "AWSCURRENT")
	if v2 != `{"username":"app","password":"second-pw"}` || id2 == id1 {
		t.Fatalf("after the edit AWSCURRENT is %s %q", id2, v2)
	}
	if labels := versionsOf(t, s, name); labels["AWSCURRENT"] != id2 || labels["AWSPREVIOUS"] != id1 {
		t.Fatalf("after the edit: labels %v, want AWSCURRENT=%s AWSPREVIOUS=%s", labels, id2, id1)
	}

	// Roll back from the version history: the confirmation names both
	// versions; afterwards the first version is AWSCURRENT again.
	tm.Keys("v")
	tm.WaitFor(10*time.Second, name+" · versions", "AWSPREVIOUS")
	// Diff the two versions: per key, masked until revealed.
	tm.Keys("m", "Down")
	tm.WaitUntil(5*time.Second, "the cursor is on the AWSPREVIOUS version", func(scr string) bool {
		return rowWith(scr, "›", id1, "AWSPREVIOUS")
	})
	tm.Keys("=")
	scr = tm.WaitFor(10*time.Second, "~ password: ••••", "username: ••••")
	if strings.Contains(scr, "first-pw") || strings.Contains(scr, "second-pw") {
		t.Fatalf("the diff shows values before reveal:\n%s", tmuxtest.Frame(scr))
	}
	tm.Keys("r")
	tm.WaitFor(5*time.Second, "~ password: first-pw → second-pw")
	tm.Keys("Escape")
	tm.WaitUntil(5*time.Second, "back on the history with the cursor on the AWSPREVIOUS version", func(scr string) bool {
		return strings.Contains(scr, name+" · versions") && rowWith(scr, "›", id1, "AWSPREVIOUS") && !strings.Contains(scr, "second-pw")
	})
	tm.Keys("b")
	scr = tm.WaitFor(5*time.Second, "Roll back", id1, id2)
	if !strings.Contains(scr, "from "+id2) || !strings.Contains(scr, "to   "+id1) {
		t.Errorf("the rollback confirmation does not say from which version to which:\n%s", tmuxtest.Frame(scr))
	}
	tm.Keys("y")
	tm.WaitUntil(10*time.Second, "the history shows "+id1+" as AWSCURRENT", func(scr string) bool {
		return rowWith(scr, id1, "AWSCURRENT") && rowWith(scr, id2, "AWSPREVIOUS")
	})
	if labels := versionsOf(t, s, name); labels["AWSCURRENT"] != id1 || labels["AWSPREVIOUS"] != id2 {
		t.Fatalf("after the rollback: labels %v, want AWSCURRENT=%s AWSPREVIOUS=%s", labels, id1, id2)
	}
	if v, _ := valueOf(t, s, name, "AWSCURRENT"); v != v1 {
		t.Fatalf("after the rollback AWSCURRENT reads %q", v)
	}

	// Delete with a 7-day recovery window. The dialog defaults to No.
	tm.Keys("Escape")
	tm.WaitFor(5*time.Second, "arn:aws:secretsmanager:")
	tm.Keys("d")
	tm.WaitFor(5*time.Second, "Delete secret")
	tm.Keys("Enter") // the default is No: nothing happens
	tm.WaitGone(5*time.Second, "Delete secret")
	if d := describe(t, s, name); d.DeletedDate != nil {
		t.Fatal("enter on the default choice deleted the secret")
	}
	tm.Keys("d")
	tm.WaitFor(5*time.Second, "Delete secret")
	tm.Keys("BSpace", "BSpace")
	tm.Type("7")
	tm.Keys("y")
	tm.WaitFor(10*time.Second, "scheduled for deletion in 7 days")
	d := describe(t, s, name)
	if d.DeletedDate == nil {
		t.Fatal("the secret is not scheduled for deletion")
	}

	// Restore it from the list's deleted view.
	tm.Keys("Escape")
	tm.WaitFor(5*time.Second, "Secrets")
	tm.Keys("Escape") // clear the filter
	tm.Keys("x")
	tm.WaitFor(10*time.Second, "deleted")
	tm.Keys("/")
	tm.Type(name)
	tm.Keys("Enter")
	tm.WaitFor(5*time.Second, "1 of")
	tm.Keys("u")
	tm.WaitFor(10*time.Second, name+" restored")
	if d := describe(t, s, name); d.DeletedDate != nil {
		t.Fatalf("still scheduled for deletion on %v", d.DeletedDate)
	}
	if v, _ := valueOf(t, s, name, "AWSCURRENT"); v != v1 {
		t.Fatalf("restored secret reads %q", v)
	}
}
