package migrate

import (
	"context"
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
)

// wireStore is the embedded store with the rule a served store applies on
// the wire: the calls that may create a version are refused without a
// ClientRequestToken, as AWS refuses them. A migration's target may be a
// served store reached without an SDK to fill tokens in, so every write
// must carry one.
type wireStore struct{ *local.Store }

func (w wireStore) CreateSecret(ctx context.Context, in *backend.CreateSecretInput) (*backend.CreateSecretOutput, error) {
	if err := backend.TokenRequired("CreateSecret", in.ClientRequestToken, true); err != nil {
		return nil, err
	}
	return w.Store.CreateSecret(ctx, in)
}

func (w wireStore) PutSecretValue(ctx context.Context, in *backend.PutSecretValueInput) (*backend.PutSecretValueOutput, error) {
	if err := backend.TokenRequired("PutSecretValue", in.ClientRequestToken, true); err != nil {
		return nil, err
	}
	return w.Store.PutSecretValue(ctx, in)
}

func (w wireStore) UpdateSecret(ctx context.Context, in *backend.UpdateSecretInput) (*backend.UpdateSecretOutput, error) {
	if err := backend.TokenRequired("UpdateSecret", in.ClientRequestToken, in.SecretString != nil || in.SecretBinary != nil); err != nil {
		return nil, err
	}
	return w.Store.UpdateSecret(ctx, in)
}

func (w wireStore) RotateSecret(ctx context.Context, in *backend.RotateSecretInput) (*backend.RotateSecretOutput, error) {
	return w.RotateSecretProgress(ctx, in, nil)
}

func (w wireStore) RotateSecretProgress(ctx context.Context, in *backend.RotateSecretInput, progress func(backend.RotationProgress)) (*backend.RotateSecretOutput, error) {
	if err := backend.TokenRequired("RotateSecret", in.ClientRequestToken, false); err != nil {
		return nil, err
	}
	return w.Store.RotateSecretProgress(ctx, in, progress)
}

// TestEveryWriteCarriesAClientRequestToken: secrets and their histories
// reach a target that refuses writes without a token.
func TestEveryWriteCarriesAClientRequestToken(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	populate(t, src)
	dst := newStore(t)
	opts := SourceOptions{IncludeDeprecated: true}
	rep, err := Migrate(ctx, NewBackendSource(src, opts), wireStore{dst}, Options{})
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
	steps := rotationSteps(wireStore{dst}, newMeter(0), s, &targetState{exists: true, meta: &backend.SecretMetadata{}}, &Result{})
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
