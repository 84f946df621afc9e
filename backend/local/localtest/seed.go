package localtest

import (
	"context"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

// Seeder writes fixtures through any backend, failing the test on the
// first error, so set-up reads as the data it creates.
type Seeder struct {
	t testing.TB
	b backend.Backend
}

// Seed returns a Seeder writing to b.
func Seed(t testing.TB, b backend.Backend) Seeder { return Seeder{t, b} }

// Create runs CreateSecret.
func (s Seeder) Create(in backend.CreateSecretInput) *backend.CreateSecretOutput {
	s.t.Helper()
	out, err := s.b.CreateSecret(context.Background(), &in)
	if err != nil {
		s.t.Fatalf("CreateSecret %s: %v", in.Name, err)
	}
	return out
}

// Secret creates a secret holding the string value and returns its ARN.
func (s Seeder) Secret(name, value string) string {
	s.t.Helper()
	return s.Create(backend.CreateSecretInput{Name: name, SecretString: &value}).ARN
}

// Put writes a string version with the client request token versionID
// ("" for a random one) and the given labels (none: AWSCURRENT), and
// returns its version id.
func (s Seeder) Put(name, versionID, value string, stages ...string) string {
	s.t.Helper()
	out, err := s.b.PutSecretValue(context.Background(), &backend.PutSecretValueInput{SecretID: name, ClientRequestToken: versionID, SecretString: &value, VersionStages: stages})
	if err != nil {
		s.t.Fatalf("PutSecretValue %s %s: %v", name, versionID, err)
	}
	return out.VersionID
}

// Move moves label to version to from version from ("" for either end,
// as UpdateSecretVersionStage takes them).
func (s Seeder) Move(name, label, to, from string) {
	s.t.Helper()
	if _, err := s.b.UpdateSecretVersionStage(context.Background(), &backend.UpdateSecretVersionStageInput{SecretID: name, VersionStage: label, MoveToVersionID: to, RemoveFromVersionID: from}); err != nil {
		s.t.Fatalf("UpdateSecretVersionStage %s %s: %v", name, label, err)
	}
}
