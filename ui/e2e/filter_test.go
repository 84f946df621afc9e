package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// TestFilterLargeStore filters a 10,000-secret store down to one secret and
// opens it.
func TestFilterLargeStore(t *testing.T) {
	s := newStore(t)
	s.cli(t, "demo-data", "--secrets", "10000")
	s.cli(t, "create-secret", "--name", "ops/e2e/needle", "--description", "the one to find", "--secret-string", "found-it")

	tm := start(t, s, 120, 40)
	tm.WaitFor(30*time.Second, "Secrets", "/ to filter")
	tm.Keys("/")
	tm.Type("e2e/needle")
	scr := tm.WaitFor(10*time.Second, "1 of ")
	if !strings.Contains(scr, "ops/e2e/needle") {
		t.Fatalf("filtered list does not show the secret:\n%s", tmuxtest.Frame(scr))
	}
	tm.Keys("Enter", "Enter")
	scr = tm.WaitFor(10*time.Second, "arn:aws:secretsmanager:", "the one to find")
	if strings.Contains(scr, "found-it") {
		t.Fatalf("the value is shown before it is revealed:\n%s", tmuxtest.Frame(scr))
	}
}
