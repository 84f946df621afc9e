package ui

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/aws"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/server"
	"github.com/secretary-sh/secretary/ui/editor"
)

func (h *harness) access() *accessPage {
	h.t.Helper()
	a, ok := h.m.top().(*accessPage)
	if !ok {
		h.t.Fatalf("top page is %T, not the Access page", h.m.top())
	}
	return a
}

// decisions flattens the who-can table to "NAME READ WRITE …" lines.
func (a *accessPage) decisions() []string {
	var out []string
	for _, p := range a.who {
		row := p.Name
		for _, d := range p.Decisions {
			row += " " + decisionWord(d).String()
		}
		out = append(out, row)
	}
	return out
}

const readPaymentsPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"ReadPayments","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:*:*:secret:prod/payments/*"}]}`

// TestAccessPageOnTheLocalStore opens the Access page of a secret from its
// detail page: no policy yet, and who can do what with the statement that
// decides; then an invalid edit is refused with the validator's findings
// and offered again, the corrected one is saved and changes the table, a
// public policy is refused while blocking is on, and the policy is deleted
// after a confirmation.
func TestAccessPageOnTheLocalStore(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir()) // the editor's files, never run here
	h, s := fixture(t, false, 120, 40)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, "payments"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPrincipalPolicy(ctx, local.KindUser, "payments", "read", readPaymentsPolicy); err != nil {
		t.Fatal(err)
	}
	const name = "prod/payments/postgres"
	h.openDetail(name)
	h.press("A")
	a := h.access()
	h.seeView("Access · "+name, "No resource policy", "PRINCIPAL", "READ", "RELABEL", "MANAGE")
	want := []string{
		"root yes yes yes yes yes yes",
		"admin yes yes yes yes yes yes",
		"payments yes no no no no no",
	}
	if got := a.decisions(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("who can:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	h.press("j", "j")
	h.seeView("arn:aws:iam::000000000000:user/payments", `read     yes  user/payments/read statement "ReadPayments"`,
		"write    no   no statement allows it")

	// An invalid policy: the findings show and the edit is offered again.
	h.press("e")
	if !a.editing {
		t.Fatal("e did not start the editor")
	}
	invalid := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"secretsmanager:GetSecretValues","Resource":"*"}]}`
	h.send(editor.SavedMsg{Value: []byte(invalid)})
	h.seeView("Policy not valid", "GetSecretValues", "Edit it again?")
	h.press("y")
	if !a.editing {
		t.Fatal("yes did not reopen the editor")
	}
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"NoPaymentsWrite","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:user/payments"},"Action":["secretsmanager:GetSecretValue","secretsmanager:PutSecretValue"],"Resource":"*"}]}`
	h.send(editor.SavedMsg{Value: []byte(deny)})
	h.seeView("Save resource policy", "Block public policy: on")
	h.press("y")
	if p, err := s.GetResourcePolicy(ctx, name); err != nil || p.Policy != deny {
		t.Fatalf("stored policy %+v %v, want the edit", p, err)
	}
	h.seeView(`"Sid": "NoPaymentsWrite",`, `read     DENY resource policy of `+name+` statement "NoPaymentsWrite"`)
	if got := a.decisions()[2]; got != "payments DENY DENY no no no no" {
		t.Fatalf("payments after the deny: %q", got)
	}

	// A policy open to anyone is refused while blocking is on, and offered
	// again rather than lost.
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	h.press("e")
	h.send(editor.SavedMsg{Value: []byte(public)})
	h.seeView("Save resource policy")
	h.press("y")
	h.seeView("Policy not saved", "PublicPolicyException", "Edit it again?")
	h.press("n")
	if p, err := s.GetResourcePolicy(ctx, name); err != nil || p.Policy != deny {
		t.Fatalf("the refused edit changed the stored policy: %+v %v", p, err)
	}
	h.press("b")
	h.seeView("block public policy on save: off")

	// Delete asks, defaulting to No.
	h.press("d")
	h.seeView("Delete resource policy", "Remove the resource policy of "+name+"?")
	h.press("enter")
	if p, err := s.GetResourcePolicy(ctx, name); err != nil || p.Policy == "" {
		t.Fatalf("enter on the default deleted the policy: %+v %v", p, err)
	}
	h.press("d", "y")
	if p, err := s.GetResourcePolicy(ctx, name); err != nil || p.Policy != "" {
		t.Fatalf("policy after delete: %+v %v", p, err)
	}
	h.seeView("No resource policy")
	if got := a.decisions()[2]; got != "payments yes no no no no no" {
		t.Fatalf("payments after the delete: %q", got)
	}
	h.press("esc")
	if _, ok := h.m.top().(*detailPage); !ok {
		t.Fatalf("esc went to %T, want the detail page", h.m.top())
	}
}

// A statement id is store text like any other: control sequences in it are
// drawn as visible escapes.
func TestAccessPageEscapesPolicyText(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	ctx := context.Background()
	const name = "prod/payments/postgres"
	if _, err := s.PutResourcePolicy(ctx, &backend.PutResourcePolicyInput{SecretID: name,
		ResourcePolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"x\u001b]0;pwned\u0007","Effect":"Deny","Principal":{"AWS":"*"},"Action":"secretsmanager:DeleteSecret","Resource":"*"}]}`}); err != nil {
		t.Fatal(err)
	}
	h.openDetail(name)
	h.press("A", "j")
	v := h.view()
	if strings.Contains(v, "\x1b]0;") || strings.Contains(v, "\x07") {
		t.Fatalf("the Sid reached the terminal raw:\n%q", v)
	}
	h.seeView(`\x1b]0;pwned\a`)
}

