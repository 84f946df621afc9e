// Package backendtest is the conformance suite every backend.Backend runs:
// the rules of AWS Secrets Manager (limits, versions and staging labels,
// idempotency, deletion, ListSecrets filters, GetRandomPassword, resource
// policies) encoded once, each as a named subtest.
//
// A backend's tests run it with a one-line harness:
//
//	func TestConformance(t *testing.T) {
//		backendtest.Run(t, backendtest.Harness{New: newTestStore})
//	}
//
// The suite is written to run against a shared account too (real AWS): every
// case works under a random per-run name prefix, filters listings by it,
// never assumes the store is empty, and force-deletes what it created.
//
// Error messages are checked literally where AWS's text is known (observed
// from the service, or AWS's request-validation format with the API model's
// limits); where it is not, only the exception name is checked and the case
// says so.
package backendtest

import (
	"context"
	"crypto/rand"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/secretary-sh/secretary/backend"
)

// Harness tells the suite how to reach a backend and what it can do.
type Harness struct {
	// New returns the backend a case runs against. It is called once per
	// case and may return a fresh store or the same client every time. The
	// harness registers any cleanup (Close, temporary files) with t.Cleanup;
	// the suite never calls Close.
	New func(t *testing.T) backend.Backend

	// Now reports the backend's clock; nil means the wall clock.
	Now func() time.Time
	// Advance moves the backend's clock forward. Cases that need time to
	// pass (pruning of versions older than a day, LastAccessedDate's day
	// resolution, the end of a recovery window) skip when it is nil. When
	// set, Now must be set too.
	Advance func(d time.Duration)

	// Region and Account, when set, must appear in every ARN.
	Region  string
	Account string

	// SkipExpensive, when not empty, is the reason to skip the cases that
	// write more than a hundred versions of one secret (slow and billed on
	// a real service).
	SkipExpensive string

	// Settle is how long listings may take to reflect writes (ListSecrets
	// on AWS is eventually consistent). Zero means at once.
	Settle time.Duration

	// Raw, when set, sends one operation's JSON request body to the same
	// store as it is — signed, but not filled in by an SDK — and returns
	// the exception name and message of the answer, both empty on
	// success. The cases about what arrives on the wire (a request without
	// the ClientRequestToken every SDK fills in) skip without it.
	Raw func(ctx context.Context, operation string, body []byte) (code, message string, err error)
}

type testCase struct {
	name string
	fn   func(e *env)
	// clock marks cases that skip without Harness.Advance.
	clock bool
	// expensive marks cases that skip when Harness.SkipExpensive is set.
	expensive bool
	// raw marks cases that skip without Harness.Raw.
	raw bool
}

// Run runs every conformance case against the harness's backend.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil {
		t.Fatal("backendtest: Harness.New is required")
	}
	if h.Advance != nil && h.Now == nil {
		t.Fatal("backendtest: Harness.Advance needs Harness.Now, so cases can tell what time the backend sees")
	}
	run := "backendtest-" + randomAlnum(10)
	n := 0
	for _, g := range groups() {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.cases {
				n++
				prefix := fmt.Sprintf("%s/c%03d/", run, n)
				t.Run(c.name, func(t *testing.T) {
					if c.clock && h.Advance == nil {
						t.Skip("needs time to pass on the backend's clock; the harness has no Advance hook")
					}
					if c.raw && h.Raw == nil {
						t.Skip("sends requests as they arrive on the wire; the harness has no Raw hook")
					}
					if c.expensive && h.SkipExpensive != "" {
						t.Skip("writes more than a hundred versions: " + h.SkipExpensive)
					}
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
					t.Cleanup(cancel)
					e := &env{T: t, h: &h, ctx: ctx, prefix: prefix, created: map[string]bool{}}
					e.B = h.New(t)
					c.fn(e)
				})
			}
		})
	}
}

type group struct {
	name  string
	cases []testCase
}

// groups lists every case, in the order they run.
func groups() []group {
	return []group{
		{"Limits", limitCases()},
		{"Identity", identityCases()},
		{"Versions", versionCases()},
		{"Idempotency", idempotencyCases()},
		{"ClientRequestToken", tokenCases()},
		{"Deletion", deletionCases()},
		{"ListSecrets", listCases()},
		{"Filters", filterCases()},
		{"BatchGet", batchCases()},
		{"Tags", tagCases()},
		{"GetRandomPassword", passwordCases()},
		{"Migration", migrationCases()},
		{"ResourcePolicies", policyCases()},
		{"Rotation", rotationCases()},
	}
}

// Cases returns the names of every case as "Group/case", for documentation
// and for harnesses that want to count them.
func Cases() []string {
	var out []string
	for _, g := range groups() {
		for _, c := range g.cases {
			out = append(out, g.name+"/"+c.name)
		}
	}
	return out
}

