package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestIAMCommands manages users, groups and policies with the real binary
// and asks simulate-principal-policy what the stored policies decide.
func TestIAMCommands(t *testing.T) {
	e := newKeyFileStore(t)
	user := e.ok("iam", "create-user", "--user-name", "payments")["User"].(map[string]any)
	if user["Arn"] != "arn:aws:iam::000000000000:user/payments" || user["Path"] != "/" || !strings.HasPrefix(user["UserId"].(string), "AIDA") {
		t.Fatalf("create-user printed %v", user)
	}
	e.fails(254, "\nAn error occurred (EntityAlreadyExists) when calling the CreateUser operation: User with name payments already exists.\n",
		"iam", "create-user", "--user-name", "payments")
	e.ok("iam", "create-user", "--user-name", "ops")
	e.ok("iam", "create-group", "--group-name", "readers")
	e.ok("iam", "add-user-to-group", "--group-name", "readers", "--user-name", "payments")

	readByTag := `{"Version":"2012-10-17","Statement":[{"Sid":"ReadByTag","Effect":"Allow","Action":["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret"],"Resource":"arn:aws:secretsmanager:*:*:secret:prod/payments/*","Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"payments"}}}]}`
	file := filepath.Join(t.TempDir(), "read.json")
	if err := os.WriteFile(file, []byte(readByTag), 0o600); err != nil {
		t.Fatal(err)
	}
	e.ok("iam", "put-group-policy", "--group-name", "readers", "--policy-name", "read-by-tag", "--policy-document", "file://"+file)
	e.ok("iam", "put-user-policy", "--user-name", "ops", "--policy-name", "all",
		"--policy-document", `{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}`)
	e.fails(254, "\nAn error occurred (MalformedPolicyDocument) when calling the PutUserPolicy operation: Statement 1: \"secretsmanager:GetSecretValues\" is not a Secrets Manager action (for example secretsmanager:GetSecretValue or secretsmanager:Get*).\n",
		"iam", "put-user-policy", "--user-name", "payments", "--policy-name", "typo",
		"--policy-document", `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValues","Resource":"*"}]}`)

	got := e.ok("iam", "get-group-policy", "--group-name", "readers", "--policy-name", "read-by-tag")
	var want any
	if err := json.Unmarshal([]byte(readByTag), &want); err != nil {
		t.Fatal(err)
	}
	if got["GroupName"] != "readers" || got["PolicyName"] != "read-by-tag" || !reflect.DeepEqual(got["PolicyDocument"], want) {
		t.Fatalf("get-group-policy printed %v", got)
	}
	if r := e.run("", "iam", "get-group-policy", "--group-name", "readers", "--policy-name", "read-by-tag"); !strings.Contains(r.stdout, "\"Version\": \"2012-10-17\",\n        \"Statement\"") {
		t.Fatalf("the policy document lost its key order:\n%s", r.stdout)
	}
	if got := e.ok("iam", "list-group-policies", "--group-name", "readers")["PolicyNames"]; !reflect.DeepEqual(got, []any{"read-by-tag"}) {
		t.Fatalf("list-group-policies: %v", got)
	}
	if got := e.ok("iam", "list-groups-for-user", "--user-name", "payments")["Groups"].([]any); len(got) != 1 || got[0].(map[string]any)["GroupName"] != "readers" {
		t.Fatalf("list-groups-for-user: %v", got)
	}

	e.ok("create-secret", "--name", "prod/payments/db", "--secret-string", "v", "--tags", "Key=team,Value=payments")
	e.ok("create-secret", "--name", "prod/payments/other", "--secret-string", "v", "--tags", "Key=team,Value=web")
	type match struct{ SourcePolicyId, SourcePolicyType, StatementId string }
	type result struct {
		EvalActionName, EvalResourceName, EvalDecision string
		MatchedStatements                              []match
	}
	simulate := func(user string, args ...string) []result {
		t.Helper()
		r := e.run("", append([]string{"iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::000000000000:user/" + user}, args...)...)
		if r.code != 0 {
			t.Fatalf("simulate: %d %s", r.code, r.stderr)
		}
		var out struct{ EvaluationResults []result }
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatal(err)
		}
		return out.EvaluationResults
	}
	readTag := []match{{"read-by-tag", "group", "ReadByTag"}}
	gotSim := simulate("payments", "--action-names", "secretsmanager:GetSecretValue", "secretsmanager:DeleteSecret",
		"--resource-arns", "prod/payments/db", "prod/payments/other")
	wantSim := []result{
		{"secretsmanager:GetSecretValue", "prod/payments/db", "allowed", readTag},
		{"secretsmanager:GetSecretValue", "prod/payments/other", "implicitDeny", []match{}},
		{"secretsmanager:DeleteSecret", "prod/payments/db", "implicitDeny", []match{}},
		{"secretsmanager:DeleteSecret", "prod/payments/other", "implicitDeny", []match{}},
	}
	if !reflect.DeepEqual(gotSim, wantSim) {
		t.Fatalf("simulate payments:\n got  %+v\n want %+v", gotSim, wantSim)
	}
	// A resource policy's explicit deny beats an allow-all user policy.
	e.ok("put-resource-policy", "--secret-id", "prod/payments/db", "--resource-policy",
		`{"Version":"2012-10-17","Statement":[{"Sid":"NoDelete","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"secretsmanager:DeleteSecret","Resource":"*"}]}`)
	gotSim = simulate("ops", "--action-names", "secretsmanager:DeleteSecret", "secretsmanager:ListSecrets", "--resource-arns", "prod/payments/db")
	wantSim = []result{
		{"secretsmanager:DeleteSecret", "prod/payments/db", "explicitDeny", []match{{"ResourcePolicy", "resource", "NoDelete"}}},
		{"secretsmanager:ListSecrets", "prod/payments/db", "allowed", []match{{"all", "user", "All"}}},
	}
	if !reflect.DeepEqual(gotSim, wantSim) {
		t.Fatalf("simulate ops:\n got  %+v\n want %+v", gotSim, wantSim)
	}

	// Nothing is lost by deleting a user that still has a membership.
	e.fails(254, "\nAn error occurred (DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must remove users from group and delete policies first.\n",
		"iam", "delete-user", "--user-name", "payments")
	e.ok("iam", "remove-user-from-group", "--group-name", "readers", "--user-name", "payments")
	e.ok("iam", "delete-user", "--user-name", "payments")
	e.fails(254, "\nAn error occurred (NoSuchEntity) when calling the GetUser operation: The user with name payments cannot be found.\n",
		"iam", "get-user", "--user-name", "payments")
	// The built-in administrator is listed with the users made by hand.
	if users := e.ok("iam", "list-users")["Users"].([]any); len(users) != 2 || users[0].(map[string]any)["UserName"] != "admin" || users[1].(map[string]any)["UserName"] != "ops" {
		t.Fatalf("list-users: %v", users)
	}
}

