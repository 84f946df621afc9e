package local

import (
	"context"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/policy"
)

// TestAuthorizationFromStoredPolicies evaluates requests with what the
// store holds: a user's and its group's policies, a secret's tags and its
// resource policy.
func TestAuthorizationFromStoredPolicies(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	if _, err := s.CreateUser(ctx, "payments"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateGroup(ctx, "readers"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUserToGroup(ctx, "readers", "payments"); err != nil {
		t.Fatal(err)
	}
	byTag := `{"Version":"2012-10-17","Statement":[{"Sid":"ReadByTag","Effect":"Allow","Action":["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret"],"Resource":"arn:aws:secretsmanager:*:*:secret:prod/payments/*","Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"payments"}}}]}`
	if err := s.PutPrincipalPolicy(ctx, KindGroup, "readers", "by-tag", byTag); err != nil {
		t.Fatal(err)
	}
	list := `{"Version":"2012-10-17","Statement":[{"Sid":"List","Effect":"Allow","Action":"secretsmanager:ListSecrets","Resource":"*"}]}`
	if err := s.PutPrincipalPolicy(ctx, KindUser, "payments", "list", list); err != nil {
		t.Fatal(err)
	}
	tagged, err := s.CreateSecret(ctx, &backend.CreateSecretInput{Name: "prod/payments/db", SecretString: str("v"), Tags: []backend.Tag{{Key: "team", Value: "payments"}}})
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "prod/payments/untagged", "v")
	locked, err := s.CreateSecret(ctx, &backend.CreateSecretInput{Name: "prod/payments/locked", SecretString: str("v"), Tags: []backend.Tag{{Key: "team", Value: "payments"}}})
	if err != nil {
		t.Fatal(err)
	}
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"NoReads","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:user/payments"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	if _, err := s.PutResourcePolicy(ctx, &backend.PutResourcePolicyInput{SecretID: locked.ARN, ResourcePolicy: deny}); err != nil {
		t.Fatal(err)
	}

	principal, pols, err := s.UserAuthorization(ctx, "payments")
	if err != nil {
		t.Fatal(err)
	}
	if principal.ARN != "arn:aws:iam::000000000000:user/payments" || principal.Name != "payments" || principal.ID == "" {
		t.Fatalf("principal %+v", principal)
	}
	if len(pols) != 2 || pols[0].Name != "user/payments/list" || pols[1].Name != "group/readers/by-tag" {
		t.Fatalf("policies %+v", pols)
	}
	decide := func(action, secretID string) policy.Decision {
		t.Helper()
		attached := pols
		resource := "*"
		req := policy.NewRequest(principal, "secretsmanager:"+action, resource)
		if secretID != "" {
			sa, err := s.SecretAuthorization(ctx, secretID)
			if err != nil {
				t.Fatal(err)
			}
			req.Resource = sa.ARN
			sa.SetSecretContext(req)
			attached = sa.Attach(pols)
		}
		return policy.Evaluate(req, attached)
	}
	cases := []struct {
		action, secret string
		want           policy.Outcome
		by             string
	}{
		{"GetSecretValue", "prod/payments/db", policy.Allowed, "group/readers/by-tag statement \"ReadByTag\""},
		{"DescribeSecret", tagged.ARN, policy.Allowed, "group/readers/by-tag statement \"ReadByTag\""},
		{"PutSecretValue", "prod/payments/db", policy.ImplicitDeny, ""},
		{"GetSecretValue", "prod/payments/untagged", policy.ImplicitDeny, ""},
		{"GetSecretValue", "prod/payments/locked", policy.ExplicitDeny, "resource policy of prod/payments/locked statement \"NoReads\""},
		{"DescribeSecret", "prod/payments/locked", policy.Allowed, "group/readers/by-tag statement \"ReadByTag\""},
		{"ListSecrets", "", policy.Allowed, "user/payments/list statement \"List\""},
	}
	for _, c := range cases {
		d := decide(c.action, c.secret)
		by := ""
		if d.By != nil {
			by = d.By.String()
		}
		if d.Outcome != c.want || by != c.by {
			t.Errorf("%s on %q: %s by %q, want %s by %q", c.action, c.secret, d.Outcome, by, c.want, c.by)
		}
	}

	_, _, err = s.UserAuthorization(ctx, "nobody")
	wantCode(t, err, CodeNoSuchEntity)
	_, err = s.SecretAuthorization(ctx, "missing")
	wantCode(t, err, backend.CodeResourceNotFound)
}

// WhoCan answers, for root and each user, every action with the statement
// that decided it: the root always, the administrator through its policy
// unless the resource policy denies, a limited user by tag.
func TestWhoCan(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	v := "v"
	if _, err := s.CreateSecret(ctx, &backend.CreateSecretInput{Name: "prod/payments/db", SecretString: &v,
		Tags: []backend.Tag{{Key: "team", Value: "payments"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, "payments"); err != nil {
		t.Fatal(err)
	}
	read := `{"Version":"2012-10-17","Statement":[{"Sid":"ReadByTag","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"payments","secretsmanager:VersionStage":"AWSCURRENT"}}}]}`
	if err := s.PutPrincipalPolicy(ctx, KindUser, "payments", "read", read); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutResourcePolicy(ctx, &backend.PutResourcePolicyInput{SecretID: "prod/payments/db",
		ResourcePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"secretsmanager:DeleteSecret","Resource":"*"}]}`}); err != nil {
		t.Fatal(err)
	}
	got, err := s.WhoCan(ctx, "prod/payments/db", []string{"secretsmanager:GetSecretValue", "secretsmanager:DeleteSecret"})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, p := range got {
		for _, d := range p.Decisions {
			lines = append(lines, p.Name+" "+d.Action+" "+d.Outcome+" "+d.By)
		}
	}
	want := []string{
		"root secretsmanager:GetSecretValue allowed account root: holds the store's key",
		"root secretsmanager:DeleteSecret allowed account root: holds the store's key",
		`admin secretsmanager:GetSecretValue allowed user/admin/AdministratorAccess statement "AdministratorAccess"`,
		"admin secretsmanager:DeleteSecret explicitDeny resource policy of prod/payments/db statement 1",
		`payments secretsmanager:GetSecretValue allowed user/payments/read statement "ReadByTag"`,
		"payments secretsmanager:DeleteSecret explicitDeny resource policy of prod/payments/db statement 1",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("WhoCan:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	_, err = s.WhoCan(ctx, "prod/missing", []string{"secretsmanager:GetSecretValue"})
	wantCode(t, err, backend.CodeResourceNotFound)
}
