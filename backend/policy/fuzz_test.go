package policy

import (
	"reflect"
	"testing"
)

// FuzzParse feeds arbitrary documents to the parser. The seeds (every policy
// of the evaluation table plus broken ones) run in every plain `go test`.
// Properties: no panic; Parse and Validate agree; a parsed policy can be
// evaluated; parsing is deterministic.
func FuzzParse(f *testing.F) {
	for _, sc := range scenarios {
		for _, d := range sc.identity {
			f.Add(d, false)
		}
		if sc.resource != "" {
			f.Add(sc.resource, true)
		}
	}
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"Statement":{}}`, `{"Statement":[{}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"arn:aws:secretsmanager:*:*:secret:${aws:username"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":["*",1]},"Action":"*","Resource":"*","Condition":{"ForAllValues:NumericLessThanIfExists":{"a:b":[1e999]}}}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["::/0","1.2.3.4"]},"DateEquals":{"aws:CurrentTime":"-99999999999"}}}]}`,
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	req := NewRequest(principal("alice"), "secretsmanager:GetSecretValue", payments)
	req.Context.Set("aws:SourceIp", "192.0.2.1")
	req.Context.Set("aws:CurrentTime", "2026-06-01T00:00:00Z")
	req.Context.Set("aws:TagKeys", "team", "env")
	f.Fuzz(func(t *testing.T, text string, resource bool) {
		kind := Identity
		if resource {
			kind = Resource
		}
		d, err := Parse(text, kind)
		findings := Validate(text, kind)
		if (err == nil) != (len(findings) == 0) {
			t.Fatalf("Parse error %v but Validate found %v", err, findings)
		}
		if err != nil {
			return
		}
		again, _ := Parse(text, kind)
		if !reflect.DeepEqual(d, again) {
			t.Fatal("parsing the same text twice gave different documents")
		}
		dec := Evaluate(req, []Attached{{Kind: kind, Name: "p", Document: d}})
		if dec.Outcome != ImplicitDeny && dec.By == nil {
			t.Fatalf("%s without a deciding statement", dec.Outcome)
		}
		_ = d.IsPublic()
	})
}
