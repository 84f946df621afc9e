package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

func (a *auditPage) shownOps() []string {
	var ops []string
	for _, i := range a.shown {
		ops = append(ops, a.recs[i].Operation+" "+secretName(a.recs[i].SecretARN))
	}
	return ops
}

// The audit view filters by operation, actor and secret, and shows writes
// only on w; the header says which filter is on, and esc clears it first.
func TestAuditFilters(t *testing.T) {
	h, s := fixture(t, false, 140, 40)
	ctx := context.Background()
	if _, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "dev/cart/redis"}); err != nil {
		t.Fatal(err)
	}
	if err := s.TagResource(ctx, &backend.TagResourceInput{SecretID: "dev/cart/redis", Tags: []backend.Tag{{Key: "k", Value: "v"}}}); err != nil {
		t.Fatal(err)
	}
	h.press("A")
	a := h.audit()
	all := len(a.recs)
	h.press("/")
	h.typeText("op:tagres secret:cart/redis")
	h.press("enter")
	if ops := a.shownOps(); len(ops) != 1 || ops[0] != "TagResource dev/cart/redis" {
		t.Fatalf("filtered to %q", ops)
	}
	h.seeView("1 of " + comma(all) + " records · filter op:tagres secret:cart/redis")
	h.press("esc")
	if len(a.shown) != all || h.m.top() != a {
		t.Fatalf("esc did not clear the filter (%d of %d shown) or left the page", len(a.shown), all)
	}
	h.press("w")
	h.seeView("writes only")
	for _, op := range a.shownOps() {
		if strings.HasPrefix(op, "Get") || strings.HasPrefix(op, "Describe") || strings.HasPrefix(op, "List") {
			t.Fatalf("writes only shows %s", op)
		}
	}
	if ops := a.shownOps(); !contains(ops, "TagResource dev/cart/redis") || len(ops) >= all {
		t.Fatalf("writes only shows %q", ops)
	}
	h.press("/")
	h.typeText("actor:nobody-at-all")
	h.press("enter")
	h.seeView("No record matches the filter", "filter actor:nobody-at-all · writes only")
	h.press("esc", "esc")
	if _, ok := h.m.top().(*listPage); !ok {
		t.Fatalf("the second esc went to %T, want the list", h.m.top())
	}
}

// A filter that matches nothing reads a few pages, not the whole log, and
// says how to read on; a key at the end reads one more page.
func TestAuditFilterReadsABoundedNumberOfPages(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	for i := range (auditScanPages + 3) * localAuditPage {
		if err := s.TagResource(context.Background(), &backend.TagResourceInput{
			SecretID: "dev/cart/redis", Tags: []backend.Tag{{Key: "n", Value: "v"}},
		}); err != nil {
			t.Fatal(err, i)
		}
	}
	h.press("A")
	a := h.audit()
	h.press("/")
	h.typeText("actor:nobody-at-all")
	h.press("enter")
	read := len(a.recs)
	if want := (1 + auditScanPages) * localAuditPage; read != want || a.next == "" {
		t.Fatalf("read %d records (next %q), want %d and more left", read, a.next, want)
	}
	h.seeView(comma(read) + " read; ↓ reads on")
	h.press("j")
	if len(a.recs) != read+localAuditPage {
		t.Fatalf("↓ at the end read %d more records, want one page", len(a.recs)-read)
	}
}
