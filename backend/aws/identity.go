package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// Codes STS and the credential providers use for credentials that exist but
// no longer work; an operator fixes all of them the same way (log in again).
var expiredCodes = map[string]bool{
	"ExpiredToken":          true,
	"ExpiredTokenException": true,
	"RequestExpired":        true,
	"InvalidClientTokenId":  true,
	"UnrecognizedClient":    true,
}

// Expired reports whether credentials were found but no longer work (an
// SSO session or a session token that ran out), as opposed to none at all:
// the console then says to log in again rather than to configure a profile.
func (e *CredentialsError) Expired() bool {
	var apiErr smithy.APIError
	if errors.As(e.Err, &apiErr) && expiredCodes[apiErr.ErrorCode()] {
		return true
	}
	// The SSO token provider reports an expired or missing cached token
	// only in words.
	return e.Err != nil && strings.Contains(strings.ToLower(e.Err.Error()), "expired")
}

// Identity waits for the background resolution and returns the account and
// the ARN the credentials belong to. Both are empty with a nil error when
// nobody was asked (the Secrets Manager endpoint is overridden and STS has
// no endpoint of its own). A *CredentialsError means there are no working
// credentials; any other error means STS could not be asked or refused.
func (b *Backend) Identity(ctx context.Context) (account, arn string, err error) {
	select {
	case <-b.done:
	case <-ctx.Done():
		return "", "", ctx.Err()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.account, b.arn, b.identErr
}

// callerIdentity asks STS who the credentials belong to.
//
// STS is asked at its own endpoint: the SDK's, AWS_ENDPOINT_URL or
// AWS_ENDPOINT_URL_STS. When only Secrets Manager's endpoint is overridden
// (--endpoint-url, AWS_ENDPOINT_URL_SECRETS_MANAGER) the real STS would name
// an account that does not hold these secrets, so nobody is asked and the
// account stays unknown. A stand-in that does not speak STS (secretary
// serve) answers with an error, which the console shows as "account
// unknown" too.
func callerIdentity(ctx context.Context, awsCfg awssdk.Config, cfg Config, smOverridden bool) (account, arn string, err error) {
	client := sts.NewFromConfig(awsCfg, func(o *sts.Options) {
		// One quick attempt: the account is decoration, not a reason to
		// hold anything up.
		o.RetryMaxAttempts = 1
	})
	if cfg.SkipIdentity || (smOverridden && client.Options().BaseEndpoint == nil) {
		return "", "", nil
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.CredentialTimeout)
	defer cancel()
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) && expiredCodes[apiErr.ErrorCode()] {
			return "", "", &CredentialsError{Err: err}
		}
		return "", "", fmt.Errorf("get caller identity: %w", mapServiceError("AWS STS", "AWS_ENDPOINT_URL_STS", err))
	}
	return awssdk.ToString(out.Account), awssdk.ToString(out.Arn), nil
}
