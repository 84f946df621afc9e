package ui

import (
	"context"
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
)

// wireStore is the embedded store with the rule a served store applies on
// the wire: CreateSecret, PutSecretValue, UpdateSecret with a value and
// RotateSecret without a ClientRequestToken are refused, as AWS refuses
// them. The console talks to served stores and to AWS, so every write it
// makes must carry a token, not rely on an SDK or the store to make one.
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

func TestConsoleWritesCarryAClientRequestToken(t *testing.T) {
	s, clk, _ := newStore(t)
	fill(t, s, clk, fixtureSecrets())
	h := newHarness(t, Config{Backend: wireStore{s}}, 120, 40)
	ctx := context.Background()

	t.Run("saving an edited value", func(t *testing.T) {
		name := "dev/cart/redis"
		h.openDetail(name)
		h.press("e")
		h.typeText("-2")
		h.press("ctrl+s", "y")
		v, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name})
		if err != nil || *v.SecretString != "redis-token-dev-2" {
			t.Fatalf("the edit was not saved (%v):\n%s", err, h.view())
		}
		h.press("esc")
	})
	t.Run("creating a secret", func(t *testing.T) {
		h.press("n")
		h.typeText("prod/new/api-key")
		h.press("tab", "tab", "tab", "tab", "right", "tab")
		h.typeText("tok-123")
		h.press("ctrl+s")
		v, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/new/api-key"})
		if err != nil || *v.SecretString != "tok-123" {
			t.Fatalf("the secret was not created (%v):\n%s", err, h.view())
		}
	})
}
