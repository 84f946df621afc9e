package cli_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend/local"
)

// BenchmarkServeProcessPolicies measures what access control costs the
// real `secretary serve` process: the same GetSecretValue load (8 AWS SDK
// clients on loopback) signed by a key whose user has the fewest policies
// a key can have (policies=1x1: the built-in administrator's one allow-all
// statement, the case of every key made without a user) and by a key
// whose user is in 20 groups, each with an inline policy of 10 statements,
// only the very last of which allows the read (policies=20x10: every
// statement is evaluated). The figure to compare is server-cpu-ms/op, read
// from /proc: on a shared machine throughput and latency move with the
// neighbours' load, the server's own CPU time per request much less.
// Budget: 20x10 within 10% of 1x1.
func BenchmarkServeProcessPolicies(b *testing.B) {
	needProc(b)
	for _, policies := range []string{"1x1", "20x10"} {
		b.Run("policies="+policies, func(b *testing.B) {
			e := newKeyFileStore(b)
			const name, value = "prod/payments/postgres", `{"user":"app","password":"correct horse battery staple"}`
			e.ok("create-secret", "--name", name, "--secret-string", value, "--tags", "Key=team,Value=payments")
			var k createdKey
			if policies == "1x1" {
				k = createKey(b, e, "administrator")
			} else {
				k = benchPolicyUser(b, e)
			}
			srv := startServe(b, e, "--addr", "127.0.0.1:0")
			serveLoad(b, srv, k, name, value)
		})
	}
}

// benchPolicyUser makes a user in 20 groups, each with one inline policy of
// 10 statements that do not apply to the benchmark's read except the last
// one of the last policy, and returns a key of that user.
func benchPolicyUser(b *testing.B, e *env) createdKey {
	b.Helper()
	ctx := context.Background()
	st, err := local.Open(ctx, filepath.Join(e.dir, "store.db"), local.Credential{KeyFile: filepath.Join(e.dir, "key")}, local.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := st.CreateUser(ctx, "bench"); err != nil {
		b.Fatal(err)
	}
	for g := 0; g < 20; g++ {
		group := fmt.Sprintf("g%02d", g)
		if _, err := st.CreateGroup(ctx, group); err != nil {
			b.Fatal(err)
		}
		if err := st.AddUserToGroup(ctx, group, "bench"); err != nil {
			b.Fatal(err)
		}
		var stmts []string
		for s := 0; s < 10; s++ {
			stmts = append(stmts, fmt.Sprintf(`{"Sid":"G%dS%d","Effect":"Allow","Action":["secretsmanager:DescribeSecret","secretsmanager:GetSecretValue"],"Resource":"arn:aws:secretsmanager:*:*:secret:team%d/*","Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"other"}}}`, g, s, s))
		}
		if g == 19 {
			stmts[9] = `{"Sid":"Read","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:*:*:secret:prod/payments/*","Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"payments"}}}`
		}
		doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
		if err := st.PutPrincipalPolicy(ctx, local.KindGroup, group, "p", doc); err != nil {
			b.Fatal(err)
		}
	}
	k, err := st.CreateUserAccessKey(ctx, "bench", "bench")
	if err != nil {
		b.Fatal(err)
	}
	return createdKey{id: k.ID, secret: k.Secret}
}

// serveLoad runs b.N GetSecretValue calls of name from 8 SDK clients and
// reports throughput, client latency and the server's CPU time per call.
func serveLoad(b *testing.B, srv *serveProc, k createdKey, name, value string) {
	b.Helper()
	f := loadGetSecretValue(b, srv.endpoint, srv.cmd.Process.Pid, k, name, value, b.N)
	b.ReportMetric(f.rate, "req/s")
	b.ReportMetric(f.p50, "p50-ms")
	b.ReportMetric(f.p99, "p99-ms")
	b.ReportMetric(f.cpu, "server-cpu-ms/op")
	b.ReportMetric(0, "ns/op")
}
