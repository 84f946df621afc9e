package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/secretary-sh/secretary/backend"
)

// The audit history of a secret on AWS is CloudTrail's record of the
// Secrets Manager management events (every API call, reads included).
const (
	eventSource = "secretsmanager.amazonaws.com"
	// LookupEvents returns at most 50 events a call.
	trailPageSize = 50
	// trailPermission is what an operator must be granted to see the
	// history; an AccessDenied names it.
	trailPermission = "cloudtrail:LookupEvents"
)

var _ backend.Auditor = (*Backend)(nil)

// ErrNoTrail says the audit history cannot be read here. It matches
// errors.ErrUnsupported so a console can show it as a note, not a failure.
var ErrNoTrail error = unsupported("no CloudTrail history here: the secrets come from an overridden Secrets Manager endpoint and CloudTrail records only AWS itself (set AWS_ENDPOINT_URL_CLOUDTRAIL to read a stand-in's)")

// unsupported is an error that matches errors.ErrUnsupported without
// appending its "unsupported operation" to a message meant for operators.
type unsupported string

func (e unsupported) Error() string { return string(e) }

func (e unsupported) Is(target error) bool { return target == errors.ErrUnsupported }

// trailClient reads CloudTrail. client is nil when CloudTrail must not be
// asked (see newTrailClient).
type trailClient struct {
	client *cloudtrail.Client
}

// newTrailClient builds the CloudTrail client with the same credentials,
// region and retryer as Secrets Manager. As for STS, an overridden Secrets
// Manager endpoint with no CloudTrail endpoint of its own means the real
// CloudTrail would describe some other account's secrets: nobody is asked.
func newTrailClient(awsCfg awssdk.Config, smOverridden bool) *trailClient {
	c := cloudtrail.NewFromConfig(awsCfg)
	if smOverridden && c.Options().BaseEndpoint == nil {
		return &trailClient{}
	}
	return &trailClient{client: c}
}

// AuditLog reads the secret's CloudTrail history (or every Secrets Manager
// event when q.SecretID is empty), newest first, up to q.Limit records;
// with no limit it reads every page CloudTrail holds (90 days), which at
// CloudTrail's two lookups a second can take a while.
func (b *Backend) AuditLog(ctx context.Context, q backend.AuditQuery) ([]backend.AuditRecord, error) {
	var out []backend.AuditRecord
	token := ""
	for {
		recs, next, err := b.AuditPage(ctx, q, token)
		out = append(out, recs...)
		if err != nil {
			return out, err
		}
		if q.Limit > 0 && len(out) >= q.Limit {
			return out[:q.Limit], nil
		}
		if next == "" {
			return out, nil
		}
		token = next
	}
}

// AuditPage reads one page of the history AuditLog reads, with the token
// the previous page returned ("" for the first); the returned token is ""
// after the last page. A console pages with it as the operator scrolls
// instead of asking CloudTrail for everything at once.
func (b *Backend) AuditPage(ctx context.Context, q backend.AuditQuery, token string) ([]backend.AuditRecord, string, error) {
	if b.trail.client == nil {
		return nil, "", ErrNoTrail
	}
	attr := cttypes.LookupAttribute{AttributeKey: cttypes.LookupAttributeKeyEventSource, AttributeValue: awssdk.String(eventSource)}
	if q.SecretID != "" {
		// CloudTrail names a secret by its full ARN; a name is resolved
		// first. A secret that is gone keeps its history under the ARN
		// it had, so the name is used as it is when it resolves to none.
		id := q.SecretID
		if !strings.HasPrefix(id, "arn:") {
			if m, err := b.DescribeSecret(ctx, id); err == nil {
				id = m.ARN
			} else if !errors.Is(err, backend.ErrResourceNotFound) {
				return nil, "", err
			}
		}
		attr = cttypes.LookupAttribute{AttributeKey: cttypes.LookupAttributeKeyResourceName, AttributeValue: awssdk.String(id)}
	}
	size := int32(trailPageSize)
	if q.Limit > 0 && q.Limit < trailPageSize {
		size = int32(q.Limit)
	}
	in := &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{attr},
		MaxResults:       awssdk.Int32(size),
	}
	if token != "" {
		in.NextToken = awssdk.String(token)
	}
	out, err := b.trail.client.LookupEvents(ctx, in)
	if err != nil {
		return nil, "", trailError(err)
	}
	recs := make([]backend.AuditRecord, 0, len(out.Events))
	for _, e := range out.Events {
		recs = append(recs, auditRecord(e))
	}
	return recs, awssdk.ToString(out.NextToken), nil
}

