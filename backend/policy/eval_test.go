package policy

import (
	"fmt"
	"strings"
	"testing"
)

const (
	account  = "123456789012"
	payments = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-AbCdEf"
	billing  = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/billing/api-GhIjKl"
	aliceDev = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:alice/dev/token-MnOpQr"
	other    = "arn:aws:secretsmanager:us-east-1:999999999999:secret:prod/payments/db-AbCdEf"
)

// request is one question asked of a scenario's policies.
type request struct {
	user     string // default "alice"
	action   string // without the secretsmanager: prefix unless it has a colon
	resource string // default payments
	ctx      map[string][]string
	want     Outcome
	// by names the deciding statement as POLICY/SID (identity policies are
	// id0, id1, …; the resource policy is res); "" for an implicit deny.
	by string
}

// scenario is a set of policies and the requests evaluated against them.
type scenario struct {
	name     string
	identity []string
	resource string
	reqs     []request
}

func userARN(name string) string { return "arn:aws:iam::" + account + ":user/" + name }

// stmt builds one statement; extra is raw JSON members appended after
// Action and Resource (a Principal, a Condition).
func stmt(sid, effect, action, resource, extra string) string {
	s := fmt.Sprintf(`{"Sid":%q,"Effect":%q,"Action":%s,"Resource":%s`, sid, effect, jsonList(action), jsonList(resource))
	if extra != "" {
		s += "," + extra
	}
	return s + "}"
}

func jsonList(s string) string {
	if strings.HasPrefix(s, "[") {
		return s
	}
	return fmt.Sprintf("%q", s)
}

func doc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

func principalUser(name string) string { return fmt.Sprintf(`"Principal":{"AWS":%q}`, userARN(name)) }

const anyPrincipal = `"Principal":"*"`

