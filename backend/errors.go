package backend

import (
	"errors"
	"fmt"
)

// AWS exception names. Both backends report failures with these codes so the
// console, the CLI and the conformance suite can treat them uniformly.
const (
	CodeResourceNotFound        = "ResourceNotFoundException"
	CodeInvalidRequest          = "InvalidRequestException"
	CodeInvalidParameter        = "InvalidParameterException"
	CodeResourceExists          = "ResourceExistsException"
	CodeLimitExceeded           = "LimitExceededException"
	CodeDecryptionFailure       = "DecryptionFailure"
	CodeEncryptionFailure       = "EncryptionFailure"
	CodeInternalServiceError    = "InternalServiceError"
	CodeMalformedPolicyDocument = "MalformedPolicyDocumentException"
	CodePreconditionNotMet      = "PreconditionNotMetException"
	CodeInvalidNextToken        = "InvalidNextTokenException"
	CodePublicPolicy            = "PublicPolicyException"
	CodeValidation              = "ValidationException"
	CodeThrottling              = "ThrottlingException"
	CodeAccessDenied            = "AccessDeniedException"
	CodeUnrecognizedClient      = "UnrecognizedClientException"
	CodeInvalidSignature        = "InvalidSignatureException"
	CodeIncompleteSignature     = "IncompleteSignatureException"
	CodeMissingAuthToken        = "MissingAuthenticationTokenException"
	CodeSignatureDoesNotMatch   = "SignatureDoesNotMatch"
)

// Error is a failure with an AWS exception name. Message is meant for
// operators and never contains a secret value.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// Is reports whether target is an *Error with the same code. A sentinel with
// an empty message matches every error of its code, so
// errors.Is(err, backend.ErrResourceNotFound) works whatever the message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// Sentinels for errors.Is. They carry no message and must never be returned
// directly: return Errorf(Code…, "…") so the operator learns what went wrong.
var (
	ErrResourceNotFound  = &Error{Code: CodeResourceNotFound}
	ErrInvalidRequest    = &Error{Code: CodeInvalidRequest}
	ErrInvalidParameter  = &Error{Code: CodeInvalidParameter}
	ErrResourceExists    = &Error{Code: CodeResourceExists}
	ErrLimitExceeded     = &Error{Code: CodeLimitExceeded}
	ErrDecryptionFailure = &Error{Code: CodeDecryptionFailure}
	ErrEncryptionFailure = &Error{Code: CodeEncryptionFailure}
	ErrInternal          = &Error{Code: CodeInternalServiceError}
	ErrValidation        = &Error{Code: CodeValidation}
	ErrThrottling        = &Error{Code: CodeThrottling}
	ErrAccessDenied      = &Error{Code: CodeAccessDenied}
)

// Errorf builds an *Error with the given exception name.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Code returns the AWS exception name carried by err, or "" when err carries
// none (a plain Go error such as a cancelled context).
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Message returns the operator-facing message of err without its code.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
