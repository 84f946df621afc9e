package rotation_test

import (
	"context"
	"crypto/rand"
	"errors"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/aws"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/rotation"
	"github.com/secretary-sh/secretary/backend/server"
)

type oneKey struct{ id, secret string }

func (k oneKey) SecretKey(_ context.Context, id string) ([]byte, error) {
	if id != k.id {
		return nil, backend.Errorf(backend.CodeResourceNotFound, "no access key %s", id)
	}
	return []byte(k.secret), nil
}

// servedRotator is the embedded store behind `secretary serve`'s handler on
// a loopback socket, reached with the AWS SDK, as an application would.
func servedRotator(t *testing.T) backend.Backend {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	st, err := local.Init(context.Background(), filepath.Join(t.TempDir(), "store.db"), local.Credential{Key: key}, local.Options{Actor: "served-test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	k := oneKey{"SCRTROTATIONTEST0001", "rotation-test-secret-key-0123456789abcdef"}
	h, err := server.New(st, server.Options{Keys: k})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	endpoint, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- server.Run(ctx, server.Config{Handler: h, Ready: func(e string) { endpoint <- e }}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	var url string
	select {
	case url = <-endpoint:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	b, err := aws.New(context.Background(), aws.Config{Region: "local", EndpointURL: url,
		Credentials: credentials.NewStaticCredentialsProvider(k.id, k.secret, ""), MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// RotateSecret and CancelRotateSecret through the SDK reach the store's
// rotation, and DescribeSecret carries the rotation fields back.
func TestRotationThroughServedStore(t *testing.T) {
	ctx := context.Background()
	b := servedRotator(t)
	r, ok := b.(backend.Rotator)
	if !ok {
		t.Fatal("the AWS backend is not a Rotator")
	}
	val := `{"username":"svc","password":"Old-Password-1"}`
	created, err := b.CreateSecret(ctx, &backend.CreateSecretInput{Name: "served/app", SecretString: &val})
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "served/app", RotationLambdaARN: "password?keys=password",
		RotationRules: &backend.RotationRules{ScheduleExpression: "rate(7 days)"}})
	if err != nil {
		t.Fatal(err)
	}
	meta, err := b.DescribeSecret(ctx, "served/app")
	if err != nil {
		t.Fatal(err)
	}
	if !meta.RotationEnabled || meta.RotationLambdaARN != "password?keys=password" || meta.RotationRules == nil ||
		meta.RotationRules.ScheduleExpression != "rate(7 days)" || meta.LastRotatedDate.IsZero() || meta.NextRotationDate.IsZero() {
		t.Fatalf("DescribeSecret through the SDK: %+v", meta)
	}
	if rotation.CurrentVersion(meta) != out.VersionID || len(meta.VersionIdsToStages[created.VersionID]) != 1 ||
		meta.VersionIdsToStages[created.VersionID][0] != backend.StagePrevious {
		t.Fatalf("labels after rotation: %v (rotated to %s)", meta.VersionIdsToStages, out.VersionID)
	}

	// The start rule's refusal travels as AWS sends it.
	pend := "Pending-By-Hand"
	if _, err := b.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "served/app", SecretString: &pend,
		ClientRequestToken: "cccccccc-3333-4333-8333-cccccccccccc", VersionStages: []string{backend.StagePending}}); err != nil {
		t.Fatal(err)
	}
	_, err = r.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "served/app"})
	if !errors.Is(err, backend.RotationInProgressError()) {
		t.Fatalf("a second rotation through the SDK: %v", err)
	}
	c, err := r.CancelRotateSecret(ctx, "served/app")
	if err != nil {
		t.Fatal(err)
	}
	if c.VersionID != "cccccccc-3333-4333-8333-cccccccccccc" {
		t.Fatalf("CancelRotateSecret through the SDK: %+v", c)
	}
	if meta, err = b.DescribeSecret(ctx, "served/app"); err != nil || meta.RotationEnabled || meta.RotationRules == nil {
		t.Fatalf("after cancel: %+v, %v", meta, err)
	}
}
