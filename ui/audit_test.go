package ui

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/aws"
)

func (h *harness) audit() *auditPage {
	h.t.Helper()
	a, ok := h.m.top().(*auditPage)
	if !ok {
		h.t.Fatalf("top page is %T, not the audit view", h.m.top())
	}
	return a
}

func TestAuditOfOneSecretOnTheLocalStore(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.openDetail("staging/search/elastic")
	h.press("a")
	a := h.audit()
	if a.secretID == "staging/search/elastic" || !strings.HasPrefix(a.secretID, "arn:") {
		t.Errorf("asked for %q, want the secret's ARN", a.secretID)
	}
	// Newest first: the second version, then the creation.
	var ops []string
	for _, r := range a.recs {
		ops = append(ops, r.Operation)
	}
	if len(ops) < 2 || ops[len(ops)-1] != "CreateSecret" || !contains(ops, "PutSecretValue") {
		t.Fatalf("operations = %v", ops)
	}
	for _, r := range a.recs {
		if !strings.Contains(r.SecretARN, "staging/search/elastic") {
			t.Errorf("a record of another secret: %+v", r)
		}
	}
	h.seeView("Audit · staging/search/elastic", "✓ chain verified", "test@console", "PutSecretValue")
	h.press("esc")
	if _, ok := h.m.top().(*detailPage); !ok {
		t.Errorf("esc went to %T, want the detail page back", h.m.top())
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestAuditOfEverySecretPagesTheLocalLog(t *testing.T) {
	h, s := fixture(t, false, 80, 24)
	// Enough records for more than one page of the local log.
	for i := range localAuditPage {
		if err := s.TagResource(context.Background(), &backend.TagResourceInput{
			SecretID: "dev/cart/redis", Tags: []backend.Tag{{Key: "n", Value: fmt.Sprint(i)}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	h.press("A")
	a := h.audit()
	if len(a.recs) != localAuditPage || a.next == "" {
		t.Fatalf("first page: %d records, next %q", len(a.recs), a.next)
	}
	h.seeView("Audit log", "more as you scroll", "SECRET", "dev/cart/redis", "TagResource")
	h.press("G")
	if len(a.recs) <= localAuditPage || a.next != "" {
		t.Fatalf("after scrolling to the end: %d records, next %q", len(a.recs), a.next)
	}
	last := a.recs[len(a.recs)-1]
	if last.Seq != 1 {
		t.Errorf("the oldest record is #%d, want #1", last.Seq)
	}
	seen := map[int64]bool{}
	for _, r := range a.recs {
		if seen[r.Seq] {
			t.Fatalf("record #%d shown twice", r.Seq)
		}
		seen[r.Seq] = true
	}
}

// An altered record breaks the chain, and the view names it.
func TestAuditShowsABrokenChain(t *testing.T) {
	s, clk, path := newStore(t)
	fill(t, s, clk, fixtureSecrets()[:2])
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE audit SET actor = 'someone-else' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Config{Backend: s}, 120, 40)
	h.press("A")
	h.seeView("✗ chain broken at record 2", "altered")
}

func TestAuditNeedsAnAuditor(t *testing.T) {
	s, _, _ := newStore(t)
	h := newHarness(t, Config{Backend: struct{ backend.Backend }{s}}, 80, 24)
	h.press("A")
	h.wantStatus("keeps no audit history")
	if _, ok := h.m.top().(*listPage); !ok {
		t.Errorf("top page is %T", h.m.top())
	}
}

// cloudTrailStandIn answers Secrets Manager's ListSecrets and DescribeSecret
// for one secret and CloudTrail's LookupEvents with the given pages; STS
// is not spoken, as on most stand-ins.
type cloudTrailStandIn struct {
	mu      sync.Mutex
	lookups []map[string]any
	pages   [][]map[string]any
	denied  bool
}

const standInARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"

func (c *cloudTrailStandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch target {
	case "secretsmanager.ListSecrets":
		_, _ = io.WriteString(w, `{"SecretList":[{"ARN":"`+standInARN+`","Name":"prod/db","LastChangedDate":1767225600}]}`)
	case "secretsmanager.DescribeSecret":
		_, _ = io.WriteString(w, `{"ARN":"`+standInARN+`","Name":"prod/db"}`)
	case "CloudTrail_20131101.LookupEvents":
		c.mu.Lock()
		c.lookups = append(c.lookups, body)
		c.mu.Unlock()
		if c.denied {
			w.WriteHeader(400)
			_, _ = io.WriteString(w, `{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action"}`)
			return
		}
		i := 0
		if tok, _ := body["NextToken"].(string); tok != "" {
			fmt.Sscanf(tok, "page-%d", &i)
		}
		resp := map[string]any{"Events": c.pages[i]}
		if i+1 < len(c.pages) {
			resp["NextToken"] = fmt.Sprintf("page-%d", i+1)
		}
		_ = json.NewEncoder(w).Encode(resp)
	default:
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"__type":"UnknownOperationException","message":"unknown operation"}`)
	}
}

func (c *cloudTrailStandIn) lookupCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.lookups)
}

// awsConsole opens the real AWS backend on a stand-in reached through
// AWS_ENDPOINT_URL, as an operator would point it at LocalStack.
func awsConsole(t *testing.T, srv http.Handler, w, h int) *harness {
	t.Helper()
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	for _, k := range []string{"AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_CLOUDTRAIL", "AWS_PROFILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_ENDPOINT_URL", hs.URL)
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	b, err := aws.New(context.Background(), aws.Config{Region: "eu-west-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""), MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return newHarness(t, Config{Backend: b}, w, h)
}

func trailEvents(from, n int) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = map[string]any{
			"EventName": "GetSecretValue", "EventTime": 1767225600 - (from+i)*60, "Username": fmt.Sprintf("app-%d", from+i),
			"Resources": []map[string]any{{"ResourceType": "AWS::SecretsManager::Secret", "ResourceName": standInARN}},
		}
	}
	return out
}

func TestAuditOnAWSReadsCloudTrailAndSanitizes(t *testing.T) {
	evil := map[string]any{
		"EventName": "PutSecretValue\x1b[2J", "EventTime": 1767225660, "Username": "mallory\x1b]0;pwned\x07",
		"CloudTrailEvent": `{"errorCode":"AccessDenied","requestParameters":{"secretId":"prod/db","versionId":"v-9"}}`,
	}
	srv := &cloudTrailStandIn{pages: [][]map[string]any{append([]map[string]any{evil}, trailEvents(0, 29)...), trailEvents(29, 10)}}
	h := awsConsole(t, srv, 80, 24)
	h.seeView("prod/db", "account unknown")
	h.press("enter", "a")
	a := h.audit()
	if a.secretID != standInARN {
		t.Errorf("asked for %q, want the ARN", a.secretID)
	}
	v := h.view()
	for _, bad := range []string{"\x1b", "\x07"} {
		if strings.Contains(v, bad) {
			t.Fatalf("the view holds %q:\n%s", bad, v)
		}
	}
	h.seeView("Audit · prod/db", `mallory\x1b]0;pwned`, "AccessDenied", "CloudTrail digest files", "more as you scroll")
	if n := srv.lookupCount(); n != 1 {
		t.Fatalf("LookupEvents calls = %d before scrolling, want 1", n)
	}
	attr := srv.lookups[0]["LookupAttributes"].([]any)[0].(map[string]any)
	if attr["AttributeKey"] != "ResourceName" || attr["AttributeValue"] != standInARN {
		t.Errorf("lookup = %v", attr)
	}
	h.press("G")
	if n := srv.lookupCount(); n != 2 || len(a.recs) != 40 || a.next != "" {
		t.Fatalf("after scrolling: %d lookups, %d records, next %q", n, len(a.recs), a.next)
	}
	h.press("G")
	h.seeView("app-38")
}

func TestAuditOnAWSAccessDeniedIsClear(t *testing.T) {
	h := awsConsole(t, &cloudTrailStandIn{denied: true}, 120, 40)
	h.press("A")
	h.seeView("AccessDeniedException", "cloudtrail:LookupEvents")
}

func TestAuditGolden(t *testing.T) {
	screens := []struct {
		name  string
		drive func(p *program)
	}{
		{"audit-secret", func(p *program) {
			p.press("j", "j", "j", "enter")
			p.waitFor("PostgreSQL credentials for the payments")
			mark := p.out.Len()
			p.press("a")
			p.waitAll(mark, "Audit · prod/payments/postgres", "chain verified")
		}},
		{"audit-all", func(p *program) {
			mark := p.out.Len()
			p.press("A")
			p.waitAll(mark, "Audit log", "chain verified")
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				b, normalize := goldenStore(t)
				p := startProgram(t, Config{Backend: b, Version: "v1.0.0"}, size[0], size[1])
				p.waitFor("prod/payments/postgres")
				sc.drive(p)
				golden.RequireEqual(t, []byte(normalize(p.finish())))
			})
		}
	}
}
