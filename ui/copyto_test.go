package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

func TestCopySecretsShowsThePlanThenCopiesAndVerifies(t *testing.T) {
	s, clk, _ := newStore(t)
	fill(t, s, clk, fixtureSecrets())
	dst, _, _ := newStore(t)
	opened := 0
	open := func(ctx context.Context, path, keyFile string) (backend.Backend, error) {
		if path != "/srv/lab/store.db" || keyFile != "/srv/lab/store.key" {
			return nil, errors.New("no store at " + path)
		}
		opened++
		return dst, nil
	}
	h := newHarness(t, Config{Backend: s, OpenStore: open}, 120, 40)
	// Two secrets and one scheduled for deletion, which cannot be carried.
	h.press("x", "space", "space", "j", "space")
	h.press("C")
	if v := h.view(); !strings.Contains(v, "Copy 3 secrets") || !strings.Contains(v, "› a local store, by path…") {
		t.Fatalf("the copy screen:\n%s", v)
	}
	h.press("enter")
	h.typeText("/srv/lab/store.db")
	h.press("tab")
	h.typeText("/srv/lab/store.key")
	h.press("enter")
	v := h.view()
	for _, want := range []string{
		"Copy 3 secrets to the local store /srv/lab/store.db",
		"Plan (nothing written yet): 2 to copy · 0 already there · 0 conflicts · 1 not carried · 0 failed",
		"dev/cart/redis · planned · 1 version",
		"prod/legacy/old-api-key · not carried",
		"note: scheduled for deletion in the source",
		"y copies 2 secrets",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("the plan lacks %q:\n%s", want, v)
		}
	}
	if out, err := dst.ListSecrets(context.Background(), &backend.ListSecretsInput{}); err != nil || len(out.Secrets) != 0 {
		t.Fatalf("the plan wrote to the target: %v %v", out, err)
	}
	h.press("y")
	v = h.view()
	for _, want := range []string{"Copied: 2 created", "✓ verified: the target holds what was read (2 compared, 0 different)"} {
		if !strings.Contains(v, want) {
			t.Errorf("the report lacks %q:\n%s", want, v)
		}
	}
	for _, name := range []string{"dev/cart/redis", "prod/checkout/stripe-api-key"} {
		got, err := dst.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: name})
		if err != nil {
			t.Fatalf("%s not in the target: %v", name, err)
		}
		want, _ := s.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: name})
		if got.SecretString == nil || want == nil || *got.SecretString != *want.SecretString {
			t.Errorf("%s: value differs in the target", name)
		}
	}
	if opened != 1 {
		t.Fatalf("the target was opened %d times", opened)
	}
	h.press("esc")
	if _, ok := h.m.top().(*listPage); !ok {
		t.Fatal("esc did not go back to the list")
	}
}

func TestCopyTargetThatCannotBeOpenedIsSaid(t *testing.T) {
	s, clk, _ := newStore(t)
	fill(t, s, clk, fixtureSecrets())
	open := func(ctx context.Context, path, keyFile string) (backend.Backend, error) {
		return nil, errors.New("no secret store at " + path)
	}
	h := newHarness(t, Config{Backend: s, OpenStore: open}, 120, 40)
	h.press("C", "enter")
	h.typeText("/nowhere")
	h.press("enter")
	h.typeText("k")
	h.press("enter")
	h.wantStatus("cannot open the target: no secret store at /nowhere")
}
