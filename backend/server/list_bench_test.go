package server

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/secretary-sh/secretary/backend"
	awsbackend "github.com/secretary-sh/secretary/backend/aws"
)

const listInventory = 10000

// fillInventory writes n secrets with metadata like a real estate's, in one
// transaction.
func fillInventory(b *testing.B, s *servedStore, n int) {
	b.Helper()
	err := s.store.Batch(context.Background(), func(ctx context.Context, bk backend.Backend) error {
		for i := 0; i < n; i++ {
			v := fmt.Sprintf(`{"user":"svc%d","password":"p%d"}`, i, i)
			_, err := bk.CreateSecret(ctx, &backend.CreateSecretInput{
				Name:         fmt.Sprintf("prod/team%02d/service%05d/postgres", i%50, i),
				Description:  "database credentials for service " + fmt.Sprint(i),
				SecretString: &v,
				Tags:         []backend.Tag{{Key: "team", Value: fmt.Sprintf("team%02d", i%50)}, {Key: "env", Value: "prod"}},
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("fill: %v", err)
	}
}

// BenchmarkListThroughServe lists a 10,000-secret inventory the way the
// console does on the AWS backend (pages of 100, shown as they arrive)
// against serve, and reports when the first row and the last row arrived.
func BenchmarkListThroughServe(b *testing.B) {
	s := serveLocal(b)
	fillInventory(b, s, listInventory)
	c, err := awsbackend.New(context.Background(), awsbackend.Config{
		Region: "local", EndpointURL: s.endpoint,
		Credentials: credentials.NewStaticCredentialsProvider(s.keyID, s.secret, ""),
	})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	var first, all time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		n := 0
		err := c.StreamSecrets(context.Background(), &backend.ListSecretsInput{}, func(page []backend.SecretMetadata) error {
			if n == 0 {
				first += time.Since(start)
			}
			n += len(page)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		all += time.Since(start)
		if n != listInventory {
			b.Fatalf("listed %d secrets, want %d", n, listInventory)
		}
	}
	b.ReportMetric(float64(first.Microseconds())/1000/float64(b.N), "first-row-ms")
	b.ReportMetric(float64(all.Microseconds())/1000/float64(b.N), "all-rows-ms")
}

// BenchmarkListAWSCLI is the same listing by `aws secretsmanager
// list-secrets` (which pages through everything before printing), for
// comparison.
func BenchmarkListAWSCLI(b *testing.B) {
	if _, err := exec.LookPath("aws"); err != nil {
		b.Skip("skipping: the AWS CLI (`aws`) is not installed")
	}
	s := serveLocal(b)
	fillInventory(b, s, listInventory)
	cli := newAWSCLI(b, s)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, stderr, err := cli.exec(cli.env, "list-secrets", "--query", "length(SecretList)")
		if err != nil {
			b.Fatalf("aws list-secrets: %v\n%s", err, stderr)
		}
		if got := strings.TrimSpace(string(out)); got != fmt.Sprint(listInventory) {
			b.Fatalf("aws listed %s secrets, want %d", got, listInventory)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "all-rows-ms")
}
