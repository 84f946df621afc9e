package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// listStore is a small estate with tags to filter on.
func listStore(t *testing.T) store {
	t.Helper()
	s := newStore(t)
	for _, sec := range []struct{ name, desc, tags string }{
		{"prod/payments/postgres", "payments service database", "Key=env,Value=prod Key=team,Value=payments"},
		{"prod/checkout/stripe", "checkout payments key", "Key=env,Value=prod Key=team,Value=commerce"},
		{"staging/payments/postgres", "payments service database", "Key=env,Value=staging Key=team,Value=payments"},
		{"dev/cart/redis", "cart cache token", "Key=env,Value=dev"},
		{"qa/mail/sendgrid", "mail api key", "Key=team,Value=notifications"},
	} {
		args := []string{"create-secret", "--name", sec.name, "--description", sec.desc, "--secret-string", "v"}
		args = append(args, "--tags")
		args = append(args, strings.Fields(sec.tags)...)
		s.cli(t, args...)
	}
	return s
}

// TestFilterGrammarJourney filters with a phrase and a tag, reads what the
// filter was understood as, and is told why a filter matched nothing.
func TestFilterGrammarJourney(t *testing.T) {
	s := listStore(t)
	s.cli(t, "delete-secret", "--secret-id", "qa/mail/sendgrid")
	tm := start(t, s, 120, 30)
	tm.WaitFor(20*time.Second, "Secrets 4", "1 deleted hidden (x)")
	tm.Keys("/")
	tm.Type(`"payments service" env=prod`)
	scr := tm.WaitFor(5*time.Second, `= "payments service" tag env=prod`, "1 of 4")
	if !rowWith(scr, "prod/payments/postgres") || rowWith(scr, "staging/payments/postgres") {
		t.Fatalf("phrase and tag did not select prod/payments/postgres alone:\n%s", tmuxtest.Frame(scr))
	}
	// Bad syntax is a message, not a crash; the result stays.
	tm.Type(` rotation:maybe`)
	tm.WaitFor(5*time.Second, `✗ rotation: takes on, off, failing or pending, not "maybe"`)
	tm.Keys("C-u")
	// Nothing matches: the list says why.
	tm.Type(`owner=ops`)
	tm.WaitFor(5*time.Second, `No secret matches the filter: no secret has tag key "owner"`)
	tm.Keys("C-u")
	tm.Type(`mail`)
	tm.WaitFor(5*time.Second, "1 match is scheduled for deletion: x shows it")
	tm.Keys("Enter", "x")
	tm.WaitFor(5*time.Second, "qa/mail/sendgrid", "incl. deleted")
	// The state filters select by state.
	tm.Keys("/", "C-u")
	tm.Type("deleted")
	scr = tm.WaitFor(5*time.Second, "= deleted", "1 of 5")
	if !rowWith(scr, "qa/mail/sendgrid") {
		t.Fatalf("deleted did not show the deleted secret:\n%s", tmuxtest.Frame(scr))
	}
	// ↑ recalls the filter accepted before.
	tm.Keys("C-u", "Up")
	tm.WaitFor(5*time.Second, "/ mail")
}

