package e2e

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// policyEditorScript is $EDITOR for the Access journey: its first run
// writes a policy with a misspelt action, its second a valid one.
const policyEditorScript = `#!/bin/sh
f="$1"
if [ ! -e "$E2E_RECORD.first" ]; then
	: > "$E2E_RECORD.first"
	printf '%s' '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"secretsmanager:GetSecretValues","Resource":"*"}]}' > "$f"
	exit 0
fi
cp "$f" "$E2E_RECORD"
printf '%s' '{"Version":"2012-10-17","Statement":[{"Sid":"NoPaymentsRead","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:user/payments"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}' > "$f"
`

// TestAccessPageJourney views, edits and deletes a secret's resource
// policy in the real console: who can read it before, an invalid edit
// refused with the validator's finding and handed back to $EDITOR, the
// corrected policy saved (the store holds it, the who-can table turns
// payments' read into DENY), and the policy deleted after a confirmation.
func TestAccessPageJourney(t *testing.T) {
	s := newStore(t)
	const name = "prod/payments/db"
	s.cli(t, "create-secret", "--name", name, "--secret-string", "pay")
	s.cli(t, "iam", "create-user", "--user-name", "payments")
	s.cli(t, "iam", "put-user-policy", "--user-name", "payments", "--policy-name", "read", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Sid":"ReadPayments","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:*:*:secret:prod/payments/*"}]}`)
	s, record := withEditor(t, s, policyEditorScript)
	tm := start(t, s, 120, 40)
	tm.WaitFor(15*time.Second, name)
	tm.Keys("Enter")
	tm.WaitFor(10*time.Second, "arn:aws:secretsmanager:")
	tm.Keys("A")
	scr := tm.WaitFor(10*time.Second, "Access · "+name, "No resource policy", "PRINCIPAL")
	if !rowWith(scr, "payments", "yes", "no") || !rowWith(scr, "root", "yes") || !rowWith(scr, "admin", "yes") {
		t.Fatalf("who-can table:\n%s", tmuxtest.Frame(scr))
	}

	tm.Keys("e")
	tm.WaitFor(10*time.Second, "Policy not valid", "GetSecretValues", "Edit it again?")
	tm.Keys("y")
	tm.WaitFor(10*time.Second, "Save resource policy", "Block public policy: on")
	if handed, err := os.ReadFile(record); err != nil || !strings.Contains(string(handed), "GetSecretValues") {
		t.Fatalf("the editor was not handed the refused edit back: %q %v", handed, err)
	}
	tm.Keys("y")
	scr = tm.WaitFor(10*time.Second, `"Sid": "NoPaymentsRead",`)
	if !rowWith(scr, "payments", "DENY") {
		t.Fatalf("payments can still read after the deny:\n%s", tmuxtest.Frame(scr))
	}
	var got struct{ ResourcePolicy string }
	if err := json.Unmarshal([]byte(s.cli(t, "get-resource-policy", "--secret-id", name)), &got); err != nil || !strings.Contains(got.ResourcePolicy, "NoPaymentsRead") {
		t.Fatalf("stored policy %q %v", got.ResourcePolicy, err)
	}

	tm.Keys("d")
	tm.WaitFor(5*time.Second, "Delete resource policy")
	tm.Keys("y")
	tm.WaitFor(10*time.Second, "No resource policy")
	got.ResourcePolicy = ""
	if err := json.Unmarshal([]byte(s.cli(t, "get-resource-policy", "--secret-id", name)), &got); err != nil || got.ResourcePolicy != "" {
		t.Fatalf("policy after delete %q %v", got.ResourcePolicy, err)
	}
	tm.Keys("q")
}