func randomAlnum(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// env is what a case works with.
type env struct {
	*testing.T
	B       backend.Backend
	h       *Harness
	ctx     context.Context
	prefix  string
	created map[string]bool
}

// name returns a secret name unique to this case and run.
func (e *env) name(suffix string) string { return e.prefix + suffix }

func token() string { return uuid.NewString() }

func str(s string) *string { return &s }

func intp(i int) *int { return &i }

// track force-deletes name when the case ends, whatever happened to it.
func (e *env) track(name string) {
	if e.created[name] {
		return
	}
	e.created[name] = true
	b := e.B
	e.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// Best effort: the case may have deleted it already.
		_, _ = b.DeleteSecret(ctx, &backend.DeleteSecretInput{SecretID: name, ForceDeleteWithoutRecovery: true})
	})
}

func (e *env) create(in backend.CreateSecretInput) *backend.CreateSecretOutput {
	e.Helper()
	e.track(in.Name)
	out, err := e.B.CreateSecret(e.ctx, &in)
	if err != nil {
		e.Fatalf("CreateSecret %q: %v", in.Name, err)
	}
	return out
}

// createValue creates name(suffix) holding value; the first version's id is
// the returned output's VersionID.
func (e *env) createValue(suffix, value string) *backend.CreateSecretOutput {
	e.Helper()
	out := e.create(backend.CreateSecretInput{Name: e.name(suffix), SecretString: str(value), ClientRequestToken: token()})
	if out.VersionID == "" {
		e.Fatalf("CreateSecret with a value returned no VersionId")
	}
	return out
}

func (e *env) put(id, value string, stages ...string) *backend.PutSecretValueOutput {
	e.Helper()
	out, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{
		SecretID: id, ClientRequestToken: token(), SecretString: str(value), VersionStages: stages,
	})
	if err != nil {
		e.Fatalf("PutSecretValue %q: %v", id, err)
	}
	return out
}

func (e *env) moveStage(id, stage, to, from string) {
	e.Helper()
	_, err := e.B.UpdateSecretVersionStage(e.ctx, &backend.UpdateSecretVersionStageInput{
		SecretID: id, VersionStage: stage, MoveToVersionID: to, RemoveFromVersionID: from,
	})
	if err != nil {
		e.Fatalf("UpdateSecretVersionStage %s to %q from %q: %v", stage, to, from, err)
	}
}

func (e *env) describe(id string) *backend.SecretMetadata {
	e.Helper()
	m, err := e.B.DescribeSecret(e.ctx, id)
	if err != nil {
		e.Fatalf("DescribeSecret %q: %v", id, err)
	}
	return m
}

func (e *env) get(in backend.GetSecretValueInput) *backend.SecretValue {
	e.Helper()
	v, err := e.B.GetSecretValue(e.ctx, &in)
	if err != nil {
		e.Fatalf("GetSecretValue %+v: %v", in, err)
	}
	return v
}

// getString returns the AWSCURRENT string value of id.
func (e *env) getString(id string) string {
	e.Helper()
	v := e.get(backend.GetSecretValueInput{SecretID: id})
	if v.SecretString == nil {
		e.Fatalf("GetSecretValue %q: no SecretString", id)
	}
	return *v.SecretString
}

// stages returns DescribeSecret's VersionIdsToStages.
func (e *env) stages(id string) map[string][]string {
	e.Helper()
	return normStages(e.describe(id).VersionIdsToStages)
}

// versions returns every version of id (following NextToken) with its
// labels; deprecated versions map to nil.
func (e *env) versions(id string, includeDeprecated bool) map[string][]string {
	e.Helper()
	out := map[string][]string{}
	in := &backend.ListSecretVersionIdsInput{SecretID: id, IncludeDeprecated: includeDeprecated, MaxResults: backend.MaxListResults}
	for pages := 0; ; pages++ {
		if pages > 100 {
			e.Fatalf("ListSecretVersionIds %q: more than 100 pages", id)
		}
		page, err := e.B.ListSecretVersionIds(e.ctx, in)
		if err != nil {
			e.Fatalf("ListSecretVersionIds %q: %v", id, err)
		}
		for _, v := range page.Versions {
			if _, dup := out[v.VersionID]; dup {
				e.Fatalf("ListSecretVersionIds %q: version %s listed twice", id, v.VersionID)
			}
			out[v.VersionID] = norm(v.VersionStages)
		}
		if page.NextToken == "" {
			return out
		}
		in.NextToken = page.NextToken
	}
}

