package migrate

import (
	"context"
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local/localtest"
)

// TestEveryWriteCarriesAClientRequestToken: secrets and their histories
// reach a target that refuses writes without a token.
func TestEveryWriteCarriesAClientRequestToken(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	populate(t, src)
	dst := newStore(t)
	opts := SourceOptions{IncludeDeprecated: true}
	rep, err := Migrate(ctx, NewBackendSource(src, opts), localtest.WireRules{Store: dst}, Options{})
	wantOK(t, rep, err)
	want := take(t, src, true)
	delete(want, "old/gone") // scheduled for deletion: not carried
	sameSnapshot(t, "copy", take(t, dst, true), want)
}

// TestRotationStepCarriesAClientRequestToken: the step that carries a
// rotation configuration to the target sends a token too.
func TestRotationStepCarriesAClientRequestToken(t *testing.T) {
	ctx := context.Background()
	dst := newStore(t)
	if _, err := dst.CreateSecret(ctx, &backend.CreateSecretInput{Name: "app/rotated", SecretString: str("pw"), ClientRequestToken: vid(900)}); err != nil {
		t.Fatal(err)
	}
	s := &Secret{Name: "app/rotated", RotationEnabled: true, RotationLambdaARN: "password",
		RotationRules: &backend.RotationRules{AutomaticallyAfterDays: 30}}
	steps := rotationSteps(localtest.WireRules{Store: dst}, newMeter(0), s, &targetState{exists: true, meta: &backend.SecretMetadata{}}, &Result{})
	if len(steps) != 1 {
		t.Fatalf("%d rotation steps, want 1", len(steps))
	}
	if err := steps[0].run(ctx); err != nil {
		t.Fatalf("%s: %v", steps[0].desc, err)
	}
	m, err := dst.DescribeSecret(ctx, "app/rotated")
	if err != nil || !m.RotationEnabled || m.RotationLambdaARN != "password" {
		t.Fatalf("rotation not configured: %+v %v", m, err)
	}
}
