package local

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

const readPayments = `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:*:*:secret:prod/payments/*"}]}`

func TestPrincipalsLifecycle(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})

	// A store made before principals existed reads as having none.
	if users, err := s.ListUsers(ctx); err != nil || len(users) != 0 {
		t.Fatalf("ListUsers on a fresh store: %v %v", users, err)
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
	if users, err := s.ListUsers(ctx); err != nil || len(users) != 0 {
		t.Fatalf("ListUsers after delete: %v %v", users, err)
	}

	// Every change to principals and policies is audited, refusals too.
	recs, err := s.AuditLog(ctx, backend.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, r := range recs {
		if r.Outcome == "ok" || seen[r.Operation] == "" {
			seen[r.Operation] = r.Outcome + " " + r.ErrorCode + " " + r.SecretARN
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
