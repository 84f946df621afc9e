package aws

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

const trailARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"

// trailPages answers LookupEvents with the given pages in turn (NextToken
// "p2", "p3", …) and records each request body.
type trailPages struct {
	mu       sync.Mutex
	requests []map[string]any
	pages    [][]map[string]any
}

func (p *trailPages) serve(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".LookupEvents") {
		http.Error(w, "unexpected target", 400)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	p.mu.Lock()
	p.requests = append(p.requests, body)
	p.mu.Unlock()
	i := 0
	if tok, _ := body["NextToken"].(string); tok != "" {
		i = int(tok[1]-'0') - 1
	}
	resp := map[string]any{"Events": p.pages[i]}
	if i+1 < len(p.pages) {
		resp["NextToken"] = "p" + string(rune('1'+i+1))
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(resp)
}

func describeProdDB(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if r.Header.Get("X-Amz-Target") != "secretsmanager.DescribeSecret" {
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"__type":"InvalidRequestException","message":"unexpected"}`)
		return
	}
	_, _ = io.WriteString(w, `{"ARN":"`+trailARN+`","Name":"prod/db"}`)
}

func cloudTrailEvent(fields map[string]any) string {
	b, _ := json.Marshal(fields)
	return string(b)
}

func TestAuditReadsCloudTrailForTheSecretsARNPageByPage(t *testing.T) {
	pages := &trailPages{pages: [][]map[string]any{
		{
			{
				"EventId": "e1", "EventName": "PutSecretValue", "EventSource": "secretsmanager.amazonaws.com",
				"EventTime": 1767225600, "Username": "alice\x1b]0;pwned\x07",
				"Resources": []map[string]any{{"ResourceType": "AWS::SecretsManager::Secret", "ResourceName": trailARN}},
				"CloudTrailEvent": cloudTrailEvent(map[string]any{
					"userIdentity":      map[string]any{"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/Ops/alice"},
					"requestParameters": map[string]any{"secretId": "prod/db", "clientRequestToken": "tok"},
					"responseElements":  map[string]any{"arn": trailARN, "versionId": "v-2"},
				}),
			},
		},
		{
			{
				"EventId": "e2", "EventName": "GetSecretValue", "EventSource": "secretsmanager.amazonaws.com",
				"EventTime": 1767222000,
				"CloudTrailEvent": cloudTrailEvent(map[string]any{
					"userIdentity":      map[string]any{"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/bob"},
					"errorCode":         "AccessDenied",
					"requestParameters": map[string]any{"secretId": trailARN, "versionId": "v-1"},
				}),
			},
		},
	}}
	b := standIn(t, &awsStandIn{sm: describeProdDB, trail: pages.serve})

	recs, next, err := b.AuditPage(context.Background(), backend.AuditQuery{SecretID: "prod/db"}, "")
	if err != nil {
		t.Fatalf("first page: %v", err)
	}
	if next != "p2" || len(recs) != 1 {
		t.Fatalf("first page: %d records, next %q", len(recs), next)
	}
	r := recs[0]
	if r.Operation != "PutSecretValue" || r.VersionID != "v-2" || r.Outcome != "ok" || r.SecretARN != trailARN ||
		!r.Time.Equal(time.Unix(1767225600, 0)) {
		t.Errorf("record 1 = %+v", r)
	}
	// The user name is kept as CloudTrail has it; the console sanitizes.
	if r.Actor != "alice\x1b]0;pwned\x07" {
		t.Errorf("actor = %q", r.Actor)
	}
	recs, next, err = b.AuditPage(context.Background(), backend.AuditQuery{SecretID: "prod/db"}, next)
	if err != nil || next != "" || len(recs) != 1 {
		t.Fatalf("second page: %v, next %q, %d records", err, next, len(recs))
	}
	r = recs[0]
	if r.Actor != "arn:aws:iam::123456789012:user/bob" || r.Outcome != "error" || r.ErrorCode != "AccessDenied" ||
		r.VersionID != "v-1" || r.SecretARN != trailARN {
		t.Errorf("record 2 = %+v", r)
	}

	pages.mu.Lock()
	defer pages.mu.Unlock()
	if len(pages.requests) != 2 {
		t.Fatalf("LookupEvents calls = %d", len(pages.requests))
	}
	attrs, _ := pages.requests[0]["LookupAttributes"].([]any)
	if len(attrs) != 1 {
		t.Fatalf("LookupAttributes = %v", pages.requests[0]["LookupAttributes"])
	}
	a := attrs[0].(map[string]any)
	if a["AttributeKey"] != "ResourceName" || a["AttributeValue"] != trailARN {
		t.Errorf("lookup = %v, want ResourceName = the secret's ARN", a)
	}
	if pages.requests[0]["MaxResults"] != float64(50) || pages.requests[1]["NextToken"] != "p2" {
		t.Errorf("paging = %v then %v", pages.requests[0], pages.requests[1])
	}
}

func TestAuditLogOfEverySecretAsksForSecretsManagerEvents(t *testing.T) {
	pages := &trailPages{pages: [][]map[string]any{
		{{"EventName": "CreateSecret", "EventTime": 1767225600, "Username": "a"}},
		{{"EventName": "DeleteSecret", "EventTime": 1767225000, "Username": "b"}, {"EventName": "TagResource", "EventTime": 1767224000, "Username": "c"}},
		{{"EventName": "never read", "EventTime": 1767223000}},
	}}
	b := standIn(t, &awsStandIn{trail: pages.serve})
	recs, err := b.AuditLog(context.Background(), backend.AuditQuery{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Operation != "CreateSecret" || recs[1].Operation != "DeleteSecret" {
		t.Fatalf("records = %+v", recs)
	}
	pages.mu.Lock()
	defer pages.mu.Unlock()
	if len(pages.requests) != 2 {
		t.Errorf("LookupEvents calls = %d, want 2 (stop once the limit is reached)", len(pages.requests))
	}
	a := pages.requests[0]["LookupAttributes"].([]any)[0].(map[string]any)
	if a["AttributeKey"] != "EventSource" || a["AttributeValue"] != "secretsmanager.amazonaws.com" {
		t.Errorf("lookup = %v", a)
	}
	if pages.requests[0]["MaxResults"] != float64(2) {
		t.Errorf("MaxResults = %v, want the limit", pages.requests[0]["MaxResults"])
	}
}

func TestAuditAccessDeniedNamesThePermission(t *testing.T) {
	b := standIn(t, &awsStandIn{trail: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/bob is not authorized to perform this action"}`)
	}})
	_, _, err := b.AuditPage(context.Background(), backend.AuditQuery{SecretID: trailARN}, "")
	if backend.Code(err) != backend.CodeAccessDenied || !strings.Contains(backend.Message(err), "cloudtrail:LookupEvents") {
		t.Fatalf("err = %v, want AccessDeniedException naming cloudtrail:LookupEvents", err)
	}
}

// With only Secrets Manager's endpoint overridden, CloudTrail would answer
// for a different account: the audit view says so and asks nobody.
func TestAuditWithOnlySecretsManagerOverriddenAsksNobody(t *testing.T) {
	a := &awsStandIn{}
	srv := httptest.NewServer(a)
	defer srv.Close()
	for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_CLOUDTRAIL", "AWS_ENDPOINT_URL_SECRETS_MANAGER"} {
		t.Setenv(k, "")
	}
	b, err := New(context.Background(), testConfig(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_, err = b.AuditLog(context.Background(), backend.AuditQuery{SecretID: trailARN})
	if !errors.Is(err, ErrNoTrail) || !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("err = %v, want ErrNoTrail", err)
	}
	if a.trailCalls.Load() != 0 {
		t.Errorf("CloudTrail was asked")
	}
	if err := b.VerifyAudit(context.Background()); !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), "digest files") {
		t.Errorf("VerifyAudit = %v", err)
	}
}
