package backendtest

import (
	"github.com/secretary-sh/secretary/backend"
)

// migrationCases encode the behaviour `secretary migrate` relies on to
// rebuild a secret's history in another store: the calls, in the order it
// makes them, with the state after each.
func migrationCases() []testCase {
	return []testCase{
		{name: "a history rebuilt with ClientRequestToken, VersionStages and label moves keeps ids and labels", fn: func(e *env) {
			n := e.name("copy")
			const tmp = "secretary-migrate"
			e.create(backend.CreateSecretInput{Name: n, Description: "copied", Tags: []backend.Tag{{Key: "env", Value: "prod"}}})
			t1, t2, t3 := token(), token(), token()
			putTok := func(tok, value string, stages ...string) {
				e.Helper()
				out, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: n, ClientRequestToken: tok, SecretString: str(value), VersionStages: stages})
				if err != nil {
					e.Fatalf("PutSecretValue %s: %v", tok, err)
				}
				if out.VersionID != tok {
					e.Fatalf("PutSecretValue: VersionId %q, want the ClientRequestToken %q", out.VersionID, tok)
				}
			}
			// The first value of a secret gets AWSCURRENT besides the labels asked.
			putTok(t1, "one", tmp)
			e.wantStages("after the first put", e.versions(n, true), map[string][]string{t1: {cur, tmp}})
			// Labels other than AWSCURRENT go with the put; AWSCURRENT stays.
			putTok(t2, "two", "blue")
			e.wantStages("after the second put", e.versions(n, true), map[string][]string{t1: {cur, tmp}, t2: {"blue"}})
			// The temporary label moves on, leaving nothing else behind.
			putTok(t3, "three", tmp)
			e.wantStages("after the third put", e.versions(n, true), map[string][]string{t1: {cur}, t2: {"blue"}, t3: {tmp}})
			// AWSCURRENT through the version that ends as AWSPREVIOUS.
			e.moveStage(n, cur, t2, t1)
			e.wantStages("after AWSCURRENT to v2", e.versions(n, true), map[string][]string{t1: {prev}, t2: {cur, "blue"}, t3: {tmp}})
			e.moveStage(n, cur, t3, t2)
			e.wantStages("after AWSCURRENT to v3", e.versions(n, true), map[string][]string{t1: nil, t2: {prev, "blue"}, t3: {cur, tmp}})
			e.moveStage(n, tmp, "", t3)
			want := map[string][]string{t1: nil, t2: {prev, "blue"}, t3: {cur}}
			e.wantStages("the rebuilt history", e.versions(n, true), want)
			// A re-run repeats a put: same token and value change nothing.
			putTok(t2, "two", "blue")
			e.wantStages("after repeating a put", e.versions(n, true), want)
			// The deprecated version keeps its value under its id.
			if v := e.get(backend.GetSecretValueInput{SecretID: n, VersionID: t1}); v.SecretString == nil || *v.SecretString != "one" {
				e.Fatalf("the deprecated version lost its value")
			}
			// A source without AWSPREVIOUS: the label is removed alone.
			e.moveStage(n, prev, "", t2)
			e.wantStages("without AWSPREVIOUS", e.versions(n, true), map[string][]string{t1: nil, t2: {"blue"}, t3: {cur}})
		}},
		{name: "a repeated put of a version id with another value is refused, so a conflicting copy is never overwritten", fn: func(e *env) {
			n := e.name("conflict")
			tok := token()
			e.create(backend.CreateSecretInput{Name: n, SecretString: str("theirs"), ClientRequestToken: tok})
			_, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: n, ClientRequestToken: tok, SecretString: str("ours"), VersionStages: []string{"blue"}})
			e.wantErr("PutSecretValue", err, backend.CodeResourceExists, "")
			if got := e.getString(n); got != "theirs" {
				e.Fatalf("value %q after the refused put, want theirs", got)
			}
		}},
	}
}
