// Package rotation drives secret rotation the way AWS Secrets Manager drives
// a rotation Lambda: four steps (createSecret, setSecret, testSecret,
// finishSecret), each called with the secret id and a ClientRequestToken that
// becomes the pending version's id, each idempotent so that a rerun after a
// crash at any point converges.
//
// A rotation function is the local equivalent of a Lambda. It talks to the
// store only through backend.Backend (GetSecretValue, PutSecretValue with
// VersionStages [AWSPENDING], UpdateSecretVersionStage), exactly as a Lambda
// calls the API, so functions work against any backend.
package rotation

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/secretary-sh/secretary/backend"
)

// The four steps, in the order the engine calls them.
const (
	StepCreate = "createSecret"
	StepSet    = "setSecret"
	StepTest   = "testSecret"
	StepFinish = "finishSecret"
)

// Steps returns the four steps in order.
func Steps() []string { return []string{StepCreate, StepSet, StepTest, StepFinish} }

// Request is what a rotation function receives for one step: the same three
// fields Secrets Manager sends a Lambda, plus the backend to call.
type Request struct {
	Step               string
	SecretID           string
	ClientRequestToken string
	Backend            backend.Backend
}

// Function performs one rotation step. Every step must be idempotent.
type Function interface {
	Step(ctx context.Context, req Request) error
}

// GetPending returns the version with id token if it carries AWSPENDING, or
// nil when there is none yet.
func GetPending(ctx context.Context, b backend.Backend, secretID, token string) (*backend.SecretValue, error) {
	v, err := b.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: secretID, VersionID: token, VersionStage: backend.StagePending})
	switch {
	case errors.Is(err, backend.ErrResourceNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read the pending version: %w", err)
	}
	return v, nil
}

// GetStage returns the version carrying stage.
func GetStage(ctx context.Context, b backend.Backend, secretID, stage string) (*backend.SecretValue, error) {
	v, err := b.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: secretID, VersionStage: stage})
	if err != nil {
		return nil, fmt.Errorf("read the %s version: %w", stage, err)
	}
	return v, nil
}

// PutPending stores value as version token labelled AWSPENDING. A rerun with
// the same token and value is a no-op, as PutSecretValue's idempotency
// promises.
func PutPending(ctx context.Context, b backend.Backend, secretID, token, value string) error {
	_, err := b.PutSecretValue(ctx, &backend.PutSecretValueInput{
		SecretID:           secretID,
		ClientRequestToken: token,
		SecretString:       &value,
		VersionStages:      []string{backend.StagePending},
	})
	if err != nil {
		return fmt.Errorf("store the pending version: %w", err)
	}
	return nil
}

// CurrentVersion returns the id of the version labelled AWSCURRENT, or "".
func CurrentVersion(meta *backend.SecretMetadata) string {
	return versionWith(meta, backend.StageCurrent)
}

// PendingVersion returns the id of the version labelled AWSPENDING, or "".
func PendingVersion(meta *backend.SecretMetadata) string {
	return versionWith(meta, backend.StagePending)
}

func versionWith(meta *backend.SecretMetadata, stage string) string {
	for id, stages := range meta.VersionIdsToStages {
		for _, s := range stages {
			if s == stage {
				return id
			}
		}
	}
	return ""
}

// Finish moves AWSCURRENT to version token (AWSPREVIOUS follows the version
// that loses it). It is a no-op when token is already AWSCURRENT, which makes
// a rerun after a crash converge. The engine removes AWSPENDING afterwards.
func Finish(ctx context.Context, b backend.Backend, secretID, token string) error {
	meta, err := b.DescribeSecret(ctx, secretID)
	if err != nil {
		return fmt.Errorf("describe the secret: %w", err)
	}
	cur := CurrentVersion(meta)
	if cur == token {
		return nil
	}
	if _, ok := meta.VersionIdsToStages[token]; !ok {
		return backend.Errorf(backend.CodeInvalidRequest, "version %s has no staging label: the rotation cannot finish", token)
	}
	_, err = b.UpdateSecretVersionStage(ctx, &backend.UpdateSecretVersionStageInput{
		SecretID:            secretID,
		VersionStage:        backend.StageCurrent,
		MoveToVersionID:     token,
		RemoveFromVersionID: cur,
	})
	if err != nil {
		return fmt.Errorf("move AWSCURRENT to the new version: %w", err)
	}
	return nil
}

// Redact returns err with every non-empty secret replaced by "***" in its
// message. Rotation functions pass every error that might quote a value (a
// driver error, an external program's message) through it, because errors
// reach logs, the console and the audit log.
func Redact(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	red := msg
	for _, s := range secrets {
		if s != "" {
			red = strings.ReplaceAll(red, s, "***")
		}
	}
	if red == msg {
		return err
	}
	if code := backend.Code(err); code != "" {
		return backend.Errorf(code, "%s", strings.TrimPrefix(red, code+": "))
	}
	return errors.New(red)
}
