package aws

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/local/localtest"
	"github.com/secretary-sh/secretary/backend/server"
)

// TestAccessControlThroughServe serves a store with access control to two
// clients using the real SDK: an administrator (a key made without a user,
// as every key made before principals existed) and a user limited to
// reading prod/payments/* secrets tagged team=payments. Every operation is
// tried by both; denials are AWS's AccessDeniedException with its message,
// BatchGetSecretValue reports per-secret denials, and denials are audited.
func TestAccessControlThroughServe(t *testing.T) {
	ctx := context.Background()
	st := localtest.NewStore(t)
	adminKey, err := st.CreateAccessKey(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "payments"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateGroup(ctx, "payments-readers"); err != nil {
		t.Fatal(err)
	}
	if err := st.AddUserToGroup(ctx, "payments-readers", "payments"); err != nil {
		t.Fatal(err)
	}
	read := `{"Version":"2012-10-17","Statement":[
		{"Sid":"ReadPaymentsByTag","Effect":"Allow","Action":["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret"],
		 "Resource":"arn:aws:secretsmanager:*:*:secret:prod/payments/*","Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"payments"}}},
		{"Sid":"BatchAndList","Effect":"Allow","Action":["secretsmanager:BatchGetSecretValue","secretsmanager:ListSecrets"],"Resource":"*"}]}`
	if err := st.PutPrincipalPolicy(ctx, local.KindGroup, "payments-readers", "read", read); err != nil {
		t.Fatal(err)
	}
	noPrevious := `{"Version":"2012-10-17","Statement":[{"Sid":"OnlyCurrent","Effect":"Deny","Action":"secretsmanager:GetSecretValue","Resource":"*",
		"Condition":{"StringNotEquals":{"secretsmanager:VersionStage":"AWSCURRENT"}}}]}`
	if err := st.PutPrincipalPolicy(ctx, local.KindUser, "payments", "only-current", noPrevious); err != nil {
		t.Fatal(err)
	}
	userKey, err := st.CreateUserAccessKey(ctx, "payments", "payments app")
	if err != nil {
		t.Fatal(err)
	}

	url := localtest.ServeWith(t, st, localtest.ServeOptions{Server: server.Options{Keys: st, Policies: st}}).Endpoint
	client := func(id, secret string) *Backend {
		b, err := New(ctx, Config{Region: "local", EndpointURL: url, Credentials: credentials.NewStaticCredentialsProvider(id, secret, "")})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	}
	admin, user := client(adminKey.ID, adminKey.Secret), client(userKey.ID, userKey.Secret)

	create := func(name, team string) *backend.CreateSecretOutput {
		t.Helper()
		out, err := admin.CreateSecret(ctx, &backend.CreateSecretInput{Name: name, SecretString: strp("v-" + name), Tags: []backend.Tag{{Key: "team", Value: team}}})
		if err != nil {
			t.Fatalf("administrator CreateSecret %s: %v", name, err)
		}
		return out
	}
	db := create("prod/payments/db", "payments")
	create("prod/payments/web", "web")
	create("prod/billing/db", "payments")
	if _, err := admin.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: db.ARN, SecretString: strp("v2")}); err != nil {
		t.Fatal(err)
	}

	const userARN = "arn:aws:iam::000000000000:user/payments"
	denied := func(what string, err error, action, resource, why string) {
		t.Helper()
		want := "User: " + userARN + " is not authorized to perform: secretsmanager:" + action + " on resource: " + resource + " " + why
		if backend.Code(err) != backend.CodeAccessDenied || backend.Message(err) != want {
			t.Errorf("%s: got %v\n want AccessDeniedException: %s", what, err, want)
		}
	}
	noAllow := func(action string) string {
		return "because no identity-based policy allows the secretsmanager:" + action + " action"
	}

	// The limited user: reads only its tagged secrets, only AWSCURRENT.
	if v, err := user.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/payments/db"}); err != nil || *v.SecretString != "v2" {
		t.Fatalf("user GetSecretValue of its secret: %v", err)
	}
	if _, err := user.DescribeSecret(ctx, db.ARN); err != nil {
		t.Fatalf("user DescribeSecret: %v", err)
	}
	_, err = user.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/payments/db", VersionStage: "AWSPREVIOUS"})
	denied("AWSPREVIOUS", err, "GetSecretValue", "prod/payments/db", "with an explicit deny in an identity-based policy")
	_, err = user.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/payments/web"})
	denied("other team", err, "GetSecretValue", "prod/payments/web", noAllow("GetSecretValue"))
	_, err = user.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/billing/db"})
	denied("other prefix", err, "GetSecretValue", "prod/billing/db", noAllow("GetSecretValue"))
	_, err = user.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/payments/missing"})
	denied("missing secret, untagged", err, "GetSecretValue", "prod/payments/missing", noAllow("GetSecretValue"))
	_, err = user.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "prod/payments/db", SecretString: strp("x")})
	denied("PutSecretValue", err, "PutSecretValue", "prod/payments/db", noAllow("PutSecretValue"))
	_, err = user.CreateSecret(ctx, &backend.CreateSecretInput{Name: "prod/payments/new", SecretString: strp("x")})
	denied("CreateSecret", err, "CreateSecret", "prod/payments/new", noAllow("CreateSecret"))
	_, err = user.DeleteSecret(ctx, &backend.DeleteSecretInput{SecretID: "prod/payments/db"})
	denied("DeleteSecret", err, "DeleteSecret", "prod/payments/db", noAllow("DeleteSecret"))
	err = user.TagResource(ctx, &backend.TagResourceInput{SecretID: "prod/payments/db", Tags: []backend.Tag{{Key: "team", Value: "x"}}})
	denied("TagResource", err, "TagResource", "prod/payments/db", noAllow("TagResource"))
	_, err = user.UpdateSecret(ctx, &backend.UpdateSecretInput{SecretID: "prod/payments/db", Description: strp("d")})
	denied("UpdateSecret", err, "UpdateSecret", "prod/payments/db", noAllow("UpdateSecret"))
	_, err = user.ListSecretVersionIds(ctx, &backend.ListSecretVersionIdsInput{SecretID: "prod/payments/db"})
	denied("ListSecretVersionIds", err, "ListSecretVersionIds", "prod/payments/db", noAllow("ListSecretVersionIds"))
	_, err = user.PutResourcePolicy(ctx, &backend.PutResourcePolicyInput{SecretID: "prod/payments/db", ResourcePolicy: read})
	denied("PutResourcePolicy", err, "PutResourcePolicy", "prod/payments/db", noAllow("PutResourcePolicy"))
	_, err = user.GetRandomPassword(ctx, &backend.GetRandomPasswordInput{})
	denied("GetRandomPassword", err, "GetRandomPassword", "*", noAllow("GetRandomPassword"))
	// ListSecrets is all or nothing: the user may list, and sees every secret.
	list, err := user.ListSecrets(ctx, &backend.ListSecretsInput{})
	if err != nil || len(list.Secrets) != 3 {
		t.Fatalf("user ListSecrets: %v %v", list, err)
	}
	batch, err := user.BatchGetSecretValue(ctx, &backend.BatchGetSecretValueInput{SecretIDList: []string{"prod/payments/db", "prod/payments/web", "prod/billing/db"}})
	if err != nil {
		t.Fatalf("user BatchGetSecretValue: %v", err)
	}
	if len(batch.SecretValues) != 1 || batch.SecretValues[0].Name != "prod/payments/db" || len(batch.Errors) != 2 {
		t.Fatalf("BatchGetSecretValue: values %+v errors %+v", batch.SecretValues, batch.Errors)
	}
	for _, e := range batch.Errors {
		want := "User: " + userARN + " is not authorized to perform: secretsmanager:GetSecretValue on resource: " + e.SecretID + " " + noAllow("GetSecretValue")
		if e.ErrorCode != backend.CodeAccessDenied || e.Message != want || (e.SecretID != "prod/payments/web" && e.SecretID != "prod/billing/db") {
			t.Errorf("batch error %+v", e)
		}
	}

	// The administrator: everything, the user's refusals included.
	if _, err := admin.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/payments/db", VersionStage: "AWSPREVIOUS"}); err != nil {
		t.Fatalf("administrator AWSPREVIOUS: %v", err)
	}
	if err := admin.TagResource(ctx, &backend.TagResourceInput{SecretID: "prod/payments/web", Tags: []backend.Tag{{Key: "team", Value: "payments"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.GetRandomPassword(ctx, &backend.GetRandomPasswordInput{}); err != nil {
		t.Fatal(err)
	}
	batch, err = admin.BatchGetSecretValue(ctx, &backend.BatchGetSecretValueInput{SecretIDList: []string{"prod/payments/db", "prod/payments/web", "prod/billing/db"}})
	if err != nil || len(batch.SecretValues) != 3 || len(batch.Errors) != 0 {
		t.Fatalf("administrator BatchGetSecretValue: %+v %v", batch, err)
	}
	// A tag the administrator changed changes the user's access, once the
	// server's short-lived view of the secret (a second) has expired.
	eventually(t, "user GetSecretValue after tagging", func() error {
		_, err := user.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/payments/web"})
		return err
	})
	// A resource policy's explicit deny applies to the user.
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"Frozen","Effect":"Deny","Principal":{"AWS":"` + userARN + `"},"Action":"secretsmanager:*","Resource":"*"}]}`
	if _, err := admin.PutResourcePolicy(ctx, &backend.PutResourcePolicyInput{SecretID: "prod/payments/web", ResourcePolicy: deny}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the resource policy's deny", func() error {
		_, err := user.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/payments/web"})
		if backend.Code(err) != backend.CodeAccessDenied {
			return fmt.Errorf("still allowed: %v", err)
		}
		return nil
	})
	_, err = user.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/payments/web"})
	denied("resource deny", err, "GetSecretValue", "prod/payments/web", "with an explicit deny in a resource-based policy")

	// Every denial is in the audit log under the user's key.
	recs, err := st.AuditLog(ctx, backend.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.ErrorCode == backend.CodeAccessDenied {
			n++
			if r.Actor != userKey.ID || r.Outcome != "error" {
				t.Errorf("denial record %+v", r)
			}
		}
	}
	// 15 refusals above, and the resource policy's deny at least once more
	// while waiting for it.
	if want := 16; n < want {
		t.Errorf("%d denials audited, want at least %d", n, want)
	}
}

func strp(s string) *string { return &s }

// eventually retries check until it passes; the server's authorisation
// view lives a second, so five are plenty on a loaded machine.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