func norm(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func normStages(m map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range m {
		out[k] = norm(v)
	}
	return out
}

func (e *env) wantStages(what string, got, want map[string][]string) {
	e.Helper()
	if want == nil {
		want = map[string][]string{}
	}
	if reflect.DeepEqual(got, want) {
		return
	}
	if len(got)+len(want) <= 8 {
		e.Fatalf("%s:\n got  %v\n want %v", what, got, want)
	}
	// Large maps: name only the differences.
	var diff []string
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			diff = append(diff, fmt.Sprintf("missing %s %q", k, w))
		case !reflect.DeepEqual(g, w):
			diff = append(diff, fmt.Sprintf("%s has %q, want %q", k, g, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			diff = append(diff, fmt.Sprintf("unexpected %s %q", k, g))
		}
	}
	sort.Strings(diff)
	e.Fatalf("%s: %d versions, want %d:\n %s", what, len(got), len(want), strings.Join(diff, "\n "))
}

func (e *env) wantLabels(what string, got []string, want ...string) {
	e.Helper()
	if !reflect.DeepEqual(norm(got), norm(want)) {
		e.Fatalf("%s: labels %q, want %q", what, got, want)
	}
}

// wantErr checks err's exception name and, when msg is not empty, its
// exact message.
func (e *env) wantErr(what string, err error, code, msg string) {
	e.Helper()
	if err == nil {
		e.Fatalf("%s: succeeded, want %s", what, code)
	}
	if got := backend.Code(err); got != code {
		e.Fatalf("%s: error %v, want %s", what, err, code)
	}
	if msg != "" && backend.Message(err) != msg {
		e.Fatalf("%s: message\n got  %q\n want %q", what, backend.Message(err), msg)
	}
}

func (e *env) now() time.Time {
	if e.h.Now != nil {
		return e.h.Now()
	}
	return time.Now()
}

// tolerance is how far a reported time may be from the one expected: a
// controlled clock is exact up to rounding, a remote service is not.
func (e *env) tolerance() time.Duration {
	if e.h.Now != nil {
		return 2 * time.Second
	}
	return 5 * time.Minute
}

func (e *env) wantTime(what string, got, want time.Time) {
	e.Helper()
	if got.IsZero() {
		e.Fatalf("%s: no time, want about %v", what, want.UTC())
	}
	if d := got.Sub(want); d > e.tolerance() || d < -e.tolerance() {
		e.Fatalf("%s: %v, want %v (±%v)", what, got.UTC(), want.UTC(), e.tolerance())
	}
}

// advance moves the backend's clock, or sleeps when there is no hook (only
// for short steps such as ordering creation dates).
func (e *env) advance(d time.Duration) {
	if e.h.Advance != nil {
		e.h.Advance(d)
		return
	}
	time.Sleep(d)
}

// eventually runs check until it passes or Harness.Settle has gone by.
func (e *env) eventually(check func() error) {
	e.Helper()
	deadline := time.Now().Add(e.h.Settle)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			e.Fatal(err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// listAll returns every secret of this case that ListSecrets returns for
// in, following NextToken; a name filter on the case's prefix is added.
func (e *env) listAll(in backend.ListSecretsInput) ([]backend.SecretMetadata, int, error) {
	in.Filters = append([]backend.Filter{{Key: backend.FilterName, Values: []string{e.prefix}}}, in.Filters...)
	var all []backend.SecretMetadata
	for pages := 1; ; pages++ {
		if pages > 1000 {
			return nil, pages, fmt.Errorf("ListSecrets: more than 1000 pages")
		}
		out, err := e.B.ListSecrets(e.ctx, &in)
		if err != nil {
			return nil, pages, fmt.Errorf("ListSecrets %+v: %w", in, err)
		}
		if in.MaxResults > 0 && len(out.Secrets) > in.MaxResults {
			return nil, pages, fmt.Errorf("ListSecrets returned %d secrets with MaxResults %d", len(out.Secrets), in.MaxResults)
		}
		all = append(all, out.Secrets...)
		if out.NextToken == "" {
			return all, pages, nil
		}
		in.NextToken = out.NextToken
	}
}

// wantList checks that the listing for in holds exactly the secrets with
// these name suffixes (in this order when ordered is true).
func (e *env) wantList(in backend.ListSecretsInput, ordered bool, suffixes ...string) {
	e.Helper()
	want := make([]string, len(suffixes))
	for i, s := range suffixes {
		want[i] = e.name(s)
	}
	if !ordered {
		sort.Strings(want)
	}
	e.eventually(func() error {
		got, _, err := e.listAll(in)
		if err != nil {
			return err
		}
		names := make([]string, 0, len(got))
		for _, m := range got {
			names = append(names, m.Name)
		}
		if !ordered {
			sort.Strings(names)
		}
		if !reflect.DeepEqual(norm(names), norm(want)) {
			return fmt.Errorf("ListSecrets %+v:\n got  %q\n want %q", in.Filters, names, want)
		}
		return nil
	})
}

var arnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):([0-9]{12}):secret:(.+)-([A-Za-z0-9]{6})$`)

// wantARN checks the ARN format: arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>.
func (e *env) wantARN(arn, name string) {
	e.Helper()
	m := arnPattern.FindStringSubmatch(arn)
	if m == nil {
		e.Fatalf("ARN %q is not arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 letters or digits>", arn)
	}
	if m[3] != name {
		e.Fatalf("ARN %q names %q, want %q", arn, m[3], name)
	}
	if e.h.Region != "" && m[1] != e.h.Region {
		e.Fatalf("ARN %q has region %q, want %q", arn, m[1], e.h.Region)
	}
	if e.h.Account != "" && m[2] != e.h.Account {
		e.Fatalf("ARN %q has account %q, want %q", arn, m[2], e.h.Account)
	}
}

// partialARN drops the random suffix: AWS accepts it as a SecretId.
func partialARN(arn string) string { return arn[:len(arn)-7] }

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

func tagMap(tags []backend.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}
