// Package backend holds the contract every secret store implements: the
// Secrets Manager operations the console and the CLI use, domain types of our
// own, and errors that carry the AWS exception name.
//
// The semantics are AWS Secrets Manager's, exactly; the conformance suite in
// backend/backendtest encodes them and every implementation runs it.
// Capabilities that not every store has (rotation, resource policies, the
// audit log, streaming listings) are separate interfaces discovered by type
// assertion.
package backend

import (
	"context"
	"time"
)

// Backend is a Secrets Manager–compatible store. SecretID arguments accept a
// name, a full ARN or a partial ARN (without the random suffix).
//
// ClientRequestToken is optional here, as it is to an AWS SDK's caller: a
// write without one gets a new UUID as its VersionId. On the wire AWS
// requires it (TokenRequired), so a server checks it, and secretary's own
// console, CLI and migrations always send one so that a retry of the same
// write is a no-op.
type Backend interface {
	CreateSecret(ctx context.Context, in *CreateSecretInput) (*CreateSecretOutput, error)
	DescribeSecret(ctx context.Context, secretID string) (*SecretMetadata, error)
	ListSecrets(ctx context.Context, in *ListSecretsInput) (*ListSecretsOutput, error)
	ListSecretVersionIds(ctx context.Context, in *ListSecretVersionIdsInput) (*ListSecretVersionIdsOutput, error)
	GetSecretValue(ctx context.Context, in *GetSecretValueInput) (*SecretValue, error)
	BatchGetSecretValue(ctx context.Context, in *BatchGetSecretValueInput) (*BatchGetSecretValueOutput, error)
	PutSecretValue(ctx context.Context, in *PutSecretValueInput) (*PutSecretValueOutput, error)
	UpdateSecret(ctx context.Context, in *UpdateSecretInput) (*UpdateSecretOutput, error)
	UpdateSecretVersionStage(ctx context.Context, in *UpdateSecretVersionStageInput) (*ARNName, error)
	DeleteSecret(ctx context.Context, in *DeleteSecretInput) (*DeleteSecretOutput, error)
	RestoreSecret(ctx context.Context, secretID string) (*ARNName, error)
	TagResource(ctx context.Context, in *TagResourceInput) error
	UntagResource(ctx context.Context, in *UntagResourceInput) error
	GetRandomPassword(ctx context.Context, in *GetRandomPasswordInput) (string, error)

	// Info describes the backend for display; it must not do I/O.
	Info() Info
	Close() error
}

// Rotator is implemented by backends that can rotate secrets.
type Rotator interface {
	RotateSecret(ctx context.Context, in *RotateSecretInput) (*RotateSecretOutput, error)
	CancelRotateSecret(ctx context.Context, secretID string) (*RotateSecretOutput, error)
}

// RotationProgress reports one step of a rotation that the backend runs
// itself (the embedded store runs its rotation functions in process; AWS
// invokes a Lambda and reports nothing). Err is set when Phase is
// RotationFailed and never holds a secret value.
type RotationProgress struct {
	SecretID  string
	VersionID string
	// Step is createSecret, setSecret, testSecret or finishSecret.
	Step  string
	Phase RotationPhase
	Err   error
	Time  time.Time
}

// RotationPhase says where a rotation step is.
type RotationPhase int

// Rotation step phases.
const (
	RotationStarted RotationPhase = iota + 1
	RotationFinished
	RotationFailed
)

// ProgressRotator is implemented by backends that run rotations in process,
// so a console can show the four steps live and name the one that failed.
type ProgressRotator interface {
	Rotator
	// RotateSecretProgress is RotateSecret with a callback told when each
	// step starts, finishes or fails. The callback must not block. When a
	// step fails the error wraps a value naming the step.
	RotateSecretProgress(ctx context.Context, in *RotateSecretInput, progress func(RotationProgress)) (*RotateSecretOutput, error)
	// RotationFunctions lists the rotation function names this backend
	// accepts as RotationLambdaARN (options follow a colon, as in
	// "password:length=32" or "exec:/path").
	RotationFunctions() []string
}

// ResourcePolicies is implemented by backends that hold resource policies.
type ResourcePolicies interface {
	GetResourcePolicy(ctx context.Context, secretID string) (*ResourcePolicy, error)
	PutResourcePolicy(ctx context.Context, in *PutResourcePolicyInput) (*ARNName, error)
	DeleteResourcePolicy(ctx context.Context, secretID string) (*ARNName, error)
	ValidateResourcePolicy(ctx context.Context, secretID, policy string) ([]ValidationEntry, error)
}

// Auditor is implemented by backends that keep a tamper-evident audit log.
type Auditor interface {
	AuditLog(ctx context.Context, q AuditQuery) ([]AuditRecord, error)
	// VerifyAudit checks the hash chain; on failure the error names the
	// first bad record.
	VerifyAudit(ctx context.Context) error
}

// Streamer is implemented by backends that can list every secret faster than
// page by page (the embedded store). fn is called with successive batches in
// the order the input asks for; returning an error stops the listing.
// MaxResults is ignored. NextToken, when set, is a ListSecrets NextToken for
// the same sort and filters: the listing goes on after the page it ended,
// so a caller that showed a first page at once streams only the rest.
type Streamer interface {
	StreamSecrets(ctx context.Context, in *ListSecretsInput, fn func([]SecretMetadata) error) error
}
