package aws

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"

	"github.com/secretary-sh/secretary/backend"
)

// mapError turns an SDK error into the contract's *backend.Error, keeping
// AWS's exception name and message. Errors that carry no exception name
// (cancelled contexts, missing credentials, unreachable endpoints) keep their
// type so callers can still match them, with a message an operator can act on.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var ce *CredentialsError
	if errors.As(err, &ce) {
		return ce
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		msg := apiErr.ErrorMessage()
		var maxErr *retry.MaxAttemptsError
		if errors.As(err, &maxErr) {
			msg = fmt.Sprintf("%s (gave up after %d attempts)", msg, maxErr.Attempt)
		}
		return &backend.Error{Code: apiErr.ErrorCode(), Message: msg}
	}
	if isConnRefused(err) {
		return fmt.Errorf("cannot reach Secrets Manager: connection refused (check --endpoint-url / AWS_ENDPOINT_URL): %w", err)
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return fmt.Errorf("cannot reach Secrets Manager: %w", err)
	}
	return err
}

func isConnRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}
