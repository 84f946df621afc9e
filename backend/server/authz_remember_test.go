package server

import (
	"context"
	"crypto/rand"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
)

// A read serve remembers as allowed is remembered for exactly that read:
// a policy that allows only AWSCURRENT still refuses AWSPREVIOUS after the
// current version was read, every denial is audited each time, and a
// resource policy's deny put after the read applies within the caches'
// second.
func TestRememberedReadsStayExact(t *testing.T) {
	ctx := context.Background()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	st, err := local.Init(ctx, filepath.Join(t.TempDir(), "store.db"), local.Credential{Key: key}, local.Options{Actor: "test@host"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, v := range []string{"v1", "v2"} {
		if v == "v1" {
			_, err = st.CreateSecret(ctx, &backend.CreateSecretInput{Name: "prod/payments/db", SecretString: &v})
		} else {
			_, err = st.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "prod/payments/db", SecretString: &v})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.CreateUser(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	if err := st.PutPrincipalPolicy(ctx, local.KindUser, "app", "current", `{"Version":"2012-10-17","Statement":[{"Sid":"Current","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"secretsmanager:VersionStage":"AWSCURRENT"}}}]}`); err != nil {
		t.Fatal(err)
	}
	k, err := st.CreateUserAccessKey(ctx, "app", "app")
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(st, Options{Keys: st, Policies: st, Region: st.Info().Region})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := sdkClientIn(t, srv.URL, st.Info().Region, k.ID, k.Secret)

	for range 3 {
		v, err := c.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/payments/db"})
		if err != nil || *v.SecretString != "v2" {
			t.Fatalf("read AWSCURRENT: %v %v", v, err)
		}
	}
	for range 2 {
		_, err := c.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/payments/db", VersionStage: "AWSPREVIOUS"})
		if backend.Code(err) != backend.CodeAccessDenied {
			t.Fatalf("read AWSPREVIOUS after AWSCURRENT: %v, want AccessDeniedException", err)
		}
	}
	recs, err := st.AuditLog(ctx, backend.AuditQuery{SecretID: "prod/payments/db"})
	if err != nil {
		t.Fatal(err)
	}
	denials := 0
	for _, r := range recs {
		if r.ErrorCode == backend.CodeAccessDenied {
			denials++
		}
	}
	if denials != 2 {
		t.Fatalf("%d denials audited, want 2", denials)
	}

	if _, err := st.PutResourcePolicy(ctx, &backend.PutResourcePolicyInput{SecretID: "prod/payments/db",
		ResourcePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:user/app"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * authzCacheTTL)
	for {
		_, err := c.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/payments/db"})
		if backend.Code(err) == backend.CodeAccessDenied {
			break
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("read after the resource policy's deny, %v later: %v", 3*authzCacheTTL, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