// On the AWS backend (here the real SDK against a served store) the page
// shows the resource policy but does not guess who can: the backend has no
// SimulatePrincipalPolicy.
func TestAccessPageOnAWSSaysWhoCanIsUnavailable(t *testing.T) {
	s, _, _ := newStore(t)
	ctx := context.Background()
	v := "v"
	const name = "prod/payments/api"
	if _, err := s.CreateSecret(ctx, &backend.CreateSecretInput{Name: name, SecretString: &v}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutResourcePolicy(ctx, &backend.PutResourcePolicyInput{SecretID: name, ResourcePolicy: readPaymentsPolicy[:len(readPaymentsPolicy)-3] + `,"Principal":{"AWS":"arn:aws:iam::000000000000:user/admin"}}]}`}); err != nil {
		t.Fatal(err)
	}
	k, err := s.CreateAccessKey(ctx, "console")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(s, server.Options{Keys: s, Policies: s, Region: s.Info().Region})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	for _, k := range []string{"AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_CLOUDTRAIL", "AWS_PROFILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_ENDPOINT_URL", hs.URL)
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	b, err := aws.New(ctx, aws.Config{Region: s.Info().Region,
		Credentials: credentials.NewStaticCredentialsProvider(k.ID, k.Secret, ""), MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	h := newHarness(t, Config{Backend: b}, 120, 40)
	h.openDetail(name)
	h.press("A")
	a := h.access()
	if a.sim != nil {
		t.Fatal("the AWS backend claims to simulate policies")
	}
	h.seeView("Access · "+name, `"Sid": "ReadPayments",`, `"AWS": "arn:aws:iam::000000000000:user/admin"`, noSimulation)
}

// TestNoteDoesNotFollowToTheNextPage: a note left by the detail page (the
// copy menu cancelled) is not shown on the page opened next.
func TestNoteDoesNotFollowToTheNextPage(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.openDetail("prod/payments/postgres")
	h.press("C")
	h.press("x")
	h.wantStatus("nothing copied")
	h.press("A")
	h.access()
	if v := h.view(); strings.Contains(v, "nothing copied") {
		t.Fatalf("the detail page's note is still shown on the Access page:\n%s", v)
	}
}