var scenarios = []scenario{
	// --- AWS policy evaluation logic, same account ---
	{name: "no policies at all", reqs: []request{
		{action: "GetSecretValue", want: ImplicitDeny},
		{action: "ListSecrets", resource: "*", want: ImplicitDeny},
	}},
	{name: "identity allow", identity: []string{doc(stmt("Read", "Allow", "secretsmanager:GetSecretValue", "*", ""))}, reqs: []request{
		{action: "GetSecretValue", want: Allowed, by: "id0/Read"},
		{action: "PutSecretValue", want: ImplicitDeny},
		{action: "GetSecretValue", resource: billing, want: Allowed, by: "id0/Read"},
	}},
	{name: "explicit deny beats allow in the same policy", identity: []string{doc(
		stmt("All", "Allow", "secretsmanager:*", "*", ""),
		stmt("NoDelete", "Deny", "secretsmanager:DeleteSecret", "*", ""),
	)}, reqs: []request{
		{action: "DeleteSecret", want: ExplicitDeny, by: "id0/NoDelete"},
		{action: "GetSecretValue", want: Allowed, by: "id0/All"},
		{action: "ListSecrets", resource: "*", want: Allowed, by: "id0/All"},
	}},
	{name: "explicit deny in a group policy beats the user's allow", identity: []string{
		doc(stmt("UserAll", "Allow", "*", "*", "")),
		doc(stmt("GroupNoPayments", "Deny", "secretsmanager:*", "arn:aws:secretsmanager:*:*:secret:prod/payments/*", "")),
	}, reqs: []request{
		{action: "GetSecretValue", want: ExplicitDeny, by: "id1/GroupNoPayments"},
		{action: "GetSecretValue", resource: billing, want: Allowed, by: "id0/UserAll"},
	}},
	{name: "resource policy naming the user allows without an identity policy", resource: doc(
		stmt("AliceReads", "Allow", "secretsmanager:GetSecretValue", "*", principalUser("alice")),
	), reqs: []request{
		{action: "GetSecretValue", want: Allowed, by: "res/AliceReads"},
		{user: "bob", action: "GetSecretValue", want: ImplicitDeny},
		{action: "DescribeSecret", want: ImplicitDeny},
	}},
	{name: "resource policy naming the account delegates to identity policies", resource: doc(
		stmt("Account", "Allow", "secretsmanager:GetSecretValue", "*", `"Principal":{"AWS":"arn:aws:iam::123456789012:root"}`),
	), reqs: []request{
		{action: "GetSecretValue", want: ImplicitDeny},
		{user: "bob", action: "GetSecretValue", want: ImplicitDeny},
	}},
	{name: "account principal as a bare id also delegates", resource: doc(
		stmt("Account", "Allow", "*", "*", `"Principal":{"AWS":"123456789012"}`),
	), identity: []string{doc(stmt("Read", "Allow", "secretsmanager:GetSecretValue", "*", ""))}, reqs: []request{
		{action: "GetSecretValue", want: Allowed, by: "id0/Read"},
		{action: "DeleteSecret", want: ImplicitDeny},
	}},
	{name: "resource policy deny naming the account applies to every user", resource: doc(
		stmt("NoOne", "Deny", "secretsmanager:DeleteSecret", "*", `"Principal":{"AWS":"arn:aws:iam::123456789012:root"}`),
	), identity: []string{doc(stmt("All", "Allow", "*", "*", ""))}, reqs: []request{
		{action: "DeleteSecret", want: ExplicitDeny, by: "res/NoOne"},
		{user: "bob", action: "DeleteSecret", want: ExplicitDeny, by: "res/NoOne"},
		{action: "GetSecretValue", want: Allowed, by: "id0/All"},
	}},
	{name: "resource policy deny beats identity allow", resource: doc(
		stmt("DenyBob", "Deny", "secretsmanager:*", "*", principalUser("bob")),
	), identity: []string{doc(stmt("All", "Allow", "secretsmanager:*", "*", ""))}, reqs: []request{
		{user: "bob", action: "GetSecretValue", want: ExplicitDeny, by: "res/DenyBob"},
		{action: "GetSecretValue", want: Allowed, by: "id0/All"},
	}},
	{name: "identity deny beats resource allow", resource: doc(
		stmt("AliceAll", "Allow", "secretsmanager:*", "*", principalUser("alice")),
	), identity: []string{doc(stmt("NoPut", "Deny", "secretsmanager:PutSecretValue", "*", ""))}, reqs: []request{
		{action: "PutSecretValue", want: ExplicitDeny, by: "id0/NoPut"},
		{action: "GetSecretValue", want: Allowed, by: "res/AliceAll"},
	}},
	{name: "wildcard principal in a resource policy", resource: doc(
		stmt("Anyone", "Allow", "secretsmanager:DescribeSecret", "*", anyPrincipal),
		stmt("AnyoneAWS", "Deny", "secretsmanager:DeleteSecret", "*", `"Principal":{"AWS":"*"}`),
	), reqs: []request{
		{action: "DescribeSecret", want: Allowed, by: "res/Anyone"},
		{user: "bob", action: "DescribeSecret", want: Allowed, by: "res/Anyone"},
		{action: "DeleteSecret", want: ExplicitDeny, by: "res/AnyoneAWS"},
	}},
	{name: "NotPrincipal deny spares the named user", resource: doc(
		`{"Sid":"OnlyAdmin","Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/admin"},"Action":"secretsmanager:*","Resource":"*"}`,
	), identity: []string{doc(stmt("All", "Allow", "*", "*", ""))}, reqs: []request{
		{user: "admin", action: "GetSecretValue", want: Allowed, by: "id0/All"},
		{action: "GetSecretValue", want: ExplicitDeny, by: "res/OnlyAdmin"},
		{user: "bob", action: "PutSecretValue", want: ExplicitDeny, by: "res/OnlyAdmin"},
	}},
	{name: "service principal never matches a user", resource: doc(
		stmt("Lambda", "Allow", "secretsmanager:GetSecretValue", "*", `"Principal":{"Service":"lambda.amazonaws.com"}`),
	), reqs: []request{
		{action: "GetSecretValue", want: ImplicitDeny},
	}},
	{name: "statements without Sid are named by position", identity: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"secretsmanager:TagResource","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*"}]}`}, reqs: []request{
		{action: "TagResource", want: ExplicitDeny, by: "id0#0"},
		{action: "UntagResource", want: Allowed, by: "id0#1"},
	}},
	{name: "a single statement object instead of a list", identity: []string{`{"Version":"2012-10-17","Statement":{"Sid":"One","Effect":"Allow","Action":"secretsmanager:ListSecrets","Resource":"*"}}`}, reqs: []request{
		{action: "ListSecrets", resource: "*", want: Allowed, by: "id0/One"},
		{action: "GetSecretValue", want: ImplicitDeny},
	}},

	// --- Action and NotAction ---
	{name: "action wildcards", identity: []string{doc(stmt("Gets", "Allow", "secretsmanager:Get*", "*", ""))}, reqs: []request{
		{action: "GetSecretValue", want: Allowed, by: "id0/Gets"},
		{action: "GetResourcePolicy", want: Allowed, by: "id0/Gets"},
		{action: "GetRandomPassword", resource: "*", want: Allowed, by: "id0/Gets"},
		{action: "DescribeSecret", want: ImplicitDeny},
		{action: "BatchGetSecretValue", resource: "*", want: ImplicitDeny},
	}},
	{name: "action names ignore case", identity: []string{doc(stmt("Lower", "Allow", "SecretsManager:getsecretvalue", "*", ""))}, reqs: []request{
		{action: "GetSecretValue", want: Allowed, by: "id0/Lower"},
		{action: "GetSecretValueX", want: ImplicitDeny},
	}},
	{name: "single-character action wildcard", identity: []string{doc(stmt("Tag", "Allow", "secretsmanager:?ntagResource", "*", ""))}, reqs: []request{
		{action: "UntagResource", want: Allowed, by: "id0/Tag"},
		{action: "TagResource", want: ImplicitDeny},
	}},
	{name: "action list", identity: []string{doc(stmt("Two", "Allow", `["secretsmanager:DescribeSecret","secretsmanager:ListSecretVersionIds"]`, "*", ""))}, reqs: []request{
		{action: "DescribeSecret", want: Allowed, by: "id0/Two"},
		{action: "ListSecretVersionIds", want: Allowed, by: "id0/Two"},
		{action: "GetSecretValue", want: ImplicitDeny},
	}},
	{name: "NotAction allow grants everything else", identity: []string{doc(
		`{"Sid":"AllButDelete","Effect":"Allow","NotAction":["secretsmanager:DeleteSecret","secretsmanager:Put*"],"Resource":"*"}`,
	)}, reqs: []request{
		{action: "GetSecretValue", want: Allowed, by: "id0/AllButDelete"},
		{action: "DeleteSecret", want: ImplicitDeny},
		{action: "PutSecretValue", want: ImplicitDeny},
		{action: "PutResourcePolicy", want: ImplicitDeny},
		{action: "RestoreSecret", want: Allowed, by: "id0/AllButDelete"},
	}},
	{name: "NotAction deny denies everything else", identity: []string{doc(
		stmt("All", "Allow", "*", "*", ""),
		`{"Sid":"OnlyReads","Effect":"Deny","NotAction":["secretsmanager:Get*","secretsmanager:Describe*","secretsmanager:List*"],"Resource":"*"}`,
	)}, reqs: []request{
		{action: "GetSecretValue", want: Allowed, by: "id0/All"},
		{action: "ListSecrets", resource: "*", want: Allowed, by: "id0/All"},
		{action: "UpdateSecret", want: ExplicitDeny, by: "id0/OnlyReads"},
		{action: "CreateSecret", want: ExplicitDeny, by: "id0/OnlyReads"},
	}},
	{name: "other services' actions do not grant Secrets Manager ones", identity: []string{doc(stmt("S3", "Allow", "s3:GetObject", "*", ""))}, reqs: []request{
		{action: "GetSecretValue", want: ImplicitDeny},
	}},

	// --- Resource and NotResource ---
	{name: "resource prefix wildcard", identity: []string{doc(stmt("Payments", "Allow", "secretsmanager:*", "arn:aws:secretsmanager:*:*:secret:prod/payments/*", ""))}, reqs: []request{
		{action: "GetSecretValue", want: Allowed, by: "id0/Payments"},
		{action: "GetSecretValue", resource: billing, want: ImplicitDeny},
		{action: "GetSecretValue", resource: other, want: Allowed, by: "id0/Payments"},
		{action: "ListSecrets", resource: "*", want: ImplicitDeny},
	}},
	{name: "resource pinned to account and region", identity: []string{doc(stmt("Pinned", "Allow", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:123456789012:secret:*", ""))}, reqs: []request{
		{action: "GetSecretValue", want: Allowed, by: "id0/Pinned"},
		{action: "GetSecretValue", resource: other, want: ImplicitDeny},
		{action: "GetSecretValue", resource: aliceDev, want: ImplicitDeny},
	}},
	{name: "exact ARN with ?????? suffix", identity: []string{doc(stmt("Exact", "Allow", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-??????", ""))}, reqs: []request{
		{action: "GetSecretValue", want: Allowed, by: "id0/Exact"},
		{action: "GetSecretValue", resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-AbCdE", want: ImplicitDeny},
		{action: "GetSecretValue", resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-old-AbCdEf", want: ImplicitDeny},
	}},
	{name: "a wildcard does not span ARN components", identity: []string{doc(stmt("Region", "Allow", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-*:123456789012:secret:*", ""))}, reqs: []request{
		{action: "GetSecretValue", want: Allowed, by: "id0/Region"},
		{action: "GetSecretValue", resource: "arn:aws:secretsmanager:us-east-1:999:123456789012:secret:x", want: ImplicitDeny},
	}},
	{name: "resource names are case sensitive", identity: []string{doc(stmt("Case", "Allow", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:PROD/*", ""))}, reqs: []request{
		{action: "GetSecretValue", want: ImplicitDeny},
	}},
	{name: "NotResource allow", identity: []string{doc(`{"Sid":"NotPayments","Effect":"Allow","Action":"secretsmanager:GetSecretValue","NotResource":"arn:aws:secretsmanager:*:*:secret:prod/payments/*"}`)}, reqs: []request{
		{action: "GetSecretValue", resource: billing, want: Allowed, by: "id0/NotPayments"},
		{action: "GetSecretValue", want: ImplicitDeny},
	}},
	{name: "NotResource deny", identity: []string{doc(
		stmt("All", "Allow", "secretsmanager:*", "*", ""),
		`{"Sid":"OnlyDev","Effect":"Deny","Action":"secretsmanager:PutSecretValue","NotResource":["arn:aws:secretsmanager:*:*:secret:alice/*"]}`,
	)}, reqs: []request{
		{action: "PutSecretValue", resource: aliceDev, want: Allowed, by: "id0/All"},
		{action: "PutSecretValue", want: ExplicitDeny, by: "id0/OnlyDev"},
		{action: "PutSecretValue", resource: billing, want: ExplicitDeny, by: "id0/OnlyDev"},
	}},
	{name: "ListSecrets and GetRandomPassword need Resource *", identity: []string{doc(
		stmt("List", "Allow", `["secretsmanager:ListSecrets","secretsmanager:GetRandomPassword"]`, "*", ""),
		stmt("Scoped", "Allow", "secretsmanager:BatchGetSecretValue", "arn:aws:secretsmanager:*:*:secret:*", ""),
	)}, reqs: []request{
		{action: "ListSecrets", resource: "*", want: Allowed, by: "id0/List"},
		{action: "GetRandomPassword", resource: "*", want: Allowed, by: "id0/List"},
		{action: "BatchGetSecretValue", resource: "*", want: ImplicitDeny},
	}},

	// --- condition operators ---
	{name: "StringEquals on a resource tag", identity: []string{doc(stmt("Team", "Allow", "secretsmanager:GetSecretValue", "*", `"Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"payments"}}`))}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"secretsmanager:ResourceTag/team": {"payments"}}, want: Allowed, by: "id0/Team"},
		{action: "GetSecretValue", ctx: map[string][]string{"secretsmanager:ResourceTag/team": {"Payments"}}, want: ImplicitDeny},
		{action: "GetSecretValue", ctx: map[string][]string{"secretsmanager:ResourceTag/owner": {"payments"}}, want: ImplicitDeny},
		{action: "GetSecretValue", want: ImplicitDeny},
	}},
	{name: "condition key names ignore case", identity: []string{doc(stmt("Team", "Allow", "secretsmanager:GetSecretValue", "*", `"Condition":{"StringEquals":{"AWS:ResourceTag/Team":"payments"}}`))}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"aws:resourcetag/team": {"payments"}}, want: Allowed, by: "id0/Team"},
	}},
	{name: "StringEqualsIgnoreCase", identity: []string{doc(stmt("Env", "Allow", "secretsmanager:GetSecretValue", "*", `"Condition":{"StringEqualsIgnoreCase":{"aws:ResourceTag/env":"PROD"}}`))}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/env": {"prod"}}, want: Allowed, by: "id0/Env"},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/env": {"dev"}}, want: ImplicitDeny},
	}},
	{name: "StringNotEquals deny, key absent counts as not equal", identity: []string{doc(
		stmt("All", "Allow", "*", "*", ""),
		stmt("OnlyPayments", "Deny", "secretsmanager:GetSecretValue", "*", `"Condition":{"StringNotEquals":{"aws:ResourceTag/team":["payments","ops"]}}`),
	)}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/team": {"payments"}}, want: Allowed, by: "id0/All"},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/team": {"ops"}}, want: Allowed, by: "id0/All"},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/team": {"web"}}, want: ExplicitDeny, by: "id0/OnlyPayments"},
		{action: "GetSecretValue", want: ExplicitDeny, by: "id0/OnlyPayments"},
	}},
	{name: "StringNotEqualsIgnoreCase", identity: []string{doc(
		stmt("All", "Allow", "*", "*", ""),
		stmt("NotProd", "Deny", "secretsmanager:PutSecretValue", "*", `"Condition":{"StringNotEqualsIgnoreCase":{"aws:ResourceTag/env":"dev"}}`),
	)}, reqs: []request{
		{action: "PutSecretValue", ctx: map[string][]string{"aws:ResourceTag/env": {"DEV"}}, want: Allowed, by: "id0/All"},
		{action: "PutSecretValue", ctx: map[string][]string{"aws:ResourceTag/env": {"prod"}}, want: ExplicitDeny, by: "id0/NotProd"},
	}},
	{name: "StringLike with wildcards on the name", identity: []string{doc(stmt("Like", "Allow", "secretsmanager:DescribeSecret", "*", `"Condition":{"StringLike":{"secretsmanager:Name":["prod/*/db","dev/??"]}}`))}, reqs: []request{
		{action: "DescribeSecret", ctx: map[string][]string{"secretsmanager:Name": {"prod/payments/db"}}, want: Allowed, by: "id0/Like"},
		{action: "DescribeSecret", ctx: map[string][]string{"secretsmanager:Name": {"dev/ab"}}, want: Allowed, by: "id0/Like"},
		{action: "DescribeSecret", ctx: map[string][]string{"secretsmanager:Name": {"dev/abc"}}, want: ImplicitDeny},
		{action: "DescribeSecret", ctx: map[string][]string{"secretsmanager:Name": {"prod/payments/api"}}, want: ImplicitDeny},
	}},
	{name: "StringNotLike", identity: []string{doc(stmt("NotTmp", "Allow", "secretsmanager:CreateSecret", "*", `"Condition":{"StringNotLike":{"secretsmanager:Name":"tmp/*"}}`))}, reqs: []request{
		{action: "CreateSecret", ctx: map[string][]string{"secretsmanager:Name": {"prod/x"}}, want: Allowed, by: "id0/NotTmp"},
		{action: "CreateSecret", ctx: map[string][]string{"secretsmanager:Name": {"tmp/x"}}, want: ImplicitDeny},
	}},
	{name: "numeric operators on the recovery window", identity: []string{doc(
		stmt("Eq", "Allow", "secretsmanager:DeleteSecret", payments, `"Condition":{"NumericEquals":{"secretsmanager:RecoveryWindowInDays":"30"}}`),
		stmt("Ge", "Allow", "secretsmanager:DeleteSecret", billing, `"Condition":{"NumericGreaterThanEquals":{"secretsmanager:RecoveryWindowInDays":14}}`),
		stmt("Lt", "Allow", "secretsmanager:DeleteSecret", aliceDev, `"Condition":{"NumericLessThan":{"secretsmanager:RecoveryWindowInDays":10}}`),
	)}, reqs: []request{
		{action: "DeleteSecret", ctx: map[string][]string{"secretsmanager:RecoveryWindowInDays": {"30"}}, want: Allowed, by: "id0/Eq"},
		{action: "DeleteSecret", ctx: map[string][]string{"secretsmanager:RecoveryWindowInDays": {"7"}}, want: ImplicitDeny},
		{action: "DeleteSecret", resource: billing, ctx: map[string][]string{"secretsmanager:RecoveryWindowInDays": {"14"}}, want: Allowed, by: "id0/Ge"},
		{action: "DeleteSecret", resource: billing, ctx: map[string][]string{"secretsmanager:RecoveryWindowInDays": {"13"}}, want: ImplicitDeny},
		{action: "DeleteSecret", resource: aliceDev, ctx: map[string][]string{"secretsmanager:RecoveryWindowInDays": {"7"}}, want: Allowed, by: "id0/Lt"},
		{action: "DeleteSecret", resource: aliceDev, ctx: map[string][]string{"secretsmanager:RecoveryWindowInDays": {"10"}}, want: ImplicitDeny},
		{action: "DeleteSecret", resource: aliceDev, ctx: map[string][]string{"secretsmanager:RecoveryWindowInDays": {"many"}}, want: ImplicitDeny},
	}},
	{name: "NumericNotEquals, NumericLessThanEquals, NumericGreaterThan", identity: []string{doc(
		stmt("All", "Allow", "*", "*", ""),
		stmt("Ne", "Deny", "secretsmanager:DeleteSecret", payments, `"Condition":{"NumericNotEquals":{"secretsmanager:RecoveryWindowInDays":[7,30]}}`),
		stmt("Le", "Deny", "secretsmanager:DeleteSecret", billing, `"Condition":{"NumericLessThanEquals":{"secretsmanager:RecoveryWindowInDays":"7"}}`),
		stmt("Gt", "Deny", "secretsmanager:DeleteSecret", aliceDev, `"Condition":{"NumericGreaterThan":{"secretsmanager:RecoveryWindowInDays":"20"}}`),
	)}, reqs: []request{
		{action: "DeleteSecret", ctx: map[string][]string{"secretsmanager:RecoveryWindowInDays": {"7"}}, want: Allowed, by: "id0/All"},
		{action: "DeleteSecret", ctx: map[string][]string{"secretsmanager:RecoveryWindowInDays": {"8"}}, want: ExplicitDeny, by: "id0/Ne"},
		{action: "DeleteSecret", resource: billing, ctx: map[string][]string{"secretsmanager:RecoveryWindowInDays": {"7"}}, want: ExplicitDeny, by: "id0/Le"},
		{action: "DeleteSecret", resource: billing, ctx: map[string][]string{"secretsmanager:RecoveryWindowInDays": {"8"}}, want: Allowed, by: "id0/All"},
		{action: "DeleteSecret", resource: aliceDev, ctx: map[string][]string{"secretsmanager:RecoveryWindowInDays": {"21"}}, want: ExplicitDeny, by: "id0/Gt"},
		{action: "DeleteSecret", resource: aliceDev, ctx: map[string][]string{"secretsmanager:RecoveryWindowInDays": {"20"}}, want: Allowed, by: "id0/All"},
	}},
	{name: "date operators on aws:CurrentTime", identity: []string{doc(
		stmt("Window", "Allow", "secretsmanager:GetSecretValue", "*", `"Condition":{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2026-12-31T23:59:59Z"}}`),
	)}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"aws:CurrentTime": {"2026-06-01T12:00:00Z"}}, want: Allowed, by: "id0/Window"},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:CurrentTime": {"2025-12-31T23:00:00Z"}}, want: ImplicitDeny},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:CurrentTime": {"2027-01-01T00:00:00Z"}}, want: ImplicitDeny},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:CurrentTime": {"2026-06-01T14:00:00+02:00"}}, want: Allowed, by: "id0/Window"},
		{action: "GetSecretValue", want: ImplicitDeny},
	}},
	{name: "DateEquals, DateNotEquals, DateLessThanEquals, DateGreaterThanEquals with epoch seconds", identity: []string{doc(
		stmt("Eq", "Allow", "secretsmanager:GetSecretValue", payments, `"Condition":{"DateEquals":{"aws:EpochTime":"1767225600"}}`),
		stmt("Le", "Allow", "secretsmanager:GetSecretValue", billing, `"Condition":{"DateLessThanEquals":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}`),
		stmt("Ge", "Allow", "secretsmanager:GetSecretValue", aliceDev, `"Condition":{"DateGreaterThanEquals":{"aws:CurrentTime":"2026-01-01"}}`),
		stmt("Ne", "Deny", "secretsmanager:GetSecretValue", aliceDev, `"Condition":{"DateNotEquals":{"aws:CurrentTime":["2026-01-01T00:00:00Z","2026-02-01T00:00:00Z"]}}`),
	)}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"aws:EpochTime": {"1767225600"}}, want: Allowed, by: "id0/Eq"},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:EpochTime": {"1767225601"}}, want: ImplicitDeny},
		{action: "GetSecretValue", resource: billing, ctx: map[string][]string{"aws:CurrentTime": {"2026-01-01T00:00:00Z"}}, want: Allowed, by: "id0/Le"},
		{action: "GetSecretValue", resource: billing, ctx: map[string][]string{"aws:CurrentTime": {"2026-01-01T00:00:01Z"}}, want: ImplicitDeny},
		{action: "GetSecretValue", resource: aliceDev, ctx: map[string][]string{"aws:CurrentTime": {"2026-02-01T00:00:00Z"}}, want: Allowed, by: "id0/Ge"},
		{action: "GetSecretValue", resource: aliceDev, ctx: map[string][]string{"aws:CurrentTime": {"2026-03-01T00:00:00Z"}}, want: ExplicitDeny, by: "id0/Ne"},
	}},
	{name: "Bool on aws:SecureTransport", identity: []string{doc(
		stmt("All", "Allow", "*", "*", ""),
		stmt("TLSOnly", "Deny", "*", "*", `"Condition":{"Bool":{"aws:SecureTransport":"false"}}`),
	)}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"aws:SecureTransport": {"true"}}, want: Allowed, by: "id0/All"},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:SecureTransport": {"false"}}, want: ExplicitDeny, by: "id0/TLSOnly"},
		{action: "GetSecretValue", want: Allowed, by: "id0/All"},
	}},
	{name: "Bool with a JSON boolean value", identity: []string{doc(
		stmt("TLS", "Allow", "secretsmanager:GetSecretValue", "*", `"Condition":{"Bool":{"aws:SecureTransport":true}}`),
	)}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"aws:SecureTransport": {"true"}}, want: Allowed, by: "id0/TLS"},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:SecureTransport": {"false"}}, want: ImplicitDeny},
	}},
	{name: "IpAddress and NotIpAddress", identity: []string{doc(
		stmt("Office", "Allow", "secretsmanager:GetSecretValue", "*", `"Condition":{"IpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8::/32","198.51.100.7"]}}`),
		stmt("NotLab", "Deny", "secretsmanager:GetSecretValue", "*", `"Condition":{"NotIpAddress":{"aws:SourceIp":"0.0.0.0/0"},"Null":{"aws:SourceIp":"false"}}`),
	)}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"aws:SourceIp": {"192.0.2.44"}}, want: Allowed, by: "id0/Office"},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:SourceIp": {"198.51.100.7"}}, want: Allowed, by: "id0/Office"},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:SourceIp": {"198.51.100.8"}}, want: ImplicitDeny},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:SourceIp": {"2001:db8:1::5"}}, want: ExplicitDeny, by: "id0/NotLab"},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:SourceIp": {"not an ip"}}, want: ExplicitDeny, by: "id0/NotLab"},
		{action: "GetSecretValue", want: ImplicitDeny},
	}},
	{name: "ArnLike and ArnEquals on aws:PrincipalArn", resource: doc(
		stmt("Ops", "Allow", "secretsmanager:GetSecretValue", "*", anyPrincipal+`,"Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:user/ops-*"}}`),
		stmt("Exact", "Allow", "secretsmanager:DescribeSecret", "*", anyPrincipal+`,"Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:user/alice"}}`),
		stmt("NotOps", "Deny", "secretsmanager:PutSecretValue", "*", anyPrincipal+`,"Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/ops-*"}}`),
		stmt("NotAlice", "Deny", "secretsmanager:TagResource", "*", anyPrincipal+`,"Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:user/alice"}}`),
	), identity: []string{doc(stmt("Writes", "Allow", `["secretsmanager:PutSecretValue","secretsmanager:TagResource"]`, "*", ""))}, reqs: []request{
		{user: "ops-1", action: "GetSecretValue", want: Allowed, by: "res/Ops"},
		{action: "GetSecretValue", want: ImplicitDeny},
		{action: "DescribeSecret", want: Allowed, by: "res/Exact"},
		{user: "bob", action: "DescribeSecret", want: ImplicitDeny},
		{user: "ops-2", action: "PutSecretValue", want: Allowed, by: "id0/Writes"},
		{action: "PutSecretValue", want: ExplicitDeny, by: "res/NotOps"},
		{action: "TagResource", want: Allowed, by: "id0/Writes"},
		{user: "ops-2", action: "TagResource", want: ExplicitDeny, by: "res/NotAlice"},
	}},
	{name: "Null tests presence", identity: []string{doc(
		stmt("All", "Allow", "*", "*", ""),
		stmt("TagRequired", "Deny", "secretsmanager:CreateSecret", "*", `"Condition":{"Null":{"aws:RequestTag/team":"true"}}`),
		stmt("NoKms", "Deny", "secretsmanager:UpdateSecret", "*", `"Condition":{"Null":{"secretsmanager:KmsKeyId":"false"}}`),
	)}, reqs: []request{
		{action: "CreateSecret", ctx: map[string][]string{"aws:RequestTag/team": {"web"}}, want: Allowed, by: "id0/All"},
		{action: "CreateSecret", want: ExplicitDeny, by: "id0/TagRequired"},
		{action: "UpdateSecret", want: Allowed, by: "id0/All"},
		{action: "UpdateSecret", ctx: map[string][]string{"secretsmanager:KmsKeyId": {"alias/other"}}, want: ExplicitDeny, by: "id0/NoKms"},
	}},
	{name: "IfExists", identity: []string{doc(
		stmt("Team", "Allow", "secretsmanager:GetSecretValue", "*", `"Condition":{"StringEqualsIfExists":{"aws:ResourceTag/team":"payments"}}`),
	)}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/team": {"payments"}}, want: Allowed, by: "id0/Team"},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/team": {"web"}}, want: ImplicitDeny},
		{action: "GetSecretValue", want: Allowed, by: "id0/Team"},
	}},
	{name: "ForAllValues on aws:TagKeys", identity: []string{doc(
		stmt("Keys", "Allow", "secretsmanager:TagResource", "*", `"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}`),
	)}, reqs: []request{
		{action: "TagResource", ctx: map[string][]string{"aws:TagKeys": {"team"}}, want: Allowed, by: "id0/Keys"},
		{action: "TagResource", ctx: map[string][]string{"aws:TagKeys": {"team", "env"}}, want: Allowed, by: "id0/Keys"},
		{action: "TagResource", ctx: map[string][]string{"aws:TagKeys": {"team", "owner"}}, want: ImplicitDeny},
		{action: "TagResource", want: Allowed, by: "id0/Keys"},
	}},
	{name: "ForAnyValue on aws:TagKeys", identity: []string{doc(
		stmt("All", "Allow", "*", "*", ""),
		stmt("Protected", "Deny", "secretsmanager:UntagResource", "*", `"Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":["aws:*","owner"]}}`),
	)}, reqs: []request{
		{action: "UntagResource", ctx: map[string][]string{"aws:TagKeys": {"env", "owner"}}, want: ExplicitDeny, by: "id0/Protected"},
		{action: "UntagResource", ctx: map[string][]string{"aws:TagKeys": {"aws:cloudformation:stack"}}, want: ExplicitDeny, by: "id0/Protected"},
		{action: "UntagResource", ctx: map[string][]string{"aws:TagKeys": {"env"}}, want: Allowed, by: "id0/All"},
		{action: "UntagResource", want: Allowed, by: "id0/All"},
	}},
	{name: "ForAllValues with a negated operator", identity: []string{doc(
		stmt("All", "Allow", "*", "*", ""),
		stmt("NoSecretKeys", "Deny", "secretsmanager:TagResource", "*", `"Condition":{"ForAnyValue:StringNotLike":{"aws:TagKeys":"team*"}}`),
	)}, reqs: []request{
		{action: "TagResource", ctx: map[string][]string{"aws:TagKeys": {"team", "teamlead"}}, want: Allowed, by: "id0/All"},
		{action: "TagResource", ctx: map[string][]string{"aws:TagKeys": {"team", "cost"}}, want: ExplicitDeny, by: "id0/NoSecretKeys"},
	}},
	{name: "values of one key are ORed, keys and operators are ANDed", identity: []string{doc(
		stmt("Both", "Allow", "secretsmanager:GetSecretValue", "*", `"Condition":{"StringEquals":{"aws:ResourceTag/team":["payments","billing"],"aws:ResourceTag/env":"prod"},"Bool":{"aws:SecureTransport":"true"}}`),
	)}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/team": {"billing"}, "aws:ResourceTag/env": {"prod"}, "aws:SecureTransport": {"true"}}, want: Allowed, by: "id0/Both"},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/team": {"billing"}, "aws:ResourceTag/env": {"dev"}, "aws:SecureTransport": {"true"}}, want: ImplicitDeny},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/team": {"billing"}, "aws:ResourceTag/env": {"prod"}, "aws:SecureTransport": {"false"}}, want: ImplicitDeny},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/team": {"web"}, "aws:ResourceTag/env": {"prod"}, "aws:SecureTransport": {"true"}}, want: ImplicitDeny},
	}},
	{name: "BinaryEquals", identity: []string{doc(
		stmt("Bin", "Allow", "secretsmanager:GetSecretValue", "*", `"Condition":{"BinaryEquals":{"aws:ResourceTag/blob":"QmluYXJ5"}}`),
	)}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/blob": {"QmluYXJ5"}}, want: Allowed, by: "id0/Bin"},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/blob": {"qmluyxj5"}}, want: ImplicitDeny},
	}},
	{name: "principal tags and user id", identity: []string{doc(
		stmt("SameTeam", "Allow", "secretsmanager:GetSecretValue", "*", `"Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`),
		stmt("ByID", "Allow", "secretsmanager:DescribeSecret", "*", `"Condition":{"StringEquals":{"aws:userid":"AIDAALICE"}}`),
	)}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/team": {"payments"}}, want: Allowed, by: "id0/SameTeam"},
		{user: "bob", action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/team": {"payments"}}, want: ImplicitDeny},
		{user: "carol", action: "GetSecretValue", ctx: map[string][]string{"aws:ResourceTag/team": {"payments"}}, want: ImplicitDeny},
		{action: "DescribeSecret", want: Allowed, by: "id0/ByID"},
		{user: "bob", action: "DescribeSecret", want: ImplicitDeny},
	}},

	// --- policy variables ---
	{name: "${aws:username} in Resource", identity: []string{doc(
		stmt("Own", "Allow", "secretsmanager:*", "arn:aws:secretsmanager:*:*:secret:${aws:username}/*", ""),
	)}, reqs: []request{
		{action: "PutSecretValue", resource: aliceDev, want: Allowed, by: "id0/Own"},
		{user: "bob", action: "PutSecretValue", resource: aliceDev, want: ImplicitDeny},
		{user: "bob", action: "PutSecretValue", resource: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bob/x-AbCdEf", want: Allowed, by: "id0/Own"},
		{action: "PutSecretValue", want: ImplicitDeny},
	}},
	{name: "${aws:username} in a condition", identity: []string{doc(
		stmt("OwnName", "Allow", "secretsmanager:CreateSecret", "*", `"Condition":{"StringLike":{"secretsmanager:Name":"${aws:username}/*"}}`),
	)}, reqs: []request{
		{action: "CreateSecret", ctx: map[string][]string{"secretsmanager:Name": {"alice/api"}}, want: Allowed, by: "id0/OwnName"},
		{action: "CreateSecret", ctx: map[string][]string{"secretsmanager:Name": {"bob/api"}}, want: ImplicitDeny},
	}},
	{name: "a variable's value matches literally, never as a wildcard", identity: []string{doc(
		stmt("Own", "Allow", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/prefix}-*", ""),
	)}, reqs: []request{
		{user: "star", action: "GetSecretValue", resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:*-AbCdEf", want: Allowed, by: "id0/Own"},
		{user: "star", action: "GetSecretValue", want: ImplicitDeny},
	}},
	{name: "an unresolved variable matches nothing, a default stands in", identity: []string{doc(
		stmt("Team", "Allow", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/team}/*", ""),
		stmt("Dflt", "Allow", "secretsmanager:DescribeSecret", "arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/team, 'prod'}/*", ""),
	)}, reqs: []request{
		{user: "carol", action: "GetSecretValue", want: ImplicitDeny},
		{user: "carol", action: "DescribeSecret", want: Allowed, by: "id0/Dflt"},
		{action: "DescribeSecret", want: ImplicitDeny},
		{action: "DescribeSecret", resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:payments/x-AbCdEf", want: Allowed, by: "id0/Dflt"},
	}},
	{name: "special variables ${*} ${?} ${$}", identity: []string{doc(
		stmt("Lit", "Allow", "secretsmanager:GetSecretValue", "*", `"Condition":{"StringLike":{"secretsmanager:Name":"odd${*}name${?}${$}"}}`),
	)}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"secretsmanager:Name": {"odd*name?$"}}, want: Allowed, by: "id0/Lit"},
		{action: "GetSecretValue", ctx: map[string][]string{"secretsmanager:Name": {"oddXnameY$"}}, want: ImplicitDeny},
	}},
	{name: "no variables in version 2008-10-17", identity: []string{`{"Version":"2008-10-17","Statement":[{"Sid":"Old","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:*:*:secret:${aws:username}/*"}]}`}, reqs: []request{
		{action: "GetSecretValue", resource: aliceDev, want: ImplicitDeny},
		{action: "GetSecretValue", resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:${aws:username}/x", want: Allowed, by: "id0/Old"},
	}},

	// --- the Secrets Manager user guide's examples ---
	{name: "guide: read secrets tagged for the caller's team", identity: []string{doc(
		stmt("ReadByTag", "Allow", `["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret","secretsmanager:ListSecretVersionIds"]`, "*", `"Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"payments"}}`),
		stmt("List", "Allow", "secretsmanager:ListSecrets", "*", ""),
	)}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"secretsmanager:ResourceTag/team": {"payments"}}, want: Allowed, by: "id0/ReadByTag"},
		{action: "ListSecretVersionIds", ctx: map[string][]string{"secretsmanager:ResourceTag/team": {"payments"}}, want: Allowed, by: "id0/ReadByTag"},
		{action: "PutSecretValue", ctx: map[string][]string{"secretsmanager:ResourceTag/team": {"payments"}}, want: ImplicitDeny},
		{action: "GetSecretValue", resource: billing, ctx: map[string][]string{"secretsmanager:ResourceTag/team": {"billing"}}, want: ImplicitDeny},
		{action: "ListSecrets", resource: "*", want: Allowed, by: "id0/List"},
	}},
	{name: "guide: deny deleting without a recovery window", identity: []string{doc(
		stmt("All", "Allow", "secretsmanager:*", "*", ""),
		stmt("NoForce", "Deny", "secretsmanager:DeleteSecret", "*", `"Condition":{"Bool":{"secretsmanager:ForceDeleteWithoutRecovery":"true"}}`),
	)}, reqs: []request{
		{action: "DeleteSecret", ctx: map[string][]string{"secretsmanager:ForceDeleteWithoutRecovery": {"true"}}, want: ExplicitDeny, by: "id0/NoForce"},
		{action: "DeleteSecret", ctx: map[string][]string{"secretsmanager:ForceDeleteWithoutRecovery": {"false"}, "secretsmanager:RecoveryWindowInDays": {"30"}}, want: Allowed, by: "id0/All"},
		{action: "DeleteSecret", want: Allowed, by: "id0/All"},
	}},
	{name: "guide: read only AWSCURRENT", identity: []string{doc(
		stmt("Current", "Allow", "secretsmanager:GetSecretValue", "*", `"Condition":{"ForAnyValue:StringEquals":{"secretsmanager:VersionStage":"AWSCURRENT"}}`),
	)}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"secretsmanager:VersionStage": {"AWSCURRENT"}}, want: Allowed, by: "id0/Current"},
		{action: "GetSecretValue", ctx: map[string][]string{"secretsmanager:VersionStage": {"AWSPREVIOUS"}}, want: ImplicitDeny},
		{action: "GetSecretValue", ctx: map[string][]string{"secretsmanager:VersionId": {"EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE"}}, want: ImplicitDeny},
	}},
	{name: "guide: deny reading a pinned version id", identity: []string{doc(
		stmt("All", "Allow", "*", "*", ""),
		stmt("NoOld", "Deny", "secretsmanager:GetSecretValue", "*", `"Condition":{"StringEquals":{"secretsmanager:VersionId":"EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE"}}`),
	)}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"secretsmanager:VersionId": {"EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE"}}, want: ExplicitDeny, by: "id0/NoOld"},
		{action: "GetSecretValue", ctx: map[string][]string{"secretsmanager:VersionId": {"EXAMPLE2-90ab-cdef-fedc-ba987EXAMPLE"}}, want: Allowed, by: "id0/All"},
	}},
	{name: "guide: allow only from a CIDR (resource policy)", resource: doc(
		stmt("FromOffice", "Deny", "secretsmanager:*", "*", anyPrincipal+`,"Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`),
	), identity: []string{doc(stmt("All", "Allow", "secretsmanager:*", "*", ""))}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"aws:SourceIp": {"203.0.113.9"}}, want: Allowed, by: "id0/All"},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:SourceIp": {"198.51.100.1"}}, want: ExplicitDeny, by: "res/FromOffice"},
		{action: "GetSecretValue", want: ExplicitDeny, by: "res/FromOffice"},
		{action: "GetSecretValue", ctx: map[string][]string{"aws:SourceIp": {"::ffff:203.0.113.9"}}, want: Allowed, by: "id0/All"},
	}},
	{name: "guide: per-user prefix with ${aws:username}", identity: []string{doc(
		stmt("Create", "Allow", "secretsmanager:CreateSecret", "*", `"Condition":{"StringLike":{"secretsmanager:Name":"${aws:username}/*"}}`),
		stmt("Manage", "Allow", "secretsmanager:*", "arn:aws:secretsmanager:*:*:secret:${aws:username}/*", ""),
	)}, reqs: []request{
		{action: "CreateSecret", ctx: map[string][]string{"secretsmanager:Name": {"alice/new"}}, want: Allowed, by: "id0/Create"},
		{action: "CreateSecret", ctx: map[string][]string{"secretsmanager:Name": {"prod/new"}}, want: ImplicitDeny},
		{action: "DeleteSecret", resource: aliceDev, want: Allowed, by: "id0/Manage"},
		{action: "DeleteSecret", want: ImplicitDeny},
	}},
	{name: "guide: require tags on create and restrict tag keys", identity: []string{doc(
		stmt("Create", "Allow", `["secretsmanager:CreateSecret","secretsmanager:TagResource"]`, "*", `"Condition":{"StringEquals":{"aws:RequestTag/team":"payments"},"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}`),
	)}, reqs: []request{
		{action: "CreateSecret", ctx: map[string][]string{"aws:RequestTag/team": {"payments"}, "aws:TagKeys": {"team"}}, want: Allowed, by: "id0/Create"},
		{action: "CreateSecret", ctx: map[string][]string{"aws:RequestTag/team": {"payments"}, "aws:TagKeys": {"team", "cost"}}, want: ImplicitDeny},
		{action: "CreateSecret", ctx: map[string][]string{"aws:RequestTag/team": {"web"}, "aws:TagKeys": {"team"}}, want: ImplicitDeny},
		{action: "CreateSecret", want: ImplicitDeny},
	}},
	{name: "guide: only one rotation function", identity: []string{doc(
		stmt("Rotate", "Allow", "secretsmanager:RotateSecret", "*", `"Condition":{"ArnLike":{"secretsmanager:RotationLambdaARN":"arn:aws:lambda:*:123456789012:function:rotate-*"}}`),
	)}, reqs: []request{
		{action: "RotateSecret", ctx: map[string][]string{"secretsmanager:RotationLambdaARN": {"arn:aws:lambda:us-east-1:123456789012:function:rotate-db"}}, want: Allowed, by: "id0/Rotate"},
		{action: "RotateSecret", ctx: map[string][]string{"secretsmanager:RotationLambdaARN": {"arn:aws:lambda:us-east-1:999999999999:function:rotate-db"}}, want: ImplicitDeny},
		{action: "RotateSecret", want: ImplicitDeny},
	}},
	{name: "guide: never a public resource policy", identity: []string{doc(
		stmt("Policies", "Allow", "secretsmanager:PutResourcePolicy", "*", `"Condition":{"Bool":{"secretsmanager:BlockPublicPolicy":"true"}}`),
	)}, reqs: []request{
		{action: "PutResourcePolicy", ctx: map[string][]string{"secretsmanager:BlockPublicPolicy": {"true"}}, want: Allowed, by: "id0/Policies"},
		{action: "PutResourcePolicy", ctx: map[string][]string{"secretsmanager:BlockPublicPolicy": {"false"}}, want: ImplicitDeny},
	}},
	{name: "guide: only the caller's own KMS key and description", identity: []string{doc(
		stmt("Create", "Allow", "secretsmanager:CreateSecret", "*", `"Condition":{"StringEquals":{"secretsmanager:KmsKeyId":"alias/payments"},"StringLike":{"secretsmanager:Description":"*payments*"}}`),
	)}, reqs: []request{
		{action: "CreateSecret", ctx: map[string][]string{"secretsmanager:KmsKeyId": {"alias/payments"}, "secretsmanager:Description": {"the payments db"}}, want: Allowed, by: "id0/Create"},
		{action: "CreateSecret", ctx: map[string][]string{"secretsmanager:KmsKeyId": {"alias/other"}, "secretsmanager:Description": {"the payments db"}}, want: ImplicitDeny},
		{action: "CreateSecret", ctx: map[string][]string{"secretsmanager:KmsKeyId": {"alias/payments"}}, want: ImplicitDeny},
	}},
	{name: "guide: SecretId condition for a named secret", identity: []string{doc(
		stmt("ById", "Allow", "secretsmanager:GetSecretValue", "*", `"Condition":{"StringEquals":{"secretsmanager:SecretId":"`+payments+`"}}`),
	)}, reqs: []request{
		{action: "GetSecretValue", ctx: map[string][]string{"secretsmanager:SecretId": {payments}}, want: Allowed, by: "id0/ById"},
		{action: "GetSecretValue", resource: billing, ctx: map[string][]string{"secretsmanager:SecretId": {billing}}, want: ImplicitDeny},
	}},
	{name: "two users: limited reader and administrator", identity: []string{doc(
		stmt("Admin", "Allow", "*", "*", `"Condition":{"StringEquals":{"aws:username":"admin"}}`),
		stmt("Reader", "Allow", `["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret"]`, "arn:aws:secretsmanager:*:*:secret:prod/payments/*", `"Condition":{"StringEquals":{"aws:username":"payments","secretsmanager:ResourceTag/team":"payments"}}`),
	)}, reqs: []request{
		{user: "admin", action: "DeleteSecret", want: Allowed, by: "id0/Admin"},
		{user: "admin", action: "ListSecrets", resource: "*", want: Allowed, by: "id0/Admin"},
		{user: "payments", action: "GetSecretValue", ctx: map[string][]string{"secretsmanager:ResourceTag/team": {"payments"}}, want: Allowed, by: "id0/Reader"},
		{user: "payments", action: "GetSecretValue", ctx: map[string][]string{"secretsmanager:ResourceTag/team": {"web"}}, want: ImplicitDeny},
		{user: "payments", action: "GetSecretValue", resource: billing, ctx: map[string][]string{"secretsmanager:ResourceTag/team": {"payments"}}, want: ImplicitDeny},
		{user: "payments", action: "PutSecretValue", ctx: map[string][]string{"secretsmanager:ResourceTag/team": {"payments"}}, want: ImplicitDeny},
		{user: "payments", action: "ListSecrets", resource: "*", want: ImplicitDeny},
	}},
}

// principal builds the caller; alice has team and prefix tags, star's
// prefix tag is a literal "*".
func principal(name string) Principal {
	p := Principal{ARN: userARN(name), Account: account, Name: name, ID: "AIDA" + strings.ToUpper(name)}
	switch name {
	case "alice":
		p.Tags = map[string]string{"team": "payments", "prefix": "alice"}
	case "star":
		p.Tags = map[string]string{"prefix": "*"}
	case "bob":
		p.Tags = map[string]string{"team": "web"}
	}
	return p
}

func mustParse(t testing.TB, docText string, kind Kind) *Document {
	t.Helper()
	d, err := Parse(docText, kind)
	if err != nil {
		t.Fatalf("parse %s: %v\n%s", kind, err, docText)
	}
	return d
}

func TestEvaluate(t *testing.T) {
	total := 0
	for _, sc := range scenarios {
		var pols []Attached
		for i, d := range sc.identity {
			pols = append(pols, Attached{Kind: Identity, Name: fmt.Sprintf("id%d", i), Document: mustParse(t, d, Identity)})
		}
		if sc.resource != "" {
			pols = append(pols, Attached{Kind: Resource, Name: "res", Document: mustParse(t, sc.resource, Resource)})
		}
		for i, rq := range sc.reqs {
			total++
			t.Run(fmt.Sprintf("%s/%d", sc.name, i), func(t *testing.T) {
				user := rq.user
				if user == "" {
					user = "alice"
				}
				action := rq.action
				if !strings.Contains(action, ":") {
					action = "secretsmanager:" + action
				}
				res := rq.resource
				if res == "" {
					res = payments
				}
				req := NewRequest(principal(user), action, res)
				for k, v := range rq.ctx {
					req.Context.Set(k, v...)
				}
				got := Evaluate(req, pols)
				// The patterns Parse prepares decide as the strings do.
				plainReq := NewRequest(principal(user), action, res)
				for k, v := range rq.ctx {
					plainReq.Context.Set(k, v...)
				}
				if plain := Evaluate(plainReq, uncompiled(pols)); plain.Outcome != got.Outcome || refName(plain.By) != refName(got.By) {
					t.Fatalf("%s %s on %s: prepared patterns decide %s by %q, the strings %s by %q",
						user, action, res, got.Outcome, refName(got.By), plain.Outcome, refName(plain.By))
				}
				if got.Outcome != rq.want {
					t.Fatalf("%s %s on %s: got %s, want %s", user, action, res, got.Outcome, rq.want)
				}
				if by := refName(got.By); by != rq.by {
					t.Fatalf("%s %s on %s: decided by %q, want %q", user, action, res, by, rq.by)
				}
			})
		}
	}
	if total < 150 {
		t.Fatalf("only %d cases; the evaluator is specified by at least 150", total)
	}
}

// uncompiled copies policies without the patterns Parse prepared.
func uncompiled(pols []Attached) []Attached {
	out := make([]Attached, len(pols))
	for i, p := range pols {
		d := *p.Document
		d.Statements = append([]Statement(nil), d.Statements...)
		for j := range d.Statements {
			d.Statements[j].compiled = nil
		}
		p.Document = &d
		out[i] = p
	}
	return out
}

func refName(r *StatementRef) string {
	if r == nil {
		return ""
	}
	if r.Sid != "" {
		return r.Policy + "/" + r.Sid
	}
	return fmt.Sprintf("%s#%d", r.Policy, r.Index)
}
