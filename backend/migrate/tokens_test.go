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