// TestBulkDeleteJourney marks three secrets with space, schedules their
// deletion after typing the count, and checks it through the CLI.
func TestBulkDeleteJourney(t *testing.T) {
	s := listStore(t)
	tm := start(t, s, 120, 30)
	tm.WaitFor(20*time.Second, "Secrets 5")
	tm.Keys("/")
	tm.Type("name:prod/")
	tm.Keys("Enter")
	tm.WaitFor(5*time.Second, "2 of 5")
	tm.Keys("Space", "Space")
	tm.WaitFor(5*time.Second, "2 marked")
	tm.Keys("Escape") // clears the marks first, the filter stays
	tm.WaitGone(5*time.Second, "2 marked")
	tm.WaitFor(5*time.Second, "/ name:prod/")
	tm.Keys("Escape") // then the filter
	tm.WaitGone(5*time.Second, "/ name:prod/")
	tm.Keys("g", "Space", "Space", "Space")
	scr := tm.WaitFor(5*time.Second, "3 marked")
	if n := strings.Count(scr, "● "); n != 3 {
		t.Fatalf("%d rows marked on screen, want 3:\n%s", n, tmuxtest.Frame(scr))
	}
	tm.Keys("d")
	tm.WaitFor(5*time.Second, "Delete 3 secrets", "Type 3 to delete 3 secrets:")
	tm.Keys("Tab")
	tm.Type("4")
	tm.Keys("Enter")
	tm.WaitFor(5*time.Second, "Type 3 to delete 3 secrets; nothing was changed.")
	tm.Keys("BSpace")
	tm.Type("3")
	tm.Keys("Enter")
	tm.WaitFor(10*time.Second, "3 of 3 secrets scheduled for deletion", "3 deleted hidden (x)")
	for _, name := range []string{"dev/cart/redis", "prod/checkout/stripe", "prod/payments/postgres"} {
		if describe(t, s, name).DeletedDate == nil {
			t.Errorf("%s is not scheduled for deletion", name)
		}
	}
	for _, name := range []string{"qa/mail/sendgrid", "staging/payments/postgres"} {
		if describe(t, s, name).DeletedDate != nil {
			t.Errorf("%s was deleted but not marked", name)
		}
	}
}

// TestJumpJourney jumps to a secret by name with tab completion, past a
// filter that hides it.
func TestJumpJourney(t *testing.T) {
	s := newStore(t)
	s.cli(t, "demo-data", "--secrets", "2000")
	s.cli(t, "create-secret", "--name", "ops/jump/needle", "--description", "the one to jump to", "--secret-string", "v")
	tm := start(t, s, 120, 30)
	tm.WaitFor(30*time.Second, "deleted hidden (x)")
	tm.WaitGone(30*time.Second, "loading")
	tm.Keys("/")
	tm.Type("name:dev/")
	tm.Keys("Enter", ":")
	tm.Type("ops/ju")
	tm.WaitFor(5*time.Second, "→ ops/jump/needle")
	tm.Keys("Tab")
	tm.WaitFor(5*time.Second, ": ops/jump/needle")
	tm.Keys("Enter")
	scr := tm.WaitFor(5*time.Second, "filter cleared to show ops/jump/needle")
	if !rowWith(scr, "›", "ops/jump/needle") {
		t.Fatalf("the cursor is not on the secret jumped to:\n%s", tmuxtest.Frame(scr))
	}
	tm.Keys("Enter")
	tm.WaitFor(5*time.Second, "arn:aws:secretsmanager:", "the one to jump to")
}

// TestCopyToStoreJourney copies two marked secrets to another local store
// typed in: the plan first, nothing written; then the copy and its
// verification, checked through the CLI on the target.
func TestCopyToStoreJourney(t *testing.T) {
	s := listStore(t)
	dst := newStore(t)
	tm := start(t, s, 120, 40)
	tm.WaitFor(20*time.Second, "Secrets 5")
	tm.Keys("Space", "Space", "C")
	tm.WaitFor(5*time.Second, "Copy 2 secrets", "a local store, by path")
	tm.Keys("Enter")
	tm.Type(dst.path)
	tm.Keys("Tab")
	tm.Type(dst.keyFile)
	tm.Keys("Enter")
	tm.WaitFor(10*time.Second, "Plan (nothing written yet): 2 to copy", "dev/cart/redis · planned · 1 version")
	if out := dst.cli(t, "list-secrets"); strings.Contains(out, "dev/cart/redis") {
		t.Fatalf("the plan wrote to the target:\n%s", out)
	}
	tm.Keys("y")
	tm.WaitFor(20*time.Second, "Copied: 2 created", "✓ verified: the target holds what was read (2 compared, 0 different)")
	for _, name := range []string{"dev/cart/redis", "prod/checkout/stripe"} {
		if v, _ := valueOf(t, dst, name, "AWSCURRENT"); v != "v" {
			t.Errorf("%s in the target holds %q", name, v)
		}
	}
	if out := dst.cli(t, "list-secrets"); strings.Contains(out, "qa/mail/sendgrid") {
		t.Fatalf("an unmarked secret was copied:\n%s", out)
	}
}
