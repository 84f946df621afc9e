package localtest

import (
	"context"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
)

// WireRules is the embedded store with the rule a served store applies on
// the wire: CreateSecret, PutSecretValue, UpdateSecret with a value and
// RotateSecret without a ClientRequestToken are refused, as AWS refuses
// them. In process the store makes a token up, as the SDKs do; a caller
// that may reach a served store without an SDK (the console, migrate) must
// send one on every write, and a test hands it this to prove it does.
type WireRules struct{ *local.Store }

func (w WireRules) CreateSecret(ctx context.Context, in *backend.CreateSecretInput) (*backend.CreateSecretOutput, error) {
	if err := backend.TokenRequired("CreateSecret", in.ClientRequestToken, true); err != nil {
		return nil, err
	}
	return w.Store.CreateSecret(ctx, in)
}

func (w WireRules) PutSecretValue(ctx context.Context, in *backend.PutSecretValueInput) (*backend.PutSecretValueOutput, error) {
	if err := backend.TokenRequired("PutSecretValue", in.ClientRequestToken, true); err != nil {
		return nil, err
	}
	return w.Store.PutSecretValue(ctx, in)
}

func (w WireRules) UpdateSecret(ctx context.Context, in *backend.UpdateSecretInput) (*backend.UpdateSecretOutput, error) {
	if err := backend.TokenRequired("UpdateSecret", in.ClientRequestToken, in.SecretString != nil || in.SecretBinary != nil); err != nil {
		return nil, err
	}
	return w.Store.UpdateSecret(ctx, in)
}

func (w WireRules) RotateSecret(ctx context.Context, in *backend.RotateSecretInput) (*backend.RotateSecretOutput, error) {
	return w.RotateSecretProgress(ctx, in, nil)
}

func (w WireRules) RotateSecretProgress(ctx context.Context, in *backend.RotateSecretInput, progress func(backend.RotationProgress)) (*backend.RotateSecretOutput, error) {
	if err := backend.TokenRequired("RotateSecret", in.ClientRequestToken, false); err != nil {
		return nil, err
	}
	return w.Store.RotateSecretProgress(ctx, in, progress)
}
