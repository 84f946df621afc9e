package policy

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	allowAll := `{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}`
	cases := []struct {
		name   string
		kind   Kind
		doc    string
		checks []string // the CheckName of every finding, in order
		msg    string   // a fragment of the first finding's message
	}{
		{"valid resource policy", Resource, `{"Version":"2012-10-17","Statement":[` + allowAll + `]}`, nil, ""},
		{"valid identity policy", Identity, doc(stmt("A", "Allow", "secretsmanager:Get*", "arn:aws:secretsmanager:*:*:secret:prod/*", `"Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"x"}}`)), nil, ""},
		{"identity policy may name other services", Identity, doc(stmt("S3", "Allow", "s3:GetObject", "*", "")), nil, ""},
		{"malformed JSON", Resource, `{"Version":"2012-10-17",`, []string{CheckSyntax}, "not valid JSON"},
		{"not an object", Resource, `["Statement"]`, []string{CheckSyntax}, "JSON object"},
		{"null", Resource, `null`, []string{CheckSyntax}, "JSON object"},
		{"trailing data", Resource, `{"Statement":[` + allowAll + `]} {}`, []string{CheckSyntax}, "unexpected data"},
		{"unknown top-level element", Resource, `{"Version":"2012-10-17","Statements":[]}`, []string{CheckUnsupportedElement, CheckMissingElement}, `"Statements" is not supported`},
		{"bad version", Resource, `{"Version":"2020-01-01","Statement":[` + allowAll + `]}`, []string{CheckInvalidVersion}, "2012-10-17"},
		{"empty statement list", Resource, `{"Version":"2012-10-17","Statement":[]}`, []string{CheckMissingElement}, "empty Statement"},
		{"statement not an object", Resource, `{"Statement":["x"]}`, []string{CheckSyntax}, "Statement 1 must be a JSON object"},
		{"missing effect", Identity, `{"Statement":[{"Action":"secretsmanager:*","Resource":"*"}]}`, []string{CheckMissingElement}, "no Effect"},
		{"bad effect", Identity, `{"Statement":[{"Effect":"allow","Action":"secretsmanager:*","Resource":"*"}]}`, []string{CheckInvalidEffect}, `"Allow" or "Deny"`},
		{"unknown action", Resource, `{"Statement":[{"Sid":"T","Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValues","Resource":"*"}]}`, []string{CheckInvalidAction}, `Statement "T": "secretsmanager:GetSecretValues" is not a Secrets Manager action`},
		{"wildcard matching no action", Resource, `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:Fetch*","Resource":"*"}]}`, []string{CheckInvalidAction}, "Fetch*"},
		{"other service in a resource policy", Resource, `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`, []string{CheckInvalidAction}, "s3:GetObject"},
		{"action without service", Identity, `{"Statement":[{"Effect":"Allow","Action":"GetSecretValue","Resource":"*"}]}`, []string{CheckInvalidAction}, "GetSecretValue"},
		{"action and NotAction", Identity, `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:*","NotAction":"secretsmanager:DeleteSecret","Resource":"*"}]}`, []string{CheckSyntax}, "both Action and NotAction"},
		{"no action", Identity, `{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, []string{CheckMissingElement}, "neither Action nor NotAction"},
		{"empty action list", Identity, `{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`, []string{CheckMissingElement}, "Action is an empty list"},
		{"action of the wrong type", Identity, `{"Statement":[{"Effect":"Allow","Action":7,"Resource":"*"}]}`, []string{CheckSyntax}, "string or an array of strings"},
		{"bad resource ARN", Identity, `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"prod/payments/*"}]}`, []string{CheckInvalidARN}, `"prod/payments/*" is not an ARN`},
		{"ARN missing its service", Identity, `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"arn:aws:::123456789012:secret:x"}]}`, []string{CheckInvalidARN}, "missing its partition, service or resource"},
		{"no resource", Identity, `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:*"}]}`, []string{CheckMissingElement}, "neither Resource nor NotResource"},
		{"principal in an identity policy", Identity, `{"Statement":[` + allowAll + `]}`, []string{CheckUnsupportedElement}, "cannot name a Principal"},
		{"no principal in a resource policy", Resource, `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}`, []string{CheckMissingElement}, "no Principal"},
		{"principal and NotPrincipal", Resource, `{"Statement":[{"Effect":"Deny","Principal":"*","NotPrincipal":"*","Action":"secretsmanager:*","Resource":"*"}]}`, []string{CheckSyntax}, "both Principal and NotPrincipal"},
		{"principal a bare name", Resource, `{"Statement":[{"Effect":"Allow","Principal":"alice","Action":"secretsmanager:*","Resource":"*"}]}`, []string{CheckInvalidPrincipal}, `must be "*" or an object`},
		{"principal with a bad account", Resource, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123:user/alice"},"Action":"secretsmanager:*","Resource":"*"}]}`, []string{CheckInvalidPrincipal}, "is not an AWS principal"},
		{"principal with a wildcard", Resource, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/*"},"Action":"secretsmanager:*","Resource":"*"}]}`, []string{CheckInvalidPrincipal}, "is not an AWS principal"},
		{"unknown principal type", Resource, `{"Statement":[{"Effect":"Allow","Principal":{"IAM":"x"},"Action":"secretsmanager:*","Resource":"*"}]}`, []string{CheckInvalidPrincipal}, `principal type "IAM"`},
		{"unsupported statement element", Identity, `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*","Conditions":{}}]}`, []string{CheckUnsupportedElement}, `"Conditions" is not supported`},
		{"unknown condition operator", Identity, doc(stmt("C", "Allow", "*", "*", `"Condition":{"StringEqual":{"aws:username":"a"}}`)), []string{CheckInvalidCondition}, `"StringEqual" is not a condition operator`},
		{"Null cannot take IfExists", Identity, doc(stmt("C", "Allow", "*", "*", `"Condition":{"NullIfExists":{"aws:username":"true"}}`)), []string{CheckInvalidCondition}, "NullIfExists"},
		{"condition key without service", Identity, doc(stmt("C", "Allow", "*", "*", `"Condition":{"StringEquals":{"username":"a"}}`)), []string{CheckInvalidCondition}, `"username" is not a condition key`},
		{"numeric value not a number", Identity, doc(stmt("C", "Allow", "*", "*", `"Condition":{"NumericLessThan":{"secretsmanager:RecoveryWindowInDays":"ten"}}`)), []string{CheckInvalidCondition}, `"ten" is not a number`},
		{"date value not a date", Identity, doc(stmt("C", "Allow", "*", "*", `"Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}`)), []string{CheckInvalidCondition}, "not a date"},
		{"IP value not a CIDR", Identity, doc(stmt("C", "Allow", "*", "*", `"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}`)), []string{CheckInvalidCondition}, "not an IP address or CIDR block"},
		{"Bool value not a boolean", Identity, doc(stmt("C", "Allow", "*", "*", `"Condition":{"Bool":{"aws:SecureTransport":"yes"}}`)), []string{CheckInvalidCondition}, "true or false"},
		{"condition value an object", Identity, doc(stmt("C", "Allow", "*", "*", `"Condition":{"StringEquals":{"aws:username":{"a":1}}}`)), []string{CheckInvalidCondition}, "strings, numbers or booleans"},
		{"condition with no values", Identity, doc(stmt("C", "Allow", "*", "*", `"Condition":{"StringEquals":{"aws:username":[]}}`)), []string{CheckInvalidCondition}, "has no values"},
		{"condition not an object", Identity, doc(stmt("C", "Allow", "*", "*", `"Condition":"x"`)), []string{CheckSyntax}, "Condition must map"},
		{"duplicate Sid", Identity, doc(stmt("A", "Allow", "*", "*", ""), stmt("A", "Deny", "*", "*", "")), []string{CheckSyntax}, `"A" appears more than once`},
		{"resource policy too large", Resource, `{"Statement":[` + allowAll + `],"Id":"` + strings.Repeat("x", MaxResourcePolicySize) + `"}`, []string{CheckPolicySize}, "at most 20480"},
		{"several problems are all reported", Resource, `{"Statement":[{"Effect":"Permit","Principal":"*","Action":"secretsmanager:Nope","Resource":"nope"}]}`, []string{CheckInvalidEffect, CheckInvalidAction, CheckInvalidARN}, "Effect must be"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := Validate(tc.doc, tc.kind)
			var got []string
			for _, f := range findings {
				got = append(got, f.CheckName)
			}
			if !reflect.DeepEqual(got, tc.checks) {
				t.Fatalf("checks = %v, want %v\nfindings: %+v", got, tc.checks, findings)
			}
			_, err := Parse(tc.doc, tc.kind)
			if len(tc.checks) == 0 {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("Parse error %v is not an *InvalidError", err)
			}
			if !strings.Contains(findings[0].Message, tc.msg) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("message %q (error %q) lacks %q", findings[0].Message, err, tc.msg)
			}
		})
	}
}

// Every policy of the evaluation table is valid for its kind.
func TestScenarioPoliciesAreValid(t *testing.T) {
	for _, sc := range scenarios {
		for _, d := range sc.identity {
			if f := Validate(d, Identity); len(f) > 0 {
				t.Errorf("%s: %+v", sc.name, f)
			}
		}
		if sc.resource != "" {
			if f := Validate(sc.resource, Resource); len(f) > 0 {
				t.Errorf("%s: %+v", sc.name, f)
			}
		}
	}
}

func TestIsPublic(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want bool
	}{
		{"star principal", doc(stmt("S", "Allow", "secretsmanager:GetSecretValue", "*", anyPrincipal)), true},
		{"AWS star principal", doc(stmt("S", "Allow", "secretsmanager:GetSecretValue", "*", `"Principal":{"AWS":["arn:aws:iam::123456789012:user/a","*"]}`)), true},
		{"NotPrincipal allow", doc(`{"Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"secretsmanager:*","Resource":"*"}`), true},
		{"narrowed by account", doc(stmt("S", "Allow", "secretsmanager:GetSecretValue", "*", anyPrincipal+`,"Condition":{"StringEquals":{"aws:PrincipalAccount":"123456789012"}}`)), false},
		{"narrowed by source IP", doc(stmt("S", "Allow", "secretsmanager:GetSecretValue", "*", anyPrincipal+`,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`)), false},
		{"a wildcard condition value does not narrow", doc(stmt("S", "Allow", "secretsmanager:GetSecretValue", "*", anyPrincipal+`,"Condition":{"StringLike":{"aws:PrincipalArn":"*"}}`)), true},
		{"a negated condition does not narrow", doc(stmt("S", "Allow", "secretsmanager:GetSecretValue", "*", anyPrincipal+`,"Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111111111111"}}`)), true},
		{"a condition on another key does not narrow", doc(stmt("S", "Allow", "secretsmanager:GetSecretValue", "*", anyPrincipal+`,"Condition":{"StringEquals":{"secretsmanager:VersionStage":"AWSCURRENT"}}`)), true},
		{"a public deny is fine", doc(stmt("S", "Deny", "secretsmanager:DeleteSecret", "*", anyPrincipal)), false},
		{"a named user is fine", doc(stmt("S", "Allow", "secretsmanager:GetSecretValue", "*", principalUser("alice"))), false},
		{"the account is fine", doc(stmt("S", "Allow", "secretsmanager:*", "*", `"Principal":{"AWS":"arn:aws:iam::123456789012:root"}`)), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := mustParse(t, tc.doc, Resource).IsPublic(); got != tc.want {
				t.Fatalf("IsPublic = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDeniedMessage(t *testing.T) {
	const user = "arn:aws:iam::000000000000:user/payments"
	cases := []struct {
		d    Decision
		want string
	}{
		{Decision{Outcome: ImplicitDeny}, "User: arn:aws:iam::000000000000:user/payments is not authorized to perform: secretsmanager:GetSecretValue on resource: prod/payments/db because no identity-based policy allows the secretsmanager:GetSecretValue action"},
		{Decision{Outcome: ExplicitDeny, By: &StatementRef{Kind: Identity}}, "User: arn:aws:iam::000000000000:user/payments is not authorized to perform: secretsmanager:GetSecretValue on resource: prod/payments/db with an explicit deny in an identity-based policy"},
		{Decision{Outcome: ExplicitDeny, By: &StatementRef{Kind: Resource}}, "User: arn:aws:iam::000000000000:user/payments is not authorized to perform: secretsmanager:GetSecretValue on resource: prod/payments/db with an explicit deny in a resource-based policy"},
	}
	for _, tc := range cases {
		if got := tc.d.DeniedMessage(user, "secretsmanager:GetSecretValue", "prod/payments/db"); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

func TestGlob(t *testing.T) {
	cases := []struct {
		p, v    string
		escapes bool
		want    bool
	}{
		{"", "", false, true},
		{"*", "", false, true},
		{"a*b*c", "axxbyyc", false, true},
		{"a*b*c", "axxbyy", false, false},
		{"a?c", "abc", false, true},
		{"a?c", "ac", false, false},
		{"a?c", "aéc", false, true},
		{"**", "x", false, true},
		{`a\*`, "a*", true, true},
		{`a\*`, "ab", true, false},
		{`a\*`, `a\b`, false, true},
		{`a\\`, `a\`, true, true},
		{strings.Repeat("*a", 30) + "b", strings.Repeat("a", 60), false, false},
	}
	for _, tc := range cases {
		if got := glob(tc.p, tc.v, tc.escapes); got != tc.want {
			t.Errorf("glob(%q, %q, %v) = %v, want %v", tc.p, tc.v, tc.escapes, got, tc.want)
		}
	}
}
