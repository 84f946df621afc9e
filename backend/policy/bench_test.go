package policy

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// benchPolicies builds n identity policies of m statements each, shaped like
// real ones: action lists and wildcards, ARN patterns, tag and network
// conditions, a policy variable. None of them allows the benchmark's
// request except, optionally, the very last statement, so every statement
// is looked at: the worst case.
func benchPolicies(b *testing.B, n, m int, allowLast bool) []Attached {
	b.Helper()
	var pols []Attached
	for i := 0; i < n; i++ {
		var stmts []string
		for j := 0; j < m; j++ {
			sid := fmt.Sprintf("P%dS%d", i, j)
			var s string
			switch j % 5 {
			case 0:
				s = stmt(sid, "Allow", `["secretsmanager:DescribeSecret","secretsmanager:ListSecretVersionIds"]`, fmt.Sprintf("arn:aws:secretsmanager:*:*:secret:team%d/*", i), "")
			case 1:
				s = stmt(sid, "Allow", "secretsmanager:GetSecretValue", fmt.Sprintf("arn:aws:secretsmanager:us-east-1:123456789012:secret:app%d/*", j), `"Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"other"}}`)
			case 2:
				s = stmt(sid, "Deny", "secretsmanager:Delete*", "*", `"Condition":{"Bool":{"secretsmanager:ForceDeleteWithoutRecovery":"true"}}`)
			case 3:
				s = stmt(sid, "Allow", "secretsmanager:Get*", "arn:aws:secretsmanager:*:*:secret:${aws:username}/*", `"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}`)
			case 4:
				s = stmt(sid, "Deny", "secretsmanager:GetSecretValue", "*", `"Condition":{"NotIpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`)
			}
			if allowLast && i == n-1 && j == m-1 {
				s = stmt(sid, "Allow", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:prod/payments/*", `"Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"payments"}}`)
			}
			stmts = append(stmts, s)
		}
		pols = append(pols, Attached{Kind: Identity, Name: fmt.Sprintf("policy%d", i), Document: mustParse(b, doc(stmts...), Identity)})
	}
	return pols
}

// BenchmarkAuthorize measures one authorisation as serve makes it: build the
// request and its condition keys, then evaluate 20 policies of 10
// statements. It reports the median (p50-ns) next to the mean.
func BenchmarkAuthorize(b *testing.B) {
	for _, allowLast := range []bool{false, true} {
		b.Run(fmt.Sprintf("policies=20/statements=10/allowLast=%v", allowLast), func(b *testing.B) {
			pols := benchPolicies(b, 20, 10, allowLast)
			p := principal("alice")
			want := ImplicitDeny
			if allowLast {
				want = Allowed
			}
			samples := make([]time.Duration, 0, min(b.N, 1<<20))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				req := NewRequest(p, "secretsmanager:GetSecretValue", payments)
				req.Context.Set("secretsmanager:SecretId", "prod/payments/db")
				req.Context.Set("secretsmanager:ResourceTag/team", "payments")
				req.Context.Set("aws:SourceIp", "192.0.2.10")
				req.Context.Set("aws:SecureTransport", "false")
				req.Context.Set("aws:CurrentTime", "2026-06-01T00:00:00Z")
				d := Evaluate(req, pols)
				if len(samples) < cap(samples) {
					samples = append(samples, time.Since(start))
				}
				if d.Outcome != want {
					b.Fatalf("got %s, want %s", d.Outcome, want)
				}
			}
			b.StopTimer()
			slices.Sort(samples)
			b.ReportMetric(float64(samples[len(samples)/2].Nanoseconds()), "p50-ns")
		})
	}
}

// BenchmarkParse measures parsing a 10-statement policy, paid once per
// policy change, not per request.
func BenchmarkParse(b *testing.B) {
	var stmts []string
	for j := 0; j < 10; j++ {
		stmts = append(stmts, stmt(fmt.Sprintf("S%d", j), "Allow", "secretsmanager:Get*", "arn:aws:secretsmanager:*:*:secret:prod/*", `"Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"payments"}}`))
	}
	text := doc(stmts...)
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		if _, err := Parse(text, Identity); err != nil {
			b.Fatal(err)
		}
	}
}
