package server

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/secretary-sh/secretary/backend"
	awsbackend "github.com/secretary-sh/secretary/backend/aws"
)

// TestSDKOverSelfSignedTLS follows the README: serve with a generated
// certificate, hand the certificate to the SDK through AWS_CA_BUNDLE.
func TestSDKOverSelfSignedTLS(t *testing.T) {
	certPath := filepath.Join(t.TempDir(), "serve.pem")
	s := serveLocalWith(t, Config{SelfSigned: true, SelfSignedCertOut: certPath})
	if !strings.HasPrefix(s.endpoint, "https://") {
		t.Fatalf("endpoint %q", s.endpoint)
	}
	newClient := func() *awsbackend.Backend {
		c, err := awsbackend.New(context.Background(), awsbackend.Config{
			Region: "local", EndpointURL: s.endpoint, MaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider(s.keyID, s.secret, ""),
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	t.Setenv("AWS_CA_BUNDLE", "")
	if _, err := newClient().ListSecrets(context.Background(), &backend.ListSecretsInput{}); err == nil {
		t.Fatal("the SDK accepted a certificate it was not told to trust")
	}
	t.Setenv("AWS_CA_BUNDLE", certPath)
	v := "over-tls"
	c := newClient()
	if _, err := c.CreateSecret(context.Background(), &backend.CreateSecretInput{Name: "tls/one", SecretString: &v}); err != nil {
		t.Fatalf("CreateSecret over TLS: %v", err)
	}
	got, err := c.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: "tls/one"})
	if err != nil || got.SecretString == nil || *got.SecretString != v {
		t.Fatalf("GetSecretValue over TLS: %+v, %v", got, err)
	}
}