// VerifyAudit has nothing to verify: CloudTrail's own digest files prove
// its logs intact, and LookupEvents does not expose them.
func (b *Backend) VerifyAudit(context.Context) error {
	return unsupported("CloudTrail log integrity is verified by CloudTrail digest files (aws cloudtrail validate-logs)")
}

// trailError maps a LookupEvents failure; an AccessDenied names the
// permission the audit view needs, since the policy that allows reading
// secrets often does not allow reading CloudTrail.
func trailError(err error) error {
	if ce := certificateError(err); ce != nil {
		return fmt.Errorf("cannot reach CloudTrail: %w", ce)
	}
	if isConnRefused(err) {
		return fmt.Errorf("cannot reach CloudTrail: connection refused: %w", err)
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return fmt.Errorf("cannot reach CloudTrail: %w", err)
	}
	err = mapError(err)
	var be *backend.Error
	if errors.As(err, &be) && (be.Code == backend.CodeAccessDenied || be.Code == "AccessDenied") &&
		!strings.Contains(be.Message, trailPermission) {
		return &backend.Error{Code: be.Code, Message: be.Message + " (the audit view needs " + trailPermission + ")"}
	}
	return err
}

// trailEvent holds the parts of a CloudTrail record the audit view shows.
type trailEvent struct {
	UserIdentity struct {
		Type        string `json:"type"`
		ARN         string `json:"arn"`
		PrincipalID string `json:"principalId"`
		InvokedBy   string `json:"invokedBy"`
	} `json:"userIdentity"`
	ErrorCode         string `json:"errorCode"`
	RequestParameters struct {
		SecretID  string `json:"secretId"`
		VersionID string `json:"versionId"`
		Name      string `json:"name"`
	} `json:"requestParameters"`
	ResponseElements struct {
		ARN       string `json:"arn"`
		VersionID string `json:"versionId"`
	} `json:"responseElements"`
}

// auditRecord maps a CloudTrail event to an audit record. Strings are kept
// as CloudTrail has them (a user name can hold anything a caller put in a
// session name); whoever draws them sanitizes them.
func auditRecord(e cttypes.Event) backend.AuditRecord {
	r := backend.AuditRecord{
		Time:      awssdk.ToTime(e.EventTime),
		Actor:     awssdk.ToString(e.Username),
		Operation: awssdk.ToString(e.EventName),
		Outcome:   "ok",
	}
	for _, res := range e.Resources {
		if strings.HasPrefix(awssdk.ToString(res.ResourceName), "arn:") {
			r.SecretARN = awssdk.ToString(res.ResourceName)
			break
		}
	}
	var ev trailEvent
	if raw := awssdk.ToString(e.CloudTrailEvent); raw != "" && json.Unmarshal([]byte(raw), &ev) == nil {
		if r.Actor == "" {
			r.Actor = firstNonEmpty(ev.UserIdentity.ARN, ev.UserIdentity.InvokedBy, ev.UserIdentity.PrincipalID, ev.UserIdentity.Type)
		}
		if r.SecretARN == "" {
			r.SecretARN = firstNonEmpty(ev.ResponseElements.ARN, ev.RequestParameters.SecretID, ev.RequestParameters.Name)
		}
		r.VersionID = firstNonEmpty(ev.RequestParameters.VersionID, ev.ResponseElements.VersionID)
		if ev.ErrorCode != "" {
			r.Outcome, r.ErrorCode = "error", ev.ErrorCode
		}
	}
	return r
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
