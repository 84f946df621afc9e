package cli_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// Operators type the AWS CLI's flags from memory, so each flag the AWS CLI
// has for these commands must do what it does there, not merely parse.
// The flags the other tests leave out are exercised here through the binary.

func TestSortOrderReversesTheListing(t *testing.T) {
	e := newKeyFileStore(t)
	for _, n := range []string{"b/one", "a/two", "c/three"} {
		e.ok("create-secret", "--name", n, "--secret-string", "x")
	}
	names := func(args ...string) []string {
		out := e.ok(append([]string{"list-secrets", "--sort-by", "name"}, args...)...)
		var got []string
		for _, s := range out["SecretList"].([]any) {
			got = append(got, s.(map[string]any)["Name"].(string))
		}
		return got
	}
	if got := names("--sort-order", "asc"); !reflect.DeepEqual(got, []string{"a/two", "b/one", "c/three"}) {
		t.Fatalf("--sort-order asc: %v", got)
	}
	if got := names("--sort-order", "desc"); !reflect.DeepEqual(got, []string{"c/three", "b/one", "a/two"}) {
		t.Fatalf("--sort-order desc: %v", got)
	}
	e.fails(254, "\nAn error occurred (ValidationException) when calling the ListSecrets operation: 1 validation error detected: Value 'sideways' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]\n",
		"list-secrets", "--sort-order", "sideways")
}

func TestIncludeDeprecatedShowsUnlabelledVersions(t *testing.T) {
	e := newKeyFileStore(t)
	first := e.ok("create-secret", "--name", "app", "--secret-string", "v1")["VersionId"].(string)
	e.ok("put-secret-value", "--secret-id", "app", "--secret-string", "v2")
	e.ok("put-secret-value", "--secret-id", "app", "--secret-string", "v3")
	ids := func(args ...string) map[string]bool {
		out := e.ok(append([]string{"list-secret-version-ids", "--secret-id", "app"}, args...)...)
		got := map[string]bool{}
		for _, v := range out["Versions"].([]any) {
			got[v.(map[string]any)["VersionId"].(string)] = true
		}
		return got
	}
	if got := ids(); len(got) != 2 || got[first] {
		t.Fatalf("without --include-deprecated: %v (the first version has no label and must not be listed)", got)
	}
	if got := ids("--include-deprecated"); len(got) != 3 || !got[first] {
		t.Fatalf("--include-deprecated: %v, want all three versions", got)
	}
	if got := ids("--no-include-deprecated"); len(got) != 2 || got[first] {
		t.Fatalf("--no-include-deprecated: %v", got)
	}
}

func TestPasswordExclusionFlags(t *testing.T) {
	e := newKeyFileStore(t)
	password := func(args ...string) string {
		t.Helper()
		out := e.ok(append([]string{"get-random-password", "--password-length", "200"}, args...)...)
		return out["RandomPassword"].(string)
	}
	cases := []struct {
		flag string
		bad  func(rune) bool
	}{
		{"--exclude-numbers", unicode.IsDigit},
		{"--exclude-uppercase", unicode.IsUpper},
		{"--exclude-lowercase", unicode.IsLower},
		{"--exclude-punctuation", func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }},
	}
	for _, c := range cases {
		p := password(c.flag)
		if len(p) != 200 || strings.IndexFunc(p, c.bad) >= 0 {
			t.Fatalf("%s gave %q", c.flag, p)
		}
	}
	if p := password(); strings.Contains(p, " ") {
		t.Fatalf("a space without --include-space: %q", p)
	}
	// Only spaces are left to choose from, so the flag must have let them in.
	if p := password("--include-space", "--exclude-numbers", "--exclude-uppercase", "--exclude-lowercase", "--exclude-punctuation", "--no-require-each-included-type"); p != strings.Repeat(" ", 200) {
		t.Fatalf("--include-space with every other class excluded gave %q", p)
	}
	// With each included type required, a 3-character password from three
	// classes holds one of each, every time.
	for range 20 {
		p := e.ok("get-random-password", "--password-length", "3", "--exclude-punctuation", "--require-each-included-type")["RandomPassword"].(string)
		if strings.IndexFunc(p, unicode.IsDigit) < 0 || strings.IndexFunc(p, unicode.IsUpper) < 0 || strings.IndexFunc(p, unicode.IsLower) < 0 {
			t.Fatalf("--require-each-included-type gave %q", p)
		}
	}
}

func TestKmsKeyIDFlag(t *testing.T) {
	e := newKeyFileStore(t)
	e.ok("create-secret", "--name", "app", "--secret-string", "v1", "--kms-key-id", "alias/aws/secretsmanager")
	if r := e.run("", "get", "app"); r.code != 0 || r.stdout != "v1" {
		t.Fatalf("get after create with the default key named: %d %q %q", r.code, r.stdout, r.stderr)
	}
	e.fails(254, "\nAn error occurred (EncryptionFailure) when calling the CreateSecret operation: Secrets Manager can't find the specified encryption key.\n",
		"create-secret", "--name", "other", "--secret-string", "v1", "--kms-key-id", "alias/no-such-key")
	e.fails(254, "\nAn error occurred (EncryptionFailure) when calling the UpdateSecret operation: Secrets Manager can't find the specified encryption key.\n",
		"update-secret", "--secret-id", "app", "--kms-key-id", "alias/no-such-key")
}

func TestRotateImmediatelyFlags(t *testing.T) {
	e := newKeyFileStore(t)
	first := e.ok("create-secret", "--name", "db", "--secret-string", `{"username":"app","password":"Old-Password-1"}`)["VersionId"].(string)
	current := func() string {
		d := e.ok("describe-secret", "--secret-id", "db")
		for id, stages := range d["VersionIdsToStages"].(map[string]any) {
			for _, s := range stages.([]any) {
				if s == "AWSCURRENT" {
					return id
				}
			}
		}
		t.Fatalf("no AWSCURRENT in %v", d)
		return ""
	}
	// --no-rotate-immediately only configures (and tests) rotation: the
	// value stays where it was.
	e.ok("rotate-secret", "--secret-id", "db", "--rotation-lambda-arn", "password?keys=password",
		"--rotation-rules", "AutomaticallyAfterDays=30", "--no-rotate-immediately")
	if got := current(); got != first {
		t.Fatalf("--no-rotate-immediately moved AWSCURRENT to %s", got)
	}
	if d := e.ok("describe-secret", "--secret-id", "db"); d["RotationEnabled"] != true {
		t.Fatalf("--no-rotate-immediately did not turn rotation on: %v", d)
	}
	out := e.ok("rotate-secret", "--secret-id", "db", "--rotate-immediately")
	if got := current(); got == first || got != out["VersionId"] {
		t.Fatalf("--rotate-immediately: AWSCURRENT is %s, rotate-secret returned %v", got, out["VersionId"])
	}
}
