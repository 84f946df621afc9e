package backendtest

import (
	"encoding/json"

	"github.com/google/uuid"

	"github.com/secretary-sh/secretary/backend"
)

// tokenCases: AWS requires a ClientRequestToken on the wire for the calls
// that may create a version, and every SDK and the AWS CLI fill one in. The
// Backend contract is the SDK's: a caller in process may leave it empty and
// gets a new UUID as the VersionId.
func tokenCases() []testCase {
	return []testCase{
		{name: "in process, a write without ClientRequestToken gets a new UUID as its VersionId", fn: func(e *env) {
			n := e.name("s")
			out := e.create(backend.CreateSecretInput{Name: n, SecretString: str("one")})
			p, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: n, SecretString: str("two")})
			if err != nil {
				e.Fatalf("PutSecretValue without a token: %v", err)
			}
			u, err := e.B.UpdateSecret(e.ctx, &backend.UpdateSecretInput{SecretID: n, SecretString: str("three")})
			if err != nil {
				e.Fatalf("UpdateSecret without a token: %v", err)
			}
			seen := map[string]bool{}
			for what, id := range map[string]string{"CreateSecret": out.VersionID, "PutSecretValue": p.VersionID, "UpdateSecret": u.VersionID} {
				if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
					e.Fatalf("%s: VersionId %q is not a UUID", what, id)
				}
				if seen[id] {
					e.Fatalf("%s: VersionId %q used twice", what, id)
				}
				seen[id] = true
			}
			if got := e.getString(n); got != "three" {
				e.Fatalf("AWSCURRENT holds %q, want the last value", got)
			}
		}},
		{name: "on the wire, a request without ClientRequestToken is refused before the secret is looked up", raw: true, fn: func(e *env) {
			missing := e.name("missing")
			n := e.name("s")
			e.track(n)
			raw := func(op string, body map[string]any) (string, string) {
				e.Helper()
				b, err := json.Marshal(body)
				if err != nil {
					e.Fatal(err)
				}
				code, msg, err := e.h.Raw(e.ctx, op, b)
				if err != nil {
					e.Fatalf("%s: %v", op, err)
				}
				return code, msg
			}
			want := func(what, code, msg, wantCode string) {
				e.Helper()
				if code != wantCode || msg != msgMissingToken {
					e.Fatalf("%s: %s %q, want %s %q", what, code, msg, wantCode, msgMissingToken)
				}
			}
			code, msg := raw("CreateSecret", map[string]any{"Name": n, "SecretString": "v"})
			want("CreateSecret", code, msg, backend.CodeInvalidRequest)
			if _, err := e.B.DescribeSecret(e.ctx, n); backend.Code(err) != backend.CodeResourceNotFound {
				e.Fatalf("the refused CreateSecret left a secret behind (DescribeSecret: %v)", err)
			}
			// A secret that does not exist: the token is checked first.
			code, msg = raw("PutSecretValue", map[string]any{"SecretId": missing, "SecretString": "v"})
			want("PutSecretValue", code, msg, backend.CodeInvalidRequest)
			code, msg = raw("UpdateSecret", map[string]any{"SecretId": missing, "SecretString": "v"})
			want("UpdateSecret with a value", code, msg, backend.CodeInvalidRequest)
			code, msg = raw("RotateSecret", map[string]any{"SecretId": missing})
			want("RotateSecret", code, msg, backend.CodeInvalidParameter)

			// UpdateSecret without a value creates no version and needs no
			// token; with one the request goes through.
			e.create(backend.CreateSecretInput{Name: n, SecretString: str("one")})
			if code, msg := raw("UpdateSecret", map[string]any{"SecretId": n, "Description": "d"}); code != "" {
				e.Fatalf("UpdateSecret of the description alone: %s %q", code, msg)
			}
			tok := token()
			if code, msg := raw("PutSecretValue", map[string]any{"SecretId": n, "SecretString": "two", "ClientRequestToken": tok}); code != "" {
				e.Fatalf("PutSecretValue with a token: %s %q", code, msg)
			}
			if v := e.get(backend.GetSecretValueInput{SecretID: n}); v.VersionID != tok || *v.SecretString != "two" {
				e.Fatalf("AWSCURRENT is %s %q, want the raw request's version %s", v.VersionID, *v.SecretString, tok)
			}
		}},
	}
}
