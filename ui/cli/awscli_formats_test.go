package cli_test

import (
	"strings"
	"testing"
)

// TestAWSCLIAndSecretaryPrintTheSameFormats runs the AWS CLI v2 and
// secretary --backend aws against one served store and compares every
// byte of --output text, table, yaml and json, with and without --query,
// over whole and cut-short paginated listings. Both read the same secrets,
// so nothing is normalised.
func TestAWSCLIAndSecretaryPrintTheSameFormats(t *testing.T) {
	awsBin := awsCLIBinary(t)
	e := newKeyFileStore(t)
	srv := serveStore(t, e)
	id, secret := srv.KeyID, srv.SecretKey

	// Values chosen for the formats' corners: YAML quoting (a colon and a
	// space, words YAML reads as other types, a date), folding past column
	// 80, line breaks and tabs, wide characters in a table.
	e.ok("create-secret", "--name", "prod/db", "--description", "Payments: primary database for the checkout service, rotated monthly by the platform team",
		"--secret-string", "BEGIN KEY\nabc\n\nxyz\nEND KEY\n",
		"--tags", "Key=env,Value=prod", "Key=enabled,Value=true", "Key=port,Value=5432", "Key=since,Value=2024-01-31", "Key=owner,Value=日本チーム")
	e.ok("put-secret-value", "--secret-id", "prod/db", "--secret-string", `{"user":"app","password":"tab	inside"}`)
	e.ok("create-secret", "--name", "prod/blob", "--secret-binary", "AAEC/w==")
	for _, n := range []string{"app/a", "app/b", "app/c", "app/d"} {
		e.ok("create-secret", "--name", n, "--secret-string", "yes")
	}
	e.ok("get-secret-value", "--secret-id", "prod/db")

	clientEnv := awsCLIEnv(t.TempDir(), id, secret)
	secretaryEnv := &env{t: t, dir: e.dir, vars: clientEnv}
	compare := func(args ...string) result {
		t.Helper()
		a := runAWSCLI(t, awsBin, srv.Endpoint, clientEnv, args...)
		if a.code != 0 {
			t.Fatalf("aws %q exited %d: %s", args, a.code, a.stderr)
		}
		s := secretaryEnv.run("", append([]string{"--backend", "aws", "--endpoint-url", srv.Endpoint}, args...)...)
		if s.code != 0 || s.stdout != a.stdout {
			t.Errorf("%q differs.\naws:\n%s\nsecretary (exit %d):\n%s%s", args, a.stdout, s.code, s.stdout, s.stderr)
		}
		return a
	}

	commands := [][]string{
		{"describe-secret", "--secret-id", "prod/db"},
		{"get-secret-value", "--secret-id", "prod/db"},
		{"get-secret-value", "--secret-id", "prod/blob"},
		{"list-secret-version-ids", "--secret-id", "prod/db", "--include-deprecated"},
		{"list-secrets"},
		{"list-secrets", "--page-size", "2"},
		{"list-secrets", "--page-size", "2", "--max-items", "3"},
		{"list-secrets", "--max-results", "2"},
		{"list-secrets", "--no-paginate", "--filters", "Key=name,Values=app/"},
		{"list-secrets", "--query", "SecretList[].Name"},
		{"list-secrets", "--page-size", "2", "--query", "SecretList[].{N: Name, A: ARN, Changed: LastChangedDate}"},
		{"list-secrets", "--page-size", "4", "--query", "length(SecretList)"},
		{"list-secrets", "--query", "SecretList[?starts_with(Name, `app/`)].Name | sort(@)"},
		{"list-secrets", "--query", "sort_by(SecretList, &Name)[0].{Name: Name, Tags: Tags}"},
		{"describe-secret", "--secret-id", "prod/db", "--query", "Tags[?Key==`env`].Value"},
		{"describe-secret", "--secret-id", "prod/db", "--query", "{Z: Name, A: ARN, Count: length(Tags), First: Tags[0]}"},
		{"describe-secret", "--secret-id", "prod/db", "--query", "Missing"},
		{"get-secret-value", "--secret-id", "prod/db", "--query", "SecretString"},
		{"list-secret-version-ids", "--secret-id", "prod/db", "--query", "Versions[?contains(VersionStages, 'AWSCURRENT')].VersionId"},
	}
	for _, format := range []string{"json", "text", "table", "yaml"} {
		for _, c := range commands {
			compare(append(append([]string{}, c...), "--output", format)...)
		}
	}

	// A NextToken printed by either program continues in the other.
	tok := strings.Trim(strings.TrimSpace(compare("list-secrets", "--page-size", "2", "--max-items", "3", "--query", "NextToken", "--output", "json").stdout), `"`)
	if tok == "" || tok == "null" {
		t.Fatalf("no NextToken after --max-items 3 of 6 secrets")
	}
	for _, format := range []string{"json", "text"} {
		compare("list-secrets", "--page-size", "2", "--starting-token", tok, "--output", format)
		compare("list-secrets", "--page-size", "2", "--starting-token", tok, "--max-items", "2", "--output", format)
	}
}

