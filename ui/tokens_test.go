package ui

import (
	"context"
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local/localtest"
)

func TestConsoleWritesCarryAClientRequestToken(t *testing.T) {
	s, clk, _ := newStore(t)
	fill(t, s, clk, fixtureSecrets())
	h := newHarness(t, Config{Backend: localtest.WireRules{Store: s}}, 120, 40)
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
