package rotation_test

import (
	"context"
	"errors"
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/aws"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/local/localtest"
	"github.com/secretary-sh/secretary/backend/rotation"
)

// servedRotator is the embedded store behind `secretary serve`'s handler on
// a loopback socket, reached with the AWS SDK, as an application would.
func servedRotator(t *testing.T) backend.Backend {
	t.Helper()
	sv := localtest.Serve(t, localtest.NewStoreWith(t, local.Options{Actor: "served-test"}))
	b, err := aws.New(context.Background(), aws.Config{Region: sv.Region, EndpointURL: sv.Endpoint,
		Credentials: sv.Credentials(), MaxAttempts: 1})
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
