package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
)

var cheapKDF = &local.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

func TestUnlockShowsErrorAndRetries(t *testing.T) {
	s, clk, path := newStore(t)
	fill(t, s, clk, fixtureSecrets()[:2])
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tries := 0
	h := newHarness(t, Config{
		Location: path,
		Unlock: func(ctx context.Context, pass []byte) (backend.Backend, error) {
			tries++
			st, err := local.Open(ctx, path, local.Credential{Passphrase: pass}, local.Options{})
			if err != nil {
				return nil, err
			}
			t.Cleanup(func() { st.Close() })
			return st, nil
		},
	}, 80, 24)
	if v := h.view(); !strings.Contains(v, "Unlock the store") || !strings.Contains(v, path) {
		t.Fatalf("no unlock screen:\n%s", v)
	}
	h.typeText("wrong passphrase")
	if strings.Contains(h.view(), "wrong passphrase") {
		t.Fatal("the passphrase is echoed")
	}
	h.press("enter")
	if v := h.view(); !strings.Contains(v, "does not unlock") {
		t.Fatalf("wrong passphrase not explained:\n%s", v)
	}
	if _, ok := h.m.top().(*unlockPage); !ok {
		t.Fatal("a wrong passphrase left the unlock screen")
	}
	h.typeText(testPassphrase)
	h.press("enter")
	if tries != 2 {
		t.Fatalf("%d unlock attempts, want 2", tries)
	}
	if _, ok := h.m.top().(*listPage); !ok || len(h.listNames()) != 2 {
		t.Fatalf("after unlocking: %T\n%s", h.m.top(), h.view())
	}
}

func TestFirstRunWithPassphraseTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	var got []byte
	h := newHarness(t, Config{
		Location:  path,
		NeedsInit: true,
		Init: func(ctx context.Context, pass []byte, keyFile string) (backend.Backend, error) {
			got = append([]byte(nil), pass...)
			st, err := local.Init(ctx, path, local.Credential{Passphrase: pass}, local.Options{KDF: cheapKDF})
			if err != nil {
				return nil, err
			}
			t.Cleanup(func() { st.Close() })
			return st, nil
		},
	}, 80, 24)
	if !strings.Contains(h.view(), "Create a new store") {
		t.Fatalf("no first-run screen:\n%s", h.view())
	}
	h.typeText("one")
	h.press("enter")
	h.typeText("two")
	h.press("enter")
	if !strings.Contains(h.view(), "differ") || got != nil {
		t.Fatalf("mismatched passphrases accepted:\n%s", h.view())
	}
	h.typeText("same words")
	h.press("enter")
	h.typeText("same words")
	h.press("enter")
	if string(got) != "same words" {
		t.Fatalf("Init got %q", got)
	}
	if _, ok := h.m.top().(*listPage); !ok || !strings.Contains(h.view(), "No secrets yet") {
		t.Fatalf("after creating the store:\n%s", h.view())
	}
}

func TestFirstRunWithKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "store.db")
	var gotFile string
	h := newHarness(t, Config{
		Location:  path,
		NeedsInit: true,
		Init: func(ctx context.Context, pass []byte, keyFile string) (backend.Backend, error) {
			gotFile = keyFile
			if err := local.GenerateKeyFile(keyFile); err != nil {
				return nil, err
			}
			st, err := local.Init(ctx, path, local.Credential{KeyFile: keyFile}, local.Options{})
			if err != nil {
				return nil, err
			}
			t.Cleanup(func() { st.Close() })
			return st, nil
		},
	}, 80, 24)
	h.press("tab", "tab") // past the second passphrase field: switch to key file
	if !strings.Contains(h.view(), "Key file:") {
		t.Fatalf("tab did not offer a key file:\n%s", h.view())
	}
	h.press("enter")
	if gotFile != filepath.Join(dir, "store.key") {
		t.Fatalf("key file %q", gotFile)
	}
	fi, err := os.Stat(gotFile)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", err, fi)
	}
	if _, ok := h.m.top().(*listPage); !ok {
		t.Fatalf("after creating the store: %T", h.m.top())
	}
}
