package local

import (
	"context"

	"github.com/secretary-sh/secretary/backend"
)

var (
	_ backend.Backend  = (*Store)(nil)
	_ backend.Auditor  = (*Store)(nil)
	_ backend.Streamer = (*Store)(nil)
)

func (s *Store) CreateSecret(ctx context.Context, in *backend.CreateSecretInput) (*backend.CreateSecretOutput, error) {
	return nil, errNotBuilt
}
func (s *Store) DescribeSecret(ctx context.Context, secretID string) (*backend.SecretMetadata, error) {
	return nil, errNotBuilt
}
func (s *Store) ListSecrets(ctx context.Context, in *backend.ListSecretsInput) (*backend.ListSecretsOutput, error) {
	return nil, errNotBuilt
}
func (s *Store) ListSecretVersionIds(ctx context.Context, in *backend.ListSecretVersionIdsInput) (*backend.ListSecretVersionIdsOutput, error) {
	return nil, errNotBuilt
}
func (s *Store) GetSecretValue(ctx context.Context, in *backend.GetSecretValueInput) (*backend.SecretValue, error) {
	return nil, errNotBuilt
}
func (s *Store) BatchGetSecretValue(ctx context.Context, in *backend.BatchGetSecretValueInput) (*backend.BatchGetSecretValueOutput, error) {
	return nil, errNotBuilt
}
func (s *Store) PutSecretValue(ctx context.Context, in *backend.PutSecretValueInput) (*backend.PutSecretValueOutput, error) {
	return nil, errNotBuilt
}
func (s *Store) UpdateSecret(ctx context.Context, in *backend.UpdateSecretInput) (*backend.UpdateSecretOutput, error) {
	return nil, errNotBuilt
}
func (s *Store) UpdateSecretVersionStage(ctx context.Context, in *backend.UpdateSecretVersionStageInput) (*backend.ARNName, error) {
	return nil, errNotBuilt
}
func (s *Store) DeleteSecret(ctx context.Context, in *backend.DeleteSecretInput) (*backend.DeleteSecretOutput, error) {
	return nil, errNotBuilt
}
func (s *Store) RestoreSecret(ctx context.Context, secretID string) (*backend.ARNName, error) {
	return nil, errNotBuilt
}
func (s *Store) TagResource(ctx context.Context, in *backend.TagResourceInput) error {
	return errNotBuilt
}
func (s *Store) UntagResource(ctx context.Context, in *backend.UntagResourceInput) error {
	return errNotBuilt
}
func (s *Store) GetRandomPassword(ctx context.Context, in *backend.GetRandomPasswordInput) (string, error) {
	return "", errNotBuilt
}
func (s *Store) Info() backend.Info { return backend.Info{Kind: "local", Location: s.path} }
func (s *Store) Close() error       { return nil }
func (s *Store) AuditLog(ctx context.Context, q backend.AuditQuery) ([]backend.AuditRecord, error) {
	return nil, errNotBuilt
}
func (s *Store) VerifyAudit(ctx context.Context) error { return errNotBuilt }
func (s *Store) StreamSecrets(ctx context.Context, in *backend.ListSecretsInput, fn func([]backend.SecretMetadata) error) error {
	return errNotBuilt
}
