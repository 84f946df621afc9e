package demo_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/demo"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/local/localtest"
)

func newStore(t testing.TB, clock *demo.Clock) *local.Store {
	t.Helper()
	opts := local.Options{}
	if clock != nil {
		opts.Now = clock.Now
	}
	return localtest.NewStoreWith(t, opts).Store
}

func TestPlanIsDeterministicAndUnique(t *testing.T) {
	a := demo.Plan(7, 5000)
	b := demo.Plan(7, 5000)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two different plans")
	}
	c := demo.Plan(8, 5000)
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds gave the same plan")
	}
	seen := map[string]bool{}
	for _, s := range a {
		if seen[s.Name] {
			t.Fatalf("name %s planned twice", s.Name)
		}
		seen[s.Name] = true
		if s.Versions < 1 || s.Versions > 4 {
			t.Fatalf("%s: %d versions", s.Name, s.Versions)
		}
		if strings.Count(s.Name, "/") != 2 {
			t.Fatalf("%s: want env/service/kind", s.Name)
		}
		keys := map[string]bool{}
		for _, tag := range s.Tags {
			keys[tag.Key] = true
		}
		for _, k := range []string{"env", "team", "owner", "cost-center"} {
			if !keys[k] {
				t.Fatalf("%s: missing tag %s", s.Name, k)
			}
		}
	}
}

func TestFillCreatesTheEstate(t *testing.T) {
	ctx := context.Background()
	clock := &demo.Clock{}
	s := newStore(t, clock)
	const n = 600
	st, err := demo.Fill(ctx, s, demo.Options{Secrets: n, Seed: 3, Chunk: 128, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	plan := demo.Plan(3, n)
	var wantVersions, wantDeleted, wantLabeled int
	for _, p := range plan {
		wantVersions += p.Versions
		if p.DeleteInDays > 0 {
			wantDeleted++
		}
		if p.Label != "" {
			wantLabeled++
		}
	}
	if st.Secrets != n || st.Versions != wantVersions || st.Scheduled != wantDeleted || st.Labeled != wantLabeled {
		t.Fatalf("stats %+v, want %d secrets, %d versions, %d scheduled, %d labeled", st, n, wantVersions, wantDeleted, wantLabeled)
	}
	if wantDeleted == 0 || wantLabeled == 0 {
		t.Fatalf("seed 3 should plan some deletions and labels: %+v", st)
	}
	// Every secret is there; scheduled ones only with IncludePlannedDeletion.
	var all, active []backend.SecretMetadata
	if err := s.StreamSecrets(ctx, &backend.ListSecretsInput{IncludePlannedDeletion: true}, func(b []backend.SecretMetadata) error {
		all = append(all, b...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.StreamSecrets(ctx, &backend.ListSecretsInput{}, func(b []backend.SecretMetadata) error {
		active = append(active, b...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(all) != n || len(active) != n-wantDeleted {
		t.Fatalf("listed %d (active %d), want %d (active %d)", len(all), len(active), n, n-wantDeleted)
	}
	// Some secrets rotate on a schedule (600/40 = 15), none was rotated
	// yet, and each has a next date in the future.
	var rotating int
	for _, m := range all {
		if !m.RotationEnabled {
			continue
		}
		rotating++
		if m.RotationRules == nil || m.NextRotationDate.Before(time.Now()) || !m.LastRotatedDate.IsZero() ||
			!strings.HasPrefix(m.RotationLambdaARN, "password?keys=password") {
			t.Fatalf("%s: rotation %q rules %+v next %v last %v", m.Name, m.RotationLambdaARN, m.RotationRules, m.NextRotationDate, m.LastRotatedDate)
		}
	}
	if rotating != n/40 || st.Rotating != rotating {
		t.Fatalf("%d secrets rotate (stats say %d), want %d", rotating, st.Rotating, n/40)
	}
	// Dates spread over the past instead of all being "now".
	oldest := time.Now()
	for _, m := range all {
		if m.CreatedDate.Before(oldest) {
			oldest = m.CreatedDate
		}
	}
	if time.Since(oldest) < 30*24*time.Hour {
		t.Fatalf("oldest secret created %v, want dates spread over months", oldest)
	}
	// A database secret carries the JSON keys AWS rotation uses.
	for _, p := range plan {
		if p.Kind != "postgres" || p.DeleteInDays > 0 {
			continue
		}
		v, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: p.Name})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{`"engine":"postgres"`, `"host":`, `"port":5432`, `"username":`, `"password":`, `"dbname":`} {
			if !strings.Contains(*v.SecretString, k) {
				t.Fatalf("%s value lacks %s", p.Name, k)
			}
		}
		vs, err := s.ListSecretVersionIds(ctx, &backend.ListSecretVersionIdsInput{SecretID: p.Name, IncludeDeprecated: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(vs.Versions) != p.Versions {
			t.Fatalf("%s has %d versions, planned %d", p.Name, len(vs.Versions), p.Versions)
		}
		break
	}
	// TLS material is binary.
	for _, p := range plan {
		if p.Kind != "tls" || p.DeleteInDays > 0 {
			continue
		}
		v, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: p.Name})
		if err != nil {
			t.Fatal(err)
		}
		if !v.IsBinary() || !strings.HasPrefix(string(v.SecretBinary), "-----BEGIN CERTIFICATE-----") {
			t.Fatalf("%s: want binary PEM", p.Name)
		}
		break
	}
}

func TestValuesAreRandom(t *testing.T) {
	ctx := context.Background()
	a, b := newStore(t, nil), newStore(t, nil)
	for _, s := range []*local.Store{a, b} {
		if _, err := demo.Fill(ctx, s, demo.Options{Secrets: 20, Seed: 1}); err != nil {
			t.Fatal(err)
		}
	}
	name := demo.Plan(1, 20)[0].Name
	va, err := a.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name})
	if err != nil {
		t.Fatal(err)
	}
	vb, err := b.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name})
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(va.SecretString, vb.SecretString) && reflect.DeepEqual(va.SecretBinary, vb.SecretBinary) {
		t.Fatalf("%s has the same value in two fills", name)
	}
}

// BenchmarkDemoData fills a fresh store with N secrets per iteration. Run
// the 100,000 case once: go test ./backend/demo -run '^$' -bench 'DemoData/n=100000' -benchtime 1x
func BenchmarkDemoData(b *testing.B) {
	for _, n := range []int{2000, 100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				clock := &demo.Clock{}
				s := newStore(b, clock)
				b.StartTimer()
				if _, err := demo.Fill(context.Background(), s, demo.Options{Secrets: n, Seed: 1, Clock: clock}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "secrets/op")
		})
	}
}
