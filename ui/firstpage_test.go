package ui

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
)

// remoteInfo makes a store look like a remote backend.
type remoteInfo struct{ *local.Store }

func (r remoteInfo) Info() backend.Info {
	i := r.Store.Info()
	i.Kind = "aws"
	return i
}

// TestFirstFrameShowsTheFirstPage: with an embedded store the console's
// first frame already shows the first page of secrets by name, not an
// empty "loading" list, and the rest of the listing follows it without
// listing that page twice.
func TestFirstFrameShowsTheFirstPage(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newStore(t)
	const n = 250
	var want []string
	err := s.Batch(ctx, func(ctx context.Context, b backend.Backend) error {
		// Created in reverse, so that name order is not creation order.
		for i := n - 1; i >= 0; i-- {
			name := fmt.Sprintf("app/s%03d", i)
			want = append(want, name)
			if _, err := b.CreateSecret(ctx, &backend.CreateSecretInput{Name: name, SecretString: str("v")}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)

	if seed := fetchFirstPage(ctx, remoteInfo{s}); seed != nil {
		t.Fatalf("a remote backend's first page was waited for: %d rows", len(seed.rows))
	}
	seed := fetchFirstPage(ctx, s)
	if seed == nil || len(seed.rows) != listPageSize || seed.next == "" {
		t.Fatalf("first page = %+v, want %d rows and a token", seed, listPageSize)
	}
	r, st := asciiStyles(t)
	m := newModel(ctx, &Config{Backend: s}, r, st, options{now: func() time.Time { return testNow }, tick: noTick, seed: seed})
	h := &harness{t: t, m: m}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	// Bubble Tea draws the first frame after Init and before the first
	// message: the load Init starts has not delivered anything yet.
	init := m.Init()
	first := m.View()
	if !regexp.MustCompile(`›\s+app/s000`).MatchString(first) || !strings.Contains(first, "app/s034") {
		t.Fatalf("the first frame shows no rows:\n%s", first)
	}
	if !strings.Contains(first, "Secrets 100") {
		t.Errorf("the first frame's title does not count the first page:\n%s", strings.SplitN(first, "\n", 3)[1])
	}
	h.run(init)
	if got := h.listNames(); !slices.Equal(got, want) {
		t.Fatalf("after the load, %d names (first %v), want the %d secrets once each", len(got), got[:min(3, len(got))], n)
	}
	if l := h.list(); l.loading {
		t.Error("still loading after the stream ended")
	}
}

// TestFirstPageThatIsTheWholeList: a store whose secrets fit in the first
// page is listed completely before the first frame; nothing is streamed.
func TestFirstPageThatIsTheWholeList(t *testing.T) {
	ctx := context.Background()
	s, clk, _ := newStore(t)
	fill(t, s, clk, fixtureSecrets())
	seed := fetchFirstPage(ctx, s)
	if seed == nil || seed.next != "" {
		t.Fatalf("first page = %+v, want every fixture secret and no token", seed)
	}
	r, st := asciiStyles(t)
	m := newModel(ctx, &Config{Backend: s}, r, st, options{now: func() time.Time { return testNow }, tick: noTick, seed: seed})
	h := &harness{t: t, m: m}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	init := m.Init()
	if l := h.list(); l.loading || len(l.rows) != len(seed.rows) {
		t.Fatalf("loading %v with %d rows after Init, want the whole list of %d", l.loading, len(l.rows), len(seed.rows))
	}
	if v := m.View(); strings.Contains(v, "loading") {
		t.Errorf("the first frame says loading:\n%s", v)
	}
	h.run(init)
	if got := len(h.listNames()); got == 0 {
		t.Error("no rows after Init's commands ran")
	}
}