// TestServeEnforcesUserPolicies runs the real `secretary serve` and two
// clients: a key of the limited user and an administrator key made the old
// way (without a user). The user's refusal is AWS's error line, the
// administrator is unaffected, and the server log names the deciding
// statement.
func TestServeEnforcesUserPolicies(t *testing.T) {
	e := newKeyFileStore(t)
	admin := createKey(t, e, "admin")
	e.ok("iam", "create-user", "--user-name", "payments")
	e.ok("iam", "put-user-policy", "--user-name", "payments", "--policy-name", "read",
		"--policy-document", `{"Version":"2012-10-17","Statement":[{"Sid":"ReadPayments","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:*:*:secret:prod/payments/*"},{"Sid":"NoBilling","Effect":"Deny","Action":"*","Resource":"arn:aws:secretsmanager:*:*:secret:prod/billing/*"}]}`)
	r := e.run("", "access-key", "create", "--user-name", "payments", "--description", "payments app")
	var created struct{ AccessKey map[string]string }
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &created) != nil || created.AccessKey["UserName"] != "payments" {
		t.Fatalf("access-key create --user-name: %d %s %s", r.code, r.stdout, r.stderr)
	}
	e.fails(254, "\nAn error occurred (NoSuchEntity) when calling the CreateAccessKey operation: The user with name nobody cannot be found.\n",
		"access-key", "create", "--user-name", "nobody")
	e.ok("create-secret", "--name", "prod/payments/db", "--secret-string", "pay")
	e.ok("create-secret", "--name", "prod/billing/db", "--secret-string", "bill")

	srv := startServe(t, e, "--addr", "127.0.0.1:0")
	user := sdkClient(t, srv.endpoint, created.AccessKey["AccessKeyId"], created.AccessKey["SecretAccessKey"])
	root := sdkClient(t, srv.endpoint, admin.id, admin.secret)

	if r := user("get-secret-value", "--secret-id", "prod/payments/db"); r.code != 0 || !strings.Contains(r.stdout, `"SecretString": "pay"`) {
		t.Fatalf("user reads its secret: %d %s %s", r.code, r.stdout, r.stderr)
	}
	const who = "User: arn:aws:iam::000000000000:user/payments is not authorized to perform: "
	for _, c := range []struct {
		args []string
		line string
	}{
		{[]string{"get-secret-value", "--secret-id", "prod/billing/db"},
			"\nAn error occurred (AccessDeniedException) when calling the GetSecretValue operation: " + who + "secretsmanager:GetSecretValue on resource: prod/billing/db with an explicit deny in an identity-based policy\n"},
		{[]string{"put-secret-value", "--secret-id", "prod/payments/db", "--secret-string", "x"},
			"\nAn error occurred (AccessDeniedException) when calling the PutSecretValue operation: " + who + "secretsmanager:PutSecretValue on resource: prod/payments/db because no identity-based policy allows the secretsmanager:PutSecretValue action\n"},
		{[]string{"list-secrets"},
			"\nAn error occurred (AccessDeniedException) when calling the ListSecrets operation: " + who + "secretsmanager:ListSecrets on resource: * because no identity-based policy allows the secretsmanager:ListSecrets action\n"},
	} {
		r := user(c.args...)
		if r.code != 254 || r.stderr != c.line || r.stdout != "" {
			t.Errorf("user %q: %d %q %q\nwant %q", c.args, r.code, r.stdout, r.stderr, c.line)
		}
	}
	for _, args := range [][]string{
		{"get-secret-value", "--secret-id", "prod/billing/db"},
		{"put-secret-value", "--secret-id", "prod/payments/db", "--secret-string", "x"},
		{"list-secrets"},
	} {
		if r := root(args...); r.code != 0 {
			t.Errorf("administrator %q: %d %s", args, r.code, r.stderr)
		}
	}
	srv.waitFor(`by="user/payments/read statement \"NoBilling\""`)
	// The audit record of each denial names the user and the statement
	// that decided it; the administrator key's records name its user.
	exported := e.run("", "audit", "export")
	if exported.code != 0 {
		t.Fatalf("audit export: %d %s", exported.code, exported.stderr)
	}
	decided := map[string]string{}
	adminSeen := false
	for _, line := range strings.Split(strings.TrimSpace(exported.stdout), "\n") {
		var rec struct {
			EventName    string
			ErrorCode    string
			UserIdentity struct{ ARN string }
			Extra        map[string]any `json:"additionalEventData"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("audit export line %q: %v", line, err)
		}
		if rec.ErrorCode == "AccessDeniedException" {
			if rec.UserIdentity.ARN != "arn:aws:iam::000000000000:user/payments" || rec.Extra["principal"] != rec.UserIdentity.ARN {
				t.Errorf("a denial of %s is audited as %q / %v, want the user payments", rec.EventName, rec.UserIdentity.ARN, rec.Extra["principal"])
			}
			decided[rec.EventName], _ = rec.Extra["decidedBy"].(string)
		}
		adminSeen = adminSeen || rec.UserIdentity.ARN == "arn:aws:iam::000000000000:user/admin"
	}
	for op, want := range map[string]string{
		"GetSecretValue": `user/payments/read statement "NoBilling"`,
		"PutSecretValue": "no statement allows it",
		"ListSecrets":    "no statement allows it",
	} {
		if decided[op] != want {
			t.Errorf("the audited denial of %s was decided by %q, want %q", op, decided[op], want)
		}
	}
	if !adminSeen {
		t.Error("no audit record names the administrator user the old-style key acts as")
	}
	// A user whose key still exists cannot be deleted: the key would fall
	// back to nothing, or worse, to the administrator.
	e.ok("iam", "delete-user-policy", "--user-name", "payments", "--policy-name", "read")
	e.fails(254, "\nAn error occurred (DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must delete access keys first.\n",
		"iam", "delete-user", "--user-name", "payments")
	e.ok("access-key", "delete", "--access-key-id", created.AccessKey["AccessKeyId"])
	e.ok("iam", "delete-user", "--user-name", "payments")
}
