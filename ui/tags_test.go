package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

// tagCalls records the tag calls that reach the backend.
type tagCalls struct {
	backend.Backend
	calls []string
}

func (b *tagCalls) TagResource(ctx context.Context, in *backend.TagResourceInput) error {
	var kv []string
	for _, t := range in.Tags {
		kv = append(kv, t.Key+"="+t.Value)
	}
	b.calls = append(b.calls, "TagResource "+strings.Join(kv, ","))
	return b.Backend.TagResource(ctx, in)
}

func (b *tagCalls) UntagResource(ctx context.Context, in *backend.UntagResourceInput) error {
	b.calls = append(b.calls, "UntagResource "+strings.Join(in.TagKeys, ","))
	return b.Backend.UntagResource(ctx, in)
}

func createTagged(t *testing.T, b backend.Backend) {
	t.Helper()
	if _, err := b.CreateSecret(context.Background(), &backend.CreateSecretInput{Name: "prod/tagged", SecretString: str("x"),
		Tags: []backend.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "payments"}, {Key: "owner", Value: "n.osei"}}}); err != nil {
		t.Fatal(err)
	}
}

func tagMap(t *testing.T, b backend.Backend, name string) map[string]string {
	t.Helper()
	m, err := b.DescribeSecret(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, tg := range m.Tags {
		out[tg.Key] = tg.Value
	}
	return out
}

// The tags editor starts with the current tags; one form changes a value,
// removes a tag and adds one, and saving sends only those differences.
func TestTagsEditorSendsOnlyTheDifferences(t *testing.T) {
	var rec *tagCalls
	eachBackend(t, 120, 40, func(t *testing.T, b backend.Backend) { createTagged(t, b) }, func(t *testing.T, h *harness) {
		rec = &tagCalls{Backend: h.m.c.backend}
		h.m.c.backend = rec
		h.openDetail("prod/tagged")
		h.press("t")
		p, ok := h.m.top().(*tagsPage)
		if !ok {
			t.Fatalf("t opened %T", h.m.top())
		}
		v := h.view()
		for _, row := range [][]string{{"env", "prod"}, {"team", "payments"}, {"owner", "n.osei"}} {
			if !rowHas(v, row...) {
				t.Fatalf("the form lacks %v:\n%s", row, v)
			}
		}
		// env: change the value; team: remove; add cost-center.
		h.press("tab", "ctrl+u")
		h.typeText("production")
		h.press("down", "ctrl+d")
		h.press("ctrl+n")
		h.typeText("cost-center")
		h.press("tab")
		h.typeText("CC-1")
		h.press("ctrl+s")
		v = h.view()
		if !strings.Contains(v, "Set 2 tags: env, cost-center (TagResource).") || !strings.Contains(v, "Remove 1 tag: team (UntagResource).") {
			t.Fatalf("the review does not list the differences:\n%s", v)
		}
		h.press("y")
		want := map[string]string{"env": "production", "owner": "n.osei", "cost-center": "CC-1"}
		if got := tagMap(t, rec.Backend, "prod/tagged"); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("tags %v, want %v", got, want)
		}
		if got := strings.Join(rec.calls, "; "); got != "UntagResource team; TagResource env=production,cost-center=CC-1" {
			t.Fatalf("calls %q", got)
		}
		if h.m.top() == p {
			t.Fatal("the form stayed open after saving")
		}
		if v := h.view(); !strings.Contains(v, "cost-center = CC-1") || strings.Contains(v, "team = payments") {
			t.Fatalf("detail not refreshed:\n%s", v)
		}
	})
}

// What AWS would refuse is refused in the form, with the row it is on,
// and nothing is sent.
func TestTagsEditorChecksAWSRules(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	createTagged(t, s)
	rec := &tagCalls{Backend: s}
	h.m.c.backend = rec
	h.press("ctrl+r")
	h.openDetail("prod/tagged")
	for _, tc := range []struct {
		key, value, want string
	}{
		{"aws:owner", "x", "Tag 4 (aws:owner): keys starting with aws: are reserved for AWS."},
		{strings.Repeat("k", 129), "x", "a key holds 1 to 128 characters, not 129."},
		{"big", strings.Repeat("v", 257), "Tag 4 (big): a value holds at most 256 characters, not 257."},
		{"env", "again", "Tag 4 (env) repeats the key of tag 1."},
		{"", "orphan", "Tag 4 has a value but no key."},
		{"team#1", "x", "Tag 4 (team#1): 1 validation error detected"},
	} {
		h.press("t", "ctrl+n")
		h.typeText(tc.key)
		h.press("tab")
		h.typeText(tc.value)
		h.press("ctrl+s")
		if v := h.view(); !strings.Contains(v, tc.want) || strings.Contains(v, "Save tags") {
			t.Fatalf("%q=%q: the form does not refuse with %q:\n%s", tc.key, tc.value, tc.want, v)
		}
		h.press("esc")
	}
	h.press("t")
	for i := 0; i < 48; i++ {
		h.press("ctrl+n")
		h.typeText(fmt.Sprintf("k%d", i))
	}
	h.press("ctrl+s")
	if v := h.view(); !strings.Contains(v, "A secret holds at most 50 tags; the form has 51.") {
		t.Fatalf("51 tags not refused:\n%s", v)
	}
	h.press("esc")
	if len(rec.calls) != 0 {
		t.Fatalf("refused forms sent %q", rec.calls)
	}
}
