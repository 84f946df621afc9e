package local

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/policy"
)

const readPayments = `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:*:*:secret:prod/payments/*"}]}`

func TestPrincipalsLifecycle(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})

	// A new store has one user: the built-in administrator.
	if users, err := s.ListUsers(ctx); err != nil || len(users) != 1 || users[0].Name != "admin" {
		t.Fatalf("ListUsers on a fresh store: %v %v", users, err)
	}
	if names, err := s.ListPrincipalPolicies(ctx, KindUser, "admin"); err != nil || !reflect.DeepEqual(names, []string{"AdministratorAccess"}) {
		t.Fatalf("the administrator's policies: %v %v", names, err)
	}
	_, err := s.GetUser(ctx, "payments")
	wantCode(t, err, CodeNoSuchEntity)

	u, err := s.CreateUser(ctx, "payments")
	if err != nil {
		t.Fatal(err)
	}
	if u.ARN != "arn:aws:iam::000000000000:user/payments" || !strings.HasPrefix(u.ID, "AIDA") || len(u.ID) != 21 {
		t.Fatalf("CreateUser returned %+v", u)
	}
	_, err = s.CreateUser(ctx, "payments")
	wantCode(t, err, CodeEntityAlreadyExists)
	for _, bad := range []string{"", "with space", "slash/name", strings.Repeat("a", 65), "naïve"} {
		_, err = s.CreateUser(ctx, bad)
		wantCode(t, err, CodeIAMValidation)
	}
	got, err := s.GetUser(ctx, "payments")
	if err != nil || !reflect.DeepEqual(got.ID, u.ID) || got.ARN != u.ARN {
		t.Fatalf("GetUser: %+v %v", got, err)
	}

	g, err := s.CreateGroup(ctx, "readers")
	if err != nil {
		t.Fatal(err)
	}
	if g.ARN != "arn:aws:iam::000000000000:group/readers" || !strings.HasPrefix(g.ID, "AGPA") {
		t.Fatalf("CreateGroup returned %+v", g)
	}
	if err := s.AddUserToGroup(ctx, "readers", "payments"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.AddUserToGroup(ctx, "readers", "nobody"), CodeNoSuchEntity)
	wantCode(t, s.AddUserToGroup(ctx, "nogroup", "payments"), CodeNoSuchEntity)
	groups, err := s.ListGroups(ctx, "payments")
	if err != nil || len(groups) != 1 || groups[0].Name != "readers" {
		t.Fatalf("ListGroups for payments: %+v %v", groups, err)
	}

	// Policies: refused when malformed or too large, kept otherwise.
	err = s.PutPrincipalPolicy(ctx, KindUser, "payments", "read", `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValues","Resource":"*"}]}`)
	wantCode(t, err, CodeIAMMalformedPolicy)
	if !strings.Contains(backend.Message(err), "GetSecretValues") {
		t.Fatalf("the malformed-policy error does not say what is wrong: %v", err)
	}
	wantCode(t, s.PutPrincipalPolicy(ctx, KindUser, "nobody", "read", readPayments), CodeNoSuchEntity)
	if err := s.PutPrincipalPolicy(ctx, KindUser, "payments", "read", readPayments); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPrincipalPolicy(ctx, KindGroup, "readers", "read", readPayments); err != nil {
		t.Fatal(err)
	}
	big := `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("x", 2000) + `","Effect":"Allow","Action":"secretsmanager:ListSecrets","Resource":"*"}]}`
	wantCode(t, s.PutPrincipalPolicy(ctx, KindUser, "payments", "big", big), CodeIAMLimitExceeded)
	if err := s.PutPrincipalPolicy(ctx, KindGroup, "readers", "big", big); err != nil {
		t.Fatalf("a group may hold 5120 characters of policy: %v", err)
	}
	doc, err := s.GetPrincipalPolicy(ctx, KindUser, "payments", "read")
	if err != nil || doc != readPayments {
		t.Fatalf("GetPrincipalPolicy: %q %v", doc, err)
	}
	_, err = s.GetPrincipalPolicy(ctx, KindUser, "payments", "missing")
	wantCode(t, err, CodeNoSuchEntity)
	names, err := s.ListPrincipalPolicies(ctx, KindGroup, "readers")
	if err != nil || !reflect.DeepEqual(names, []string{"big", "read"}) {
		t.Fatalf("ListPrincipalPolicies: %v %v", names, err)
	}

	// Deleting a user or group with policies or members is refused and
	// loses nothing.
	wantCode(t, s.DeleteUser(ctx, "payments"), CodeDeleteConflict)
	wantCode(t, s.DeleteGroup(ctx, "readers"), CodeDeleteConflict)
	if _, err := s.GetUser(ctx, "payments"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeletePrincipalPolicy(ctx, KindUser, "payments", "read"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.DeletePrincipalPolicy(ctx, KindUser, "payments", "read"), CodeNoSuchEntity)
	wantCode(t, s.DeleteUser(ctx, "payments"), CodeDeleteConflict) // still a member
	if err := s.RemoveUserFromGroup(ctx, "readers", "payments"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.RemoveUserFromGroup(ctx, "readers", "payments"), CodeNoSuchEntity)
	if err := s.DeleteUser(ctx, "payments"); err != nil {
		t.Fatal(err)
	}
	if users, err := s.ListUsers(ctx); err != nil || len(users) != 1 || users[0].Name != "admin" {
		t.Fatalf("ListUsers after delete: %v %v", users, err)
	}
	if err := s.DeletePrincipalPolicy(ctx, KindGroup, "readers", "big"); err != nil {
		t.Fatal(err)
	}

	// Every change to principals and policies is audited, refusals too.
	recs, err := s.AuditLog(ctx, backend.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	refused := map[string]string{}
	for _, r := range recs {
		if r.Outcome == "ok" || seen[r.Operation] == "" {
			seen[r.Operation] = r.Outcome + " " + r.ErrorCode + " " + r.SecretARN
		}
		if r.Outcome == "error" {
			refused[r.Operation] += r.ErrorCode + " "
		}
		// Whoever opened the store with its key acts as the account root.
		if r.Principal != "arn:aws:iam::000000000000:root" {
			t.Errorf("record %d (%s) names principal %q, want the account root", r.Seq, r.Operation, r.Principal)
		}
	}
	// Refusals are audited too, also those of malformed input.
	for op, want := range map[string]string{
		"CreateUser":    CodeIAMValidation,
		"PutUserPolicy": CodeIAMMalformedPolicy,
	} {
		if !strings.Contains(refused[op], want) {
			t.Errorf("refusals of %s audited: %q, want %s among them", op, refused[op], want)
		}
	}
	for op, want := range map[string]string{
		"CreateUser":          "ok  arn:aws:iam::000000000000:user/payments",
		"CreateGroup":         "ok  arn:aws:iam::000000000000:group/readers",
		"AddUserToGroup":      "ok  arn:aws:iam::000000000000:group/readers",
		"PutUserPolicy":       "ok  arn:aws:iam::000000000000:user/payments",
		"PutGroupPolicy":      "ok  arn:aws:iam::000000000000:group/readers",
		"DeleteUserPolicy":    "ok  arn:aws:iam::000000000000:user/payments",
		"RemoveUserFromGroup": "ok  arn:aws:iam::000000000000:group/readers",
		"DeleteUser":          "ok  arn:aws:iam::000000000000:user/payments",
		"DeleteGroup":         "error DeleteConflict arn:aws:iam::000000000000:group/readers",
		"DeleteGroupPolicy":   "ok  arn:aws:iam::000000000000:group/readers",
	} {
		if seen[op] != want {
			t.Errorf("audit of %s: %q, want %q", op, seen[op], want)
		}
	}
}

func TestPrincipalsReadOnly(t *testing.T) {
	s := newStore(t, Options{ReadOnly: true})
	_, err := s.CreateUser(context.Background(), "payments")
	wantCode(t, err, backend.CodeInvalidRequest)
}

// A store of schema 5 (access control made its tables lazily, and keys
// made without a user acted as an implicit administrator) is upgraded on
// open: the built-in administrator appears, the old key is given to it and
// still opens, and the user's key keeps its user.
func TestOpenUpgradesSchemaV5AccessControl(t *testing.T) {
	ctx := context.Background()
	fixture, err := os.ReadFile(filepath.Join("testdata", "store-v5.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "store.db")
	if err := os.WriteFile(path, fixture, 0o600); err != nil {
		t.Fatal(err)
	}
	// The fixture's keys, as made by the release of schema 5.
	const (
		legacyID, legacySecret     = "SKIAJRVC6WTWRPA4UA44", "K4wXaE5UzjadMHGjTrMEkaWbqOA2WYUIkI5Ftqh+"
		paymentsID, paymentsSecret = "SKIA72L4IQXLMAC52DFN", "128zCNSQtvEtpFHfXMN6ClUAAW9uQH/3b0a3M1y7"
	)
	if got := rawQuery(t, path, `SELECT value FROM meta WHERE key = 'schema_version'`); got != "5" {
		t.Fatalf("the fixture has schema version %s, want 5", got)
	}
	s := reopen(t, path, Credential{Key: []byte("schema-v5-fixture-key-0123456789")}, Options{})
	if got := rawQuery(t, path, `SELECT value FROM meta WHERE key = 'schema_version'`); got != strconv.Itoa(currentSchema()) {
		t.Fatalf("schema version %s after open, want %d", got, currentSchema())
	}
	users, err := s.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Name)
	}
	if !reflect.DeepEqual(names, []string{"admin", "payments"}) {
		t.Fatalf("users after the upgrade: %v, want admin and payments", names)
	}
	for id, want := range map[string]string{legacyID: "admin", paymentsID: "payments"} {
		if got, err := s.AccessKeyUser(ctx, id); err != nil || got != want {
			t.Errorf("key %s acts as %q (%v), want %q", id, got, err, want)
		}
	}
	for id, want := range map[string]string{legacyID: legacySecret, paymentsID: paymentsSecret} {
		if got, err := s.SecretKey(ctx, id); err != nil || string(got) != want {
			t.Errorf("key %s no longer opens after the upgrade: %v", id, err)
		}
	}
	// The administrator may do everything; the user still only what its
	// policy says.
	sa, err := s.SecretAuthorization(ctx, "prod/orders/db")
	if err != nil {
		t.Fatal(err)
	}
	for user, want := range map[string]bool{"admin": true, "payments": false} {
		p, attached, err := s.UserAuthorization(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		for _, action := range []string{"secretsmanager:GetSecretValue", "secretsmanager:DeleteSecret", "secretsmanager:PutResourcePolicy"} {
			req := policy.NewRequest(p, action, sa.ARN)
			if got := policy.Evaluate(req, sa.Attach(attached)).Allowed(); got != want {
				t.Errorf("%s %s on %s: allowed %v, want %v", user, action, sa.Name, got, want)
			}
		}
	}
	// A key made now without a user acts as the administrator too.
	k, err := s.CreateAccessKey(ctx, "after the upgrade")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.AccessKeyUser(ctx, k.ID); err != nil || got != "admin" {
		t.Fatalf("a new key without a user acts as %q (%v), want admin", got, err)
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatalf("audit chain after the upgrade: %v", err)
	}
}

// The principal and the deciding statement are part of the hash chain:
// editing either in the file breaks it.
func TestAuditChainCoversPrincipalAndDecision(t *testing.T) {
	ctx := context.Background()
	path, cred := keyStore(t, Options{})
	s := reopen(t, path, cred, Options{})
	if _, err := s.CreateUser(ctx, "payments"); err != nil {
		t.Fatal(err)
	}
	if err := s.AuditDenial(backend.WithPrincipal(backend.WithActor(ctx, "SKIAAAAAAAAAAAAAAAAA"), "arn:aws:iam::000000000000:user/payments"),
		"GetSecretValue", "arn:aws:secretsmanager:local:000000000000:secret:x-abcdef", `user/payments/read statement "NoBilling"`); err != nil {
		t.Fatal(err)
	}
	recs, err := s.AuditLog(ctx, backend.AuditQuery{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if r := recs[0]; r.Principal != "arn:aws:iam::000000000000:user/payments" || r.DecidedBy != `user/payments/read statement "NoBilling"` || r.ErrorCode != backend.CodeAccessDenied {
		t.Fatalf("the denial's record: %+v", r)
	}
	if r := recs[1]; r.Operation != "CreateUser" || r.Principal != "arn:aws:iam::000000000000:root" {
		t.Fatalf("the key holder's record: %+v", r)
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, edit := range []string{
		`UPDATE audit SET decided_by = 'no statement allows it' WHERE seq = (SELECT max(seq) FROM audit)`,
		`UPDATE audit SET principal = 'arn:aws:iam::000000000000:user/admin' WHERE operation = 'CreateUser'`,
	} {
		p2 := filepath.Join(t.TempDir(), "copy.db")
		for _, suffix := range []string{"", "-wal"} {
			data, err := os.ReadFile(path + suffix)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p2+suffix, data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		rawExec(t, p2, edit)
		c := reopen(t, p2, cred, Options{})
		var ae *AuditError
		if err := c.VerifyAudit(ctx); !errors.As(err, &ae) {
			t.Errorf("after %s: VerifyAudit = %v, want an AuditError", edit, err)
		}
	}
}

// A store of schema 5 whose operators had made a user named admin keeps
// that user as it was: the built-in administrator takes the next free
// name, and only it gets the old keys and the allow-all policy.
func TestUpgradeKeepsAUserNamedAdmin(t *testing.T) {
	ctx := context.Background()
	fixture, err := os.ReadFile(filepath.Join("testdata", "store-v5.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "store.db")
	if err := os.WriteFile(path, fixture, 0o600); err != nil {
		t.Fatal(err)
	}
	rawExec(t, path, `INSERT INTO iam_users(name, id, created) VALUES ('admin', 'AIDAHANDMADEADMIN0000', 0)`)
	s := reopen(t, path, Credential{Key: []byte("schema-v5-fixture-key-0123456789")}, Options{})
	admin, err := s.AdminUser(ctx)
	if err != nil || admin != "admin-2" {
		t.Fatalf("the built-in administrator is %q (%v), want admin-2", admin, err)
	}
	if names, err := s.ListPrincipalPolicies(ctx, KindUser, "admin"); err != nil || len(names) != 0 {
		t.Fatalf("the hand-made admin got policies: %v %v", names, err)
	}
	if got, err := s.AccessKeyUser(ctx, "SKIAJRVC6WTWRPA4UA44"); err != nil || got != "admin-2" {
		t.Fatalf("the old key acts as %q (%v), want admin-2", got, err)
	}
	k, err := s.CreateAccessKey(ctx, "new")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.AccessKeyUser(ctx, k.ID); err != nil || got != "admin-2" {
		t.Fatalf("a new key without a user acts as %q (%v), want admin-2", got, err)
	}
}
