package localtest_test

import (
	"context"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/local/localtest"
)

// TestServedStoreAnswersTheSDK: a secret seeded into the store is read
// back through the SDK's own client, signed with the served key, and the
// store reopens from its key file.
func TestServedStoreAnswersTheSDK(t *testing.T) {
	ctx := context.Background()
	st := localtest.NewStore(t)
	arn := localtest.Seed(t, st).Secret("app/db", "s3cr3t")
	sv := localtest.Serve(t, st)
	out, err := sv.Client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: awssdk.String("app/db")})
	if err != nil {
		t.Fatal(err)
	}
	if awssdk.ToString(out.ARN) != arn || awssdk.ToString(out.SecretString) != "s3cr3t" {
		t.Fatalf("got %s %q, want %s %q", awssdk.ToString(out.ARN), awssdk.ToString(out.SecretString), arn, "s3cr3t")
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	again := localtest.Open(t, st.Path, st.Credential(), local.Options{})
	if _, err := again.DescribeSecret(ctx, "app/db"); err != nil {
		t.Fatalf("reopened with the key file: %v", err)
	}
}

// TestServeRefusesOtherKeys: the served key is the only one accepted.
func TestServeRefusesOtherKeys(t *testing.T) {
	sv := localtest.Serve(t, localtest.NewStore(t))
	other := secretsmanager.New(secretsmanager.Options{Region: sv.Region, BaseEndpoint: &sv.Endpoint,
		Credentials: awssdk.NewCredentialsCache(awssdk.CredentialsProviderFunc(func(context.Context) (awssdk.Credentials, error) {
			return awssdk.Credentials{AccessKeyID: "SCRTOTHERKEY00000001", SecretAccessKey: "x"}, nil
		})), RetryMaxAttempts: 1})
	_, err := other.ListSecrets(context.Background(), &secretsmanager.ListSecretsInput{})
	if err == nil {
		t.Fatal("a key the server does not know was accepted")
	}
	if _, err := sv.Client.ListSecrets(context.Background(), &secretsmanager.ListSecretsInput{}); err != nil {
		t.Fatalf("the served key: %v", err)
	}
}
