package migrate

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/aws"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/local/localtest"
)

var cheapKDF = localtest.CheapKDF

// newStore creates an embedded store in a fresh SQLite file.
func newStore(t testing.TB) *local.Store {
	t.Helper()
	return localtest.NewStoreWith(t, local.Options{Actor: "migrate-test"}).Store
}

// serve serves st over the Secrets Manager API on loopback and returns an
// AWS backend (the real SDK) pointed at it.
func serve(t testing.TB, st backend.Backend) *aws.Backend {
	t.Helper()
	return serveWith(t, st, nil)
}

// serveWith is serve with the handler wrapped (to count requests).
func serveWith(t testing.TB, st backend.Backend, wrap func(http.Handler) http.Handler) *aws.Backend {
	t.Helper()
	sv := localtest.ServeWith(t, st, localtest.ServeOptions{Wrap: wrap})
	b, err := aws.New(context.Background(), aws.Config{Region: sv.Region, EndpointURL: sv.Endpoint, Credentials: sv.Credentials()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func str(s string) *string { return &s }

func vid(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// populate writes histories that exercise every label placement rule:
// deprecated versions, a rollback (AWSCURRENT older than AWSPREVIOUS),
// AWSPENDING alone and on the current version, custom labels, binary
// values, tags, a secret without a value, and one scheduled for deletion.
func populate(t *testing.T, b backend.Backend) {
	t.Helper()
	f := localtest.Seed(t, b)
	// Plain history: v1 deprecated, v2 AWSPREVIOUS+blue, v3 AWSCURRENT.
	f.Create(backend.CreateSecretInput{Name: "app/plain", Description: "three versions", Tags: []backend.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "core"}}, SecretString: str("one"), ClientRequestToken: vid(1)})
	f.Put("app/plain", vid(2), "two")
	f.Put("app/plain", vid(3), "three")
	f.Move("app/plain", "blue", vid(2), "")
	// Rollback: AWSCURRENT on v4, AWSPREVIOUS on the newer v5.
	f.Create(backend.CreateSecretInput{Name: "app/rolled-back", SecretString: str("four"), ClientRequestToken: vid(4)})
	f.Put("app/rolled-back", vid(5), "five")
	f.Move("app/rolled-back", backend.StageCurrent, vid(4), vid(5))
	// A rotation left mid-way: AWSPENDING alone on the newest version.
	f.Create(backend.CreateSecretInput{Name: "db/pending", Description: "pending rotation", SecretString: str(`{"password":"a"}`), ClientRequestToken: vid(6)})
	f.Put("db/pending", vid(7), `{"password":"b"}`, backend.StagePending)
	// AWSCURRENT and AWSPENDING together, no AWSPREVIOUS, v8 deprecated.
	f.Create(backend.CreateSecretInput{Name: "db/finished", SecretString: str("x"), ClientRequestToken: vid(8)})
	f.Put("db/finished", vid(9), "y", backend.StagePending)
	f.Move("db/finished", backend.StageCurrent, vid(9), vid(8))
	f.Move("db/finished", backend.StagePrevious, "", vid(8))
	// Binary value and many deprecated versions.
	f.Create(backend.CreateSecretInput{Name: "tls/cert", SecretBinary: []byte{0, 1, 2, 0xff}, ClientRequestToken: vid(10), Tags: []backend.Tag{{Key: "kind", Value: "pem"}}})
	for i := 11; i < 15; i++ {
		if _, err := b.PutSecretValue(context.Background(), &backend.PutSecretValueInput{SecretID: "tls/cert", ClientRequestToken: vid(i), SecretBinary: []byte{byte(i), 0}}); err != nil {
			t.Fatal(err)
		}
	}
	// No value at all.
	f.Create(backend.CreateSecretInput{Name: "empty/one", Description: "no value yet"})
	// Scheduled for deletion: listed only with IncludePlannedDeletion.
	f.Create(backend.CreateSecretInput{Name: "old/gone", SecretString: str("bye")})
	if _, err := b.DeleteSecret(context.Background(), &backend.DeleteSecretInput{SecretID: "old/gone"}); err != nil {
		t.Fatal(err)
	}
}

// snapshot is everything the tests compare, read independently of the code
// under test: per secret, description, tags and every version's labels and
// value.
type snapshot map[string]secretSnap

type secretSnap struct {
	Description string
	Tags        []backend.Tag
	Versions    map[string]versionSnap
}

type versionSnap struct {
	Stages []string
	Value  string
}

func take(t *testing.T, b backend.Backend, deprecated bool) snapshot {
	t.Helper()
	ctx := context.Background()
	out := snapshot{}
	tok := ""
	for {
		page, err := b.ListSecrets(ctx, &backend.ListSecretsInput{MaxResults: 100, NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.Secrets {
			tags := slices.Clone(m.Tags)
			sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
			s := secretSnap{Description: m.Description, Tags: tags, Versions: map[string]versionSnap{}}
			vs, err := b.ListSecretVersionIds(ctx, &backend.ListSecretVersionIdsInput{SecretID: m.Name, IncludeDeprecated: deprecated})
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs.Versions {
				val, err := b.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: m.Name, VersionID: v.VersionID})
				if err != nil {
					t.Fatal(err)
				}
				st := slices.Clone(v.VersionStages)
				sort.Strings(st)
				value := fmt.Sprintf("bin:%x", val.SecretBinary)
				if val.SecretString != nil {
					value = "str:" + *val.SecretString
				}
				s.Versions[v.VersionID] = versionSnap{Stages: st, Value: value}
			}
			out[m.Name] = s
		}
		if page.NextToken == "" {
			return out
		}
		tok = page.NextToken
	}
}

func sameSnapshot(t *testing.T, what string, got, want snapshot) {
	t.Helper()
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("%s: %s missing", what, name)
			continue
		}
		if g.Description != w.Description || !slices.Equal(g.Tags, w.Tags) {
			t.Errorf("%s: %s metadata = %q %v, want %q %v", what, name, g.Description, g.Tags, w.Description, w.Tags)
		}
		for id, wv := range w.Versions {
			gv, ok := g.Versions[id]
			switch {
			case !ok:
				t.Errorf("%s: %s version %s missing", what, name, id)
			case !slices.Equal(gv.Stages, wv.Stages):
				t.Errorf("%s: %s version %s labels %v, want %v", what, name, id, gv.Stages, wv.Stages)
			case gv.Value != wv.Value:
				t.Errorf("%s: %s version %s has another value", what, name, id)
			}
		}
		for id := range g.Versions {
			if _, ok := w.Versions[id]; !ok {
				t.Errorf("%s: %s has an extra version %s", what, name, id)
			}
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: extra secret %s", what, name)
		}
	}
}

func wantOK(t *testing.T, rep *Report, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		for _, r := range rep.Results {
			if r.Outcome == Failed || r.Outcome == Conflict || len(r.Diffs) > 0 {
				t.Errorf("%s: %s %v %v (steps %v)", r.Name, r.Outcome, r.Err, r.Diffs, r.Steps)
			}
		}
		t.Fatal("migration not OK")
	}
}
