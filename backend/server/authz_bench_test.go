package server

import (
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
)

// BenchmarkServeGetSecretValueAuthorized is BenchmarkServeGetSecretValue
// with keys from the store, with access control off (the baseline), on for
// a key made without a user (the built-in administrator, one allow-all
// statement), and on for a user with 20 policies of 10 statements, the last
// of which allows the read.
func BenchmarkServeGetSecretValueAuthorized(b *testing.B) {
	for _, who := range []string{"off", "administrator", "user-20x10"} {
		b.Run(who, func(b *testing.B) {
			ctx := context.Background()
			key := make([]byte, 32)
			if _, err := rand.Read(key); err != nil {
				b.Fatal(err)
			}
			st, err := local.Init(ctx, filepath.Join(b.TempDir(), "store.db"), local.Credential{Key: key}, local.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			value := `{"user":"app","password":"correct horse battery staple"}`
			if _, err := st.CreateSecret(ctx, &backend.CreateSecretInput{Name: "prod/payments/postgres", SecretString: &value,
				Tags: []backend.Tag{{Key: "team", Value: "payments"}}}); err != nil {
				b.Fatal(err)
			}
			var k *local.NewAccessKey
			if who == "user-20x10" {
				k, err = benchUser(ctx, st)
			} else {
				k, err = st.CreateAccessKey(ctx, "bench")
			}
			if err != nil {
				b.Fatal(err)
			}
			opts := Options{Keys: st, Policies: st}
			if who == "off" {
				opts.Policies = nil
			}
			h, err := New(st, opts)
			if err != nil {
				b.Fatal(err)
			}
			endpoint := runHandler(b, h)
			benchGet(b, endpoint, k.ID, k.Secret, "correct horse")
		})
	}
}

// benchUser makes a user in 20 groups, each with one inline policy of 10
// statements (IAM's 5,120-character budget per group keeps policies of this
// size apart), only the very last statement allowing the benchmark's read.
func benchUser(ctx context.Context, st *local.Store) (*local.NewAccessKey, error) {
	if _, err := st.CreateUser(ctx, "bench"); err != nil {
		return nil, err
	}
	for g := 0; g < 20; g++ {
		group := fmt.Sprintf("g%d", g)
		if _, err := st.CreateGroup(ctx, group); err != nil {
			return nil, err
		}
		if err := st.AddUserToGroup(ctx, group, "bench"); err != nil {
			return nil, err
		}
	}
	for p := 0; p < 20; p++ {
		var stmts []string
		for s := 0; s < 10; s++ {
			stmts = append(stmts, fmt.Sprintf(`{"Sid":"P%dS%d","Effect":"Allow","Action":"secretsmanager:Describe*","Resource":"arn:aws:secretsmanager:*:*:secret:team%d/*","Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"other"}}}`, p, s, s))
		}
		if p == 19 {
			stmts[9] = `{"Sid":"Read","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:*:*:secret:prod/payments/*","Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"payments"}}}`
		}
		doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
		if err := st.PutPrincipalPolicy(ctx, local.KindGroup, fmt.Sprintf("g%d", p), fmt.Sprintf("p%02d", p), doc); err != nil {
			return nil, err
		}
	}
	return st.CreateUserAccessKey(ctx, "bench", "bench")
}

// runHandler serves h with Run on loopback until the benchmark ends.
func runHandler(b *testing.B, h *Handler) string {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	endpoint := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Config{Handler: h, Ready: func(e string) { endpoint <- e }}) }()
	b.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case e := <-endpoint:
		return e
	case err := <-done:
		b.Fatalf("Run: %v", err)
	}
	return ""
}
