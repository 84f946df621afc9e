package e2e

import (
	"strings"
	"testing"
	"time"
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
	tm.waitFor(20*time.Second, "Secrets 4", "1 deleted hidden (x)")
	tm.keys("/")
	tm.typeText(`"payments service" env=prod`)
	scr := tm.waitFor(5*time.Second, `= "payments service" tag env=prod`, "1 of 4")
	if !rowWith(scr, "prod/payments/postgres") || rowWith(scr, "staging/payments/postgres") {
		t.Fatalf("phrase and tag did not select prod/payments/postgres alone:\n%s", frame(scr))
	}
	// Bad syntax is a message, not a crash; the result stays.
	tm.typeText(` rotation:maybe`)
	tm.waitFor(5*time.Second, `✗ rotation: takes on, off, failing or pending, not "maybe"`)
	tm.keys("C-u")
	// Nothing matches: the list says why.
	tm.typeText(`owner=ops`)
	tm.waitFor(5*time.Second, `No secret matches the filter: no secret has tag key "owner"`)
	tm.keys("C-u")
	tm.typeText(`mail`)
	tm.waitFor(5*time.Second, "1 match is scheduled for deletion: x shows it")
	tm.keys("Enter", "x")
	tm.waitFor(5*time.Second, "qa/mail/sendgrid", "incl. deleted")
	// The state filters select by state.
	tm.keys("/", "C-u")
	tm.typeText("deleted")
	scr = tm.waitFor(5*time.Second, "= deleted", "1 of 5")
	if !rowWith(scr, "qa/mail/sendgrid") {
		t.Fatalf("deleted did not show the deleted secret:\n%s", frame(scr))
	}
	// ↑ recalls the filter accepted before.
	tm.keys("C-u", "Up")
	tm.waitFor(5*time.Second, "/ mail")
}

// TestBulkDeleteJourney marks three secrets with space, schedules their
// deletion after typing the count, and checks it through the CLI.
func TestBulkDeleteJourney(t *testing.T) {
	s := listStore(t)
	tm := start(t, s, 120, 30)
	tm.waitFor(20*time.Second, "Secrets 5")
	tm.keys("/")
	tm.typeText("name:prod/")
	tm.keys("Enter")
	tm.waitFor(5*time.Second, "2 of 5")
	tm.keys("Space", "Space")
	tm.waitFor(5*time.Second, "2 marked")
	tm.keys("Escape") // clears the marks first, the filter stays
	tm.waitGone(5*time.Second, "2 marked")
	tm.waitFor(5*time.Second, "/ name:prod/")
	tm.keys("Escape") // then the filter
	tm.waitGone(5*time.Second, "/ name:prod/")
	tm.keys("g", "Space", "Space", "Space")
	scr := tm.waitFor(5*time.Second, "3 marked")
	if n := strings.Count(scr, "● "); n != 3 {
		t.Fatalf("%d rows marked on screen, want 3:\n%s", n, frame(scr))
	}
	tm.keys("d")
	tm.waitFor(5*time.Second, "Delete 3 secrets", "Type 3 to delete 3 secrets:")
	tm.keys("Tab")
	tm.typeText("4")
	tm.keys("Enter")
	tm.waitFor(5*time.Second, "Type 3 to delete 3 secrets; nothing was changed.")
	tm.keys("BSpace")
	tm.typeText("3")
	tm.keys("Enter")
	tm.waitFor(10*time.Second, "3 of 3 secrets scheduled for deletion", "3 deleted hidden (x)")
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
	tm.waitFor(30*time.Second, "deleted hidden (x)")
	tm.waitGone(30*time.Second, "loading")
	tm.keys("/")
	tm.typeText("name:dev/")
	tm.keys("Enter", ":")
	tm.typeText("ops/ju")
	tm.waitFor(5*time.Second, "→ ops/jump/needle")
	tm.keys("Tab")
	tm.waitFor(5*time.Second, ": ops/jump/needle")
	tm.keys("Enter")
	scr := tm.waitFor(5*time.Second, "filter cleared to show ops/jump/needle")
	if !rowWith(scr, "›", "ops/jump/needle") {
		t.Fatalf("the cursor is not on the secret jumped to:\n%s", frame(scr))
	}
	tm.keys("Enter")
	tm.waitFor(5*time.Second, "arn:aws:secretsmanager:", "the one to jump to")
}

// TestCopyToStoreJourney copies two marked secrets to another local store
// typed in: the plan first, nothing written; then the copy and its
// verification, checked through the CLI on the target.
func TestCopyToStoreJourney(t *testing.T) {
	s := listStore(t)
	dst := newStore(t)
	tm := start(t, s, 120, 40)
	tm.waitFor(20*time.Second, "Secrets 5")
	tm.keys("Space", "Space", "C")
	tm.waitFor(5*time.Second, "Copy 2 secrets", "a local store, by path")
	tm.keys("Enter")
	tm.typeText(dst.path)
	tm.keys("Tab")
	tm.typeText(dst.keyFile)
	tm.keys("Enter")
	tm.waitFor(10*time.Second, "Plan (nothing written yet): 2 to copy", "dev/cart/redis · planned · 1 version")
	if out := dst.cli(t, "list-secrets"); strings.Contains(out, "dev/cart/redis") {
		t.Fatalf("the plan wrote to the target:\n%s", out)
	}
	tm.keys("y")
	tm.waitFor(20*time.Second, "Copied: 2 created", "✓ verified: the target holds what was read (2 compared, 0 different)")
	for _, name := range []string{"dev/cart/redis", "prod/checkout/stripe"} {
		if v, _ := valueOf(t, dst, name, "AWSCURRENT"); v != "v" {
			t.Errorf("%s in the target holds %q", name, v)
		}
	}
	if out := dst.cli(t, "list-secrets"); strings.Contains(out, "qa/mail/sendgrid") {
		t.Fatalf("an unmarked secret was copied:\n%s", out)
	}
}