// TestOutputAndQueryErrorsAsTheAWSCLI checks the exit codes and words of a
// bad --output, a --query that does not parse, one that fails on the data,
// and --no-paginate with pagination arguments.
func TestOutputAndQueryErrorsAsTheAWSCLI(t *testing.T) {
	awsBin := awsCLIBinary(t)
	e := newKeyFileStore(t)
	srv := serveStore(t, e)
	id, secret := srv.KeyID, srv.SecretKey
	e.ok("create-secret", "--name", "prod/db", "--secret-string", "v")
	clientEnv := awsCLIEnv(t.TempDir(), id, secret)
	secretaryEnv := &env{t: t, dir: e.dir, vars: clientEnv}
	for _, c := range []struct {
		args []string
		code int
		// The part of stderr both must print the same: after the usage
		// banner, which names each program, or a prefix where the JMESPath
		// libraries word the detail differently.
		after, prefix string
	}{
		{[]string{"describe-secret", "--secret-id", "prod/db", "--output", "xml"}, 252, "error: ", ""},
		{[]string{"describe-secret", "--secret-id", "prod/db", "--query", "Name["}, 252, "", "\nBad value for --query Name[: Invalid jmespath expression: "},
		{[]string{"describe-secret", "--secret-id", "prod/db", "--query", "length(`1`)"}, 255, "", "\n"},
		{[]string{"list-secrets", "--no-paginate", "--page-size", "2", "--max-items", "3"}, 252, "", "\nCannot specify --no-paginate along with pagination arguments: --page-size, --max-items\n"},
	} {
		a := runAWSCLI(t, awsBin, srv.Endpoint, clientEnv, c.args...)
		s := secretaryEnv.run("", append([]string{"--backend", "aws", "--endpoint-url", srv.Endpoint}, c.args...)...)
		if a.code != c.code || s.code != c.code {
			t.Errorf("%q: exit codes aws %d, secretary %d, want %d\n%s\n%s", c.args, a.code, s.code, c.code, a.stderr, s.stderr)
			continue
		}
		if s.stdout != "" {
			t.Errorf("%q printed %q on stdout", c.args, s.stdout)
		}
		if c.after != "" {
			_, wantTail, _ := strings.Cut(a.stderr, c.after)
			_, gotTail, _ := strings.Cut(s.stderr, c.after)
			if wantTail == "" || gotTail != wantTail {
				t.Errorf("%q: stderr after %q:\naws:       %q\nsecretary: %q", c.args, c.after, wantTail, gotTail)
			}
		}
		if !strings.HasPrefix(a.stderr, c.prefix) || !strings.HasPrefix(s.stderr, c.prefix) {
			t.Errorf("%q: stderr does not start with %q:\naws:       %q\nsecretary: %q", c.args, c.prefix, a.stderr, s.stderr)
		}
	}
}
