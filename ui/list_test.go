package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/secretary-sh/secretary/backend"
)

func TestListLoadsEverySecretSortedByName(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	want := []string{"dev/cart/redis", "prod/checkout/stripe-api-key", "prod/identity/jwt-signing-key",
		"prod/payments/postgres", "qa/notifications/sendgrid-api-key", "staging/orders/mysql", "staging/search/elastic"}
	if got := h.listNames(); !slices.Equal(got, want) {
		t.Fatalf("list = %v, want %v (the deleted secret hidden)", got, want)
	}
	v := h.view()
	for _, s := range []string{"Secrets 7 · by name ▲ · 1 deleted hidden (x)", "NAME ▲", "prod/payments/postgres", "PostgreSQL credentials", "yesterday", "3 blue"} {
		if !strings.Contains(v, s) {
			t.Errorf("view lacks %q:\n%s", s, v)
		}
	}
	if l := h.list(); l.loading {
		t.Error("still loading after the stream ended")
	}
}

func TestListFilter(t *testing.T) {
	cases := []struct {
		query string
		want  []string
	}{
		{"stripe", []string{"prod/checkout/stripe-api-key"}},
		{"STRIPE", []string{"prod/checkout/stripe-api-key"}},
		{"prod postgres", []string{"prod/payments/postgres"}},
		{"credentials !mysql", []string{"prod/payments/postgres", "staging/search/elastic"}},
		{"name:staging/", []string{"staging/orders/mysql", "staging/search/elastic"}},
		{"!name:prod/ !name:staging/", []string{"dev/cart/redis", "qa/notifications/sendgrid-api-key"}},
		{"name:!prod/ name:!staging/", []string{"dev/cart/redis", "qa/notifications/sendgrid-api-key"}},
		{"tag-value:commerce", []string{"dev/cart/redis", "prod/checkout/stripe-api-key", "staging/orders/mysql"}},
		{"tag-key:env name:prod/", []string{"prod/checkout/stripe-api-key", "prod/payments/postgres"}},
		{"description:redis", []string{"dev/cart/redis"}},
		{"name:dev/,qa/", []string{"dev/cart/redis", "qa/notifications/sendgrid-api-key"}},
		{"team=discovery", []string{"staging/search/elastic"}},
		{"nothing-matches-this", []string{}},
	}
	h, _ := fixture(t, false, 120, 40)
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			h.press("/")
			h.typeText(tc.query)
			if got := h.listNames(); !slices.Equal(got, tc.want) {
				t.Errorf("filter %q = %v, want %v", tc.query, got, tc.want)
			}
			if len(tc.want) == 0 && !strings.Contains(h.view(), `No secret matches the filter: no secret matches "nothing-matches-this"`) {
				t.Errorf("empty result not explained:\n%s", h.view())
			}
			h.press("esc") // clears the filter
			if n := len(h.listNames()); n != 7 {
				t.Fatalf("after esc the list has %d secrets, want 7", n)
			}
		})
	}
}

func TestListFilterNarrowsIncrementally(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.press("/")
	h.typeText("pro")
	if got := len(h.listNames()); got != 3 {
		t.Fatalf("'pro' matched %d, want 3", got)
	}
	h.typeText("d/p")
	if got := h.listNames(); !slices.Equal(got, []string{"prod/payments/postgres"}) {
		t.Fatalf("'prod/p' = %v", got)
	}
	h.press("backspace", "backspace", "backspace")
	if got := len(h.listNames()); got != 3 {
		t.Fatalf("after backspace 'pro' matched %d, want 3", got)
	}
	// A changed filter starts at its first match.
	if name, _ := h.list().selected(); name != "prod/checkout/stripe-api-key" {
		t.Fatalf("cursor on %q after widening, want the first match", name)
	}
	// enter keeps the filter and leaves the input; keys navigate again.
	h.press("enter")
	if h.list().filtering {
		t.Fatal("enter did not leave the filter input")
	}
	h.press("j")
	if name, _ := h.list().selected(); name != "prod/identity/jwt-signing-key" {
		t.Fatalf("j after the filter: on %q", name)
	}
	if !strings.Contains(h.view(), "/ pro") {
		t.Errorf("the kept filter is not shown:\n%s", h.view())
	}
	// Clearing the filter keeps that secret selected in the whole list.
	h.press("esc")
	if name, _ := h.list().selected(); name != "prod/identity/jwt-signing-key" || len(h.listNames()) != 7 {
		t.Fatalf("after esc: on %q of %d", name, len(h.listNames()))
	}
}

func TestListStaleFilterResultIsDropped(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	l := h.list()
	stale := l.recompute()
	h.press("/")
	h.typeText("redis")
	// The old computation finishes last; it must not replace the newer one.
	h.run(stale)
	if got := h.listNames(); !slices.Equal(got, []string{"dev/cart/redis"}) {
		t.Fatalf("a stale filter result replaced the current one: %v", got)
	}
}

func TestListSortCyclesAndReverses(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.press("s") // last changed, newest first
	names := h.listNames()
	if names[0] != "dev/cart/redis" || names[len(names)-1] != "prod/payments/postgres" {
		t.Fatalf("by last changed: %v", names)
	}
	h.wantStatus("sorted by last changed")
	h.press("S")
	if got := h.listNames(); got[0] != "prod/payments/postgres" {
		t.Fatalf("reversed: %v", got)
	}
	if v := h.view(); !strings.Contains(v, "by last changed ▲") || !strings.Contains(v, "CHANGED ▲") {
		t.Fatalf("reversed sort not shown in the title and the column header:\n%s", v)
	}
	h.press("s", "s") // accessed, created
	if v := h.view(); !strings.Contains(v, "by created ▲") || strings.Contains(v, "▼") {
		t.Fatalf("sort not shown:\n%s", v)
	}
	h.press("s") // next rotation
	if v := h.view(); !strings.Contains(v, "by next rotation ▼") || !strings.Contains(v, "ROTATION ▼") {
		t.Fatalf("sort by next rotation not shown:\n%s", v)
	}
	h.press("s") // back to name
	if got := h.listNames(); got[0] != "staging/search/elastic" {
		t.Fatalf("by name reversed: %v", got)
	}
}

func TestListShowsScheduledDeletionsOnRequest(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.press("x")
	if !slices.Contains(h.listNames(), "prod/legacy/old-api-key") {
		t.Fatal("x did not show the deleted secret")
	}
	h.selectName("prod/legacy/old-api-key")
	v := h.view()
	// Deleted 2 days before testNow with a 7-day window: gone on 11-25.
	if !strings.Contains(v, "✗ prod/legacy/old-api-key") || !strings.Contains(v, "del 11-25") {
		t.Fatalf("deleted secret not marked with its deletion date:\n%s", v)
	}
	h.press("x")
	if slices.Contains(h.listNames(), "prod/legacy/old-api-key") {
		t.Fatal("x again did not hide it")
	}
}

func TestListRefreshKeepsCursorOnSameSecret(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	h.selectName("staging/orders/mysql")
	// Another process adds secrets that sort before the selected one.
	for _, n := range []string{"a/one", "a/two", "b/three"} {
		if _, err := s.CreateSecret(context.Background(), &backend.CreateSecretInput{Name: n, SecretString: str("v")}); err != nil {
			t.Fatal(err)
		}
	}
	h.press("ctrl+r")
	l := h.list()
	if len(l.view) != 10 {
		t.Fatalf("after refresh %d secrets, want 10", len(l.view))
	}
	if name, _ := l.selected(); name != "staging/orders/mysql" {
		t.Fatalf("cursor on %q after refresh, want staging/orders/mysql", name)
	}
}

func TestListNavigation(t *testing.T) {
	h, _ := fixture(t, false, 80, 24)
	l := h.list()
	h.press("j", "j")
	if l.cursor != 2 {
		t.Fatalf("cursor %d after jj", l.cursor)
	}
	h.press("k")
	if l.cursor != 1 {
		t.Fatalf("cursor %d after k", l.cursor)
	}
	h.press("G")
	if l.cursor != 6 {
		t.Fatalf("cursor %d after G", l.cursor)
	}
	h.press("j")
	if l.cursor != 6 {
		t.Fatalf("cursor moved past the end: %d", l.cursor)
	}
	h.press("g")
	if l.cursor != 0 {
		t.Fatalf("cursor %d after g", l.cursor)
	}
	if !strings.Contains(h.view(), "1/7") {
		t.Errorf("status lacks the position:\n%s", h.view())
	}
}

func TestListPagesWhenTheBackendCannotStream(t *testing.T) {
	s, clk, _ := newStore(t)
	var many []fixtureSecret
	for i := range 250 {
		many = append(many, fixtureSecret{name: fmt.Sprintf("svc/%04d", i), values: []string{"v"}, age: 1})
	}
	fill(t, s, clk, many)
	pb := &pagesOnly{Backend: s}
	h := newHarness(t, Config{Backend: pb}, 120, 40)
	if n := len(h.list().view); n != 250 {
		t.Fatalf("paged listing shows %d secrets, want 250", n)
	}
	if pb.calls != 3 {
		t.Fatalf("ListSecrets called %d times, want 3 pages of 100", pb.calls)
	}
}

// pagesOnly hides the store's Streamer so the console pages as on AWS.
type pagesOnly struct {
	backend.Backend
	calls int
}

func (p *pagesOnly) ListSecrets(ctx context.Context, in *backend.ListSecretsInput) (*backend.ListSecretsOutput, error) {
	p.calls++
	if in.MaxResults != listPageSize {
		return nil, backend.Errorf(backend.CodeInvalidParameter, "want pages of %d, got %d", listPageSize, in.MaxResults)
	}
	return p.Backend.ListSecrets(ctx, in)
}

func TestParseQuery(t *testing.T) {
	q, err := parseQuery(`prod !test name:a/,b/ !tag-key:team description:!db foo:bar`)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(q.words, []string{"prod", "foo:bar"}) || !slices.Equal(q.negated, []string{"test"}) {
		t.Fatalf("words %v negated %v", q.words, q.negated)
	}
	want := []backend.Filter{
		{Key: "name", Values: []string{"a/", "b/"}},
		{Key: "tag-key", Values: []string{"!team"}},
		{Key: "description", Values: []string{"!db"}},
	}
	if len(q.filters) != len(want) {
		t.Fatalf("filters %v", q.filters)
	}
	for i := range want {
		if q.filters[i].Key != want[i].Key || !slices.Equal(q.filters[i].Values, want[i].Values) {
			t.Errorf("filter %d = %v, want %v", i, q.filters[i], want[i])
		}
	}
}

func TestLayoutFitsEveryWidth(t *testing.T) {
	for w := minWidth; w <= 250; w++ {
		widths := layout(listColumns(), w)
		total, n := 0, 0
		for _, x := range widths {
			if x > 0 {
				total += x
				n++
			}
		}
		total += n - 1
		if total != w {
			t.Fatalf("width %d: columns %v use %d cells", w, widths, total)
		}
		if widths[0] < 20 {
			t.Fatalf("width %d: name column %d too narrow", w, widths[0])
		}
	}
}

func TestAccessedDatesAreDaysNotHours(t *testing.T) {
	now := time.Date(2026, 11, 27, 4, 0, 0, 0, time.UTC)
	midnight := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{time.Time{}, "—"},
		{midnight, "today"},
		{midnight.AddDate(0, 0, -1), "yesterday"},
		{midnight.AddDate(0, 0, -5), "5d ago"},
		{midnight.AddDate(0, 0, -90), "2026-08-29"},
	} {
		at := int64(0)
		if !c.at.IsZero() {
			at = c.at.Unix()
		}
		if got := day(now.Unix(), at); got != c.want {
			t.Errorf("day(%v) = %q, want %q", c.at, got, c.want)
		}
	}
	if got := dayStamp(now, midnight); got != "11-27 (today)" {
		t.Errorf("dayStamp = %q: an access date has no hour", got)
	}
}

// failingList fails every listing while fail is set, as AWS does once its
// throttling outlasts the retries.
type failingList struct {
	backend.Backend
	fail bool
}

func (f *failingList) ListSecrets(ctx context.Context, in *backend.ListSecretsInput) (*backend.ListSecretsOutput, error) {
	if f.fail {
		return nil, backend.Errorf("ThrottlingException", "Rate exceeded")
	}
	return f.Backend.ListSecrets(ctx, in)
}

// A refresh that fails keeps the list from before instead of emptying the
// screen, and says so; the next refresh that succeeds shows the new list.
func TestFailedRefreshKeepsTheList(t *testing.T) {
	_, s := fixture(t, false, 120, 40)
	fb := &failingList{Backend: s}
	h := newHarness(t, Config{Backend: fb}, 120, 40)
	l := h.list()
	n := len(l.rows)
	if n == 0 {
		t.Fatal("the fixture listed nothing")
	}
	h.press("j")
	before, _ := l.selected()
	fb.fail = true
	h.press("ctrl+r")
	if len(l.rows) != n || len(l.view) == 0 {
		t.Fatalf("after a failed refresh %d rows (%d shown), want the %d from before", len(l.rows), len(l.view), n)
	}
	if after, _ := l.selected(); after != before {
		t.Errorf("cursor moved from %s to %s", before, after)
	}
	h.wantStatus("ThrottlingException: Rate exceeded · showing the list from before")
	if v := h.view(); !strings.Contains(v, "prod/payments/postgres") {
		t.Fatalf("the list is gone from the screen:\n%s", v)
	}
	fb.fail = false
	if _, err := s.CreateSecret(context.Background(), &backend.CreateSecretInput{Name: "prod/new/after-throttling", SecretString: str("v")}); err != nil {
		t.Fatal(err)
	}
	h.press("ctrl+r")
	if len(l.rows) != n+1 {
		t.Fatalf("a refresh that succeeded shows %d rows, want %d", len(l.rows), n+1)
	}
	h.wantStatus("listed again: " + comma(n+1) + " secrets")
}

// The row of a secret just acted on is right at once, from one
// DescribeSecret, without waiting for the reload of the whole list (which
// takes seconds at 100,000 secrets); here the reload fails outright, so
// only that fetch can have changed the row.
func TestActedOnRowIsFreshBeforeTheReload(t *testing.T) {
	_, s := fixture(t, false, 120, 40)
	fb := &failingList{Backend: s}
	h := newHarness(t, Config{Backend: fb}, 120, 40)
	l := h.list()
	n, deleted := len(l.rows), l.deleted
	name := "qa/notifications/sendgrid-api-key"
	h.selectName(name)
	fb.fail = true
	h.press("d", "y")
	if m, _ := s.DescribeSecret(context.Background(), name); !m.Deleted() {
		t.Fatal("the secret was not deleted")
	}
	if len(l.rows) != n || l.deleted != deleted+1 {
		t.Fatalf("%d rows, %d deleted; want %d rows, %d deleted", len(l.rows), l.deleted, n, deleted+1)
	}
	if slices.Contains(h.listNames(), name) {
		t.Fatal("the deleted secret is still listed among the live ones")
	}
	h.press("x") // show deleted
	h.selectName(name)
	if r := l.selectedRow(); r == nil || !r.deleted {
		t.Fatalf("the row of the deleted secret is not marked deleted: %+v", r)
	}
}

// After a listing fails (a dead endpoint, say), the next listing that
// succeeds replaces the error in the status bar instead of leaving it up.
func TestSuccessfulListingReplacesTheLoadError(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	l := h.list()
	n := len(l.rows)
	h.send(listBatchMsg{id: l.loadID, done: true,
		err: backend.Errorf(backend.CodeInternalServiceError, "cannot reach Secrets Manager")})
	h.wantStatus("cannot reach Secrets Manager")
	h.press("ctrl+r")
	h.wantStatus("listed again: " + comma(n) + " secrets")
	if h.m.status.isErr {
		t.Fatal("the status bar still shows an error after a listing succeeded")
	}
}

// A view holds indexes into the rows it was computed from. When a refresh
// replaces the rows with fewer (a secret force-deleted elsewhere, or from
// this list), the frames drawn before the new view arrives must still draw
// the old view's rows, not index past the end of the new ones; once the
// new view arrives the row is gone.
func TestRowsShrinkingUnderAViewIsSafe(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	l := h.list()
	n := len(l.view)
	if n < 3 {
		t.Fatalf("the fixture lists %d secrets", n)
	}
	// The secret whose row is last in the rows, so the view holds its
	// index, the largest one.
	last := l.rows[len(l.rows)-1].name
	h.selectName(last)
	if _, err := s.DeleteSecret(context.Background(), &backend.DeleteSecretInput{SecretID: last, ForceDeleteWithoutRecovery: true}); err != nil {
		t.Fatal(err)
	}
	// A refresh, delivered batch by batch, with a frame drawn after each
	// message and the recomputed view held back until the listing is done.
	var held []tea.Cmd
	cmd := l.load(true)
	for cmd != nil {
		msg, ok := h.exec(cmd)
		if !ok {
			t.Fatal("the listing did not answer")
		}
		cmd = nil
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				if c != nil {
					cmd = c
				}
			}
			continue
		}
		batch, ok := msg.(listBatchMsg)
		if !ok {
			continue
		}
		held = append(held, l.Update(batch))
		_ = h.view()
		if !batch.done {
			cmd = batch.next
		}
	}
	if len(l.rows) != len(l.viewRows)-1 {
		t.Fatalf("%d rows after the refresh, %d before: the test did not shrink the rows under the view", len(l.rows), len(l.viewRows))
	}
	if name, ok := l.selected(); !ok || name != last {
		t.Fatalf("before the new view the cursor is on %q, want the old row %q", name, last)
	}
	for _, c := range held {
		h.run(c)
	}
	_ = h.view()
	if slices.Contains(h.listNames(), last) {
		t.Fatalf("%s is still listed after it was force-deleted", last)
	}
	if len(l.view) != n-1 {
		t.Fatalf("%d rows shown, want %d", len(l.view), n-1)
	}
}

// A listing that gets no answer says so after stallAfter, with how long it
// has waited, and esc stops waiting; the answer that comes later is
// dropped and the rows from before stay.
func TestStalledListingShowsAndCancels(t *testing.T) {
	h, _ := fixture(t, false, 160, 30)
	l := h.list()
	n := len(l.view)
	now := testNow
	h.m.c.now = func() time.Time { return now }
	cmd := l.load(true) // not run: the store "does not answer"
	now = now.Add(5 * time.Second)
	if v := h.view(); strings.Contains(v, "no answer") {
		t.Fatalf("a stall is reported after 5 s:\n%s", v)
	}
	now = now.Add(7 * time.Second)
	if v := h.view(); !strings.Contains(v, "no answer from the store for 12 s · ctrl+r retry · esc cancel") {
		t.Fatalf("no stall shown after 12 s:\n%s", v)
	}
	h.press("esc")
	if l.loading {
		t.Fatal("esc did not stop the listing")
	}
	h.wantStatus("stopped waiting for the list")
	h.run(cmd) // the late answer
	if len(l.view) != n || l.loading {
		t.Fatalf("after the late answer %d rows shown (loading %v), want the %d from before", len(l.view), l.loading, n)
	}
	if v := h.view(); strings.Contains(v, "no answer") {
		t.Fatalf("the stall is still shown after esc:\n%s", v)
	}
}

// While the filter has the focus j and k are letters of the filter; the
// footer offers only the arrows for moving.
func TestFilterFooterDoesNotOfferLetters(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.press("/")
	v := h.view()
	footer := v[strings.LastIndex(v, "\n")+1:]
	if strings.Contains(footer, "j") || strings.Contains(footer, "k ") || !strings.Contains(footer, "ctrl+n down") ||
		!strings.Contains(footer, "↑/↓ earlier filters") {
		t.Fatalf("filter footer: %q", footer)
	}
	h.typeText("jk")
	if got := h.list().filter.Value(); got != "jk" {
		t.Fatalf("typed jk, the filter holds %q", got)
	}
}

// A note about one screen does not linger on the next one; an error does.
func TestStatusNoteDoesNotFollowToTheNextScreen(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.press("s")
	h.wantStatus("sorted by")
	h.press("enter")
	if h.m.status.text != "" {
		t.Fatalf("the list's note %q is shown on the detail page", h.m.status.text)
	}
	h.press("esc")
	h.send(flashMsg{text: "ThrottlingException: Rate exceeded", isErr: true})
	h.press("enter")
	h.wantStatus("ThrottlingException")
}

func TestFilterShowsWhatItUnderstood(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.press("/")
	h.typeText(`"credentials for" team=commerce`)
	if got := h.listNames(); !slices.Equal(got, []string{"staging/orders/mysql"}) {
		t.Fatalf("phrase and tag shorthand = %v", got)
	}
	if v := h.view(); !strings.Contains(v, `= "credentials for" tag team=commerce`) {
		t.Fatalf("the parsed filter is not shown:\n%s", v)
	}
	// Bad syntax is a message; the last good result stays.
	h.typeText(` "open`)
	v := h.view()
	if !strings.Contains(v, `✗ a closing " is missing`) {
		t.Fatalf("bad syntax not explained:\n%s", v)
	}
	if got := h.listNames(); !slices.Equal(got, []string{"staging/orders/mysql"}) {
		t.Fatalf("bad syntax changed the list: %v", got)
	}
	h.press("esc", "/")
	h.typeText(`rotation:maybe`)
	if v := h.view(); !strings.Contains(v, `✗ rotation: takes on, off, failing or pending, not "maybe"`) {
		t.Fatalf("bad state not explained:\n%s", v)
	}
	h.press("esc")
	h.press("/")
	h.typeText("rotation:off name:prod/")
	if got := len(h.listNames()); got != 3 {
		t.Fatalf("rotation:off name:prod/ matched %d, want 3", got)
	}
	h.press("esc", "/")
	h.typeText("rotation:on")
	if got := h.listNames(); len(got) != 0 {
		t.Fatalf("rotation:on matched %v; no fixture secret rotates", got)
	}
}

func TestEmptyFilterResultSaysWhy(t *testing.T) {
	cases := []struct{ filter, why string }{
		{"retired", "1 match is scheduled for deletion: x shows it"},
		{"owner=ops", `no secret has tag key "owner"`},
		{"team=nobody", "no secret has tag team=nobody"},
		{"redis name:prod/", `no secret matches all of "redis" (1) · name^"prod/" (3)`},
		{"deleted name:dev/", `no secret matches all of deleted (1) · name^"dev/" (1)`},
	}
	h, _ := fixture(t, false, 120, 40)
	for _, tc := range cases {
		h.press("/")
		h.typeText(tc.filter)
		if got := h.listNames(); len(got) != 0 {
			t.Errorf("%q matched %v", tc.filter, got)
		}
		if v := h.view(); !strings.Contains(v, "No secret matches the filter: "+tc.why) {
			t.Errorf("%q: the reason %q is not shown:\n%s", tc.filter, tc.why, v)
		}
		h.press("esc")
	}
	// The deleted secret is found with the state filter.
	h.press("/")
	h.typeText("deleted")
	if got := h.listNames(); !slices.Equal(got, []string{"prod/legacy/old-api-key"}) {
		t.Fatalf("deleted = %v", got)
	}
}

func TestColumnsShareTheWidthByContent(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	v := h.view()
	// The longest name is whole at 120 columns, and descriptions get what
	// the name leaves: more than 30 characters.
	for _, s := range []string{"qa/notifications/sendgrid-api-key", "Elasticsearch credentials for search", "MySQL credentials for the orders s"} {
		if !strings.Contains(v, s) {
			t.Errorf("%q is cut at 120 columns:\n%s", s, v)
		}
	}
}

func TestListDateCarriesTheYearOutsideTheCurrentOne(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC).Unix()
	if got := listDate(now, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).Unix()); got != "01-05" {
		t.Errorf("this year: %q", got)
	}
	if got := listDate(now, time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC).Unix()); got != "2027-01-05" {
		t.Errorf("next year: %q", got)
	}
}

func TestFilterHistoryRecallsAcceptedFilters(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	for _, f := range []string{"redis", "name:prod/", "team=commerce"} {
		h.press("/")
		h.typeText(f)
		h.press("enter", "esc")
	}
	h.press("/")
	h.typeText("draft")
	h.press("up")
	if got := h.list().filter.Value(); got != "team=commerce" {
		t.Fatalf("↑ recalled %q, want the newest filter", got)
	}
	h.press("up", "up", "up")
	if got := h.list().filter.Value(); got != "redis" {
		t.Fatalf("↑↑↑↑ recalled %q, want the oldest filter", got)
	}
	if got := h.listNames(); !slices.Equal(got, []string{"dev/cart/redis"}) {
		t.Fatalf("a recalled filter is applied: %v", got)
	}
	h.press("down")
	if got := h.list().filter.Value(); got != "name:prod/" {
		t.Fatalf("↓ recalled %q", got)
	}
	h.press("down", "down")
	if got := h.list().filter.Value(); got != "draft" {
		t.Fatalf("past the newest filter: %q, want what was typed", got)
	}
	// The rows move with ctrl+n and ctrl+p while the filter has the focus.
	h.press("backspace", "backspace", "backspace", "backspace", "backspace")
	h.press("ctrl+n", "ctrl+n", "ctrl+p")
	if name, _ := h.list().selected(); name != "prod/checkout/stripe-api-key" {
		t.Fatalf("ctrl+n ctrl+n ctrl+p: on %q", name)
	}
}

func TestNewSecretIsShownAndSelectedUnderAFilter(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	h.press("/")
	h.typeText("name:prod/")
	h.press("enter")
	if _, err := s.CreateSecret(context.Background(), &backend.CreateSecretInput{Name: "dev/new-one", SecretString: str("v")}); err != nil {
		t.Fatal(err)
	}
	h.send(reloadMsg{name: "dev/new-one"})
	if got := h.listNames(); !slices.Contains(got, "dev/new-one") || len(got) != 4 {
		t.Fatalf("under name:prod/ after creating dev/new-one: %v", got)
	}
	if name, _ := h.list().selected(); name != "dev/new-one" {
		t.Fatalf("cursor on %q, want the new secret", name)
	}
	if v := h.view(); !strings.Contains(v, "›+ dev/new-one ") || !strings.Contains(v, "+ just created") {
		t.Fatalf("the new secret is not marked:\n%s", v)
	}
	// Changing the filter lets it go.
	h.press("/")
	h.typeText("p")
	if got := h.listNames(); slices.Contains(got, "dev/new-one") {
		t.Fatalf("the new secret outlived the filter change: %v", got)
	}
}

func TestJumpToANameCompletes(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.press("/")
	h.typeText("name:staging/")
	h.press("enter")
	h.press(":")
	h.typeText("pr")
	if v := h.view(); !strings.Contains(v, "→ prod/checkout/stripe-api-key  prod/identity/jwt-signing-key  prod/legacy/old-api-key · 4 names") {
		t.Fatalf("completions not listed:\n%s", v)
	}
	h.press("tab") // to what every match shares
	if got := h.list().jump.Value(); got != "prod/" {
		t.Fatalf("tab completed %q, want prod/", got)
	}
	h.press("tab", "tab") // then through the matches
	if got := h.list().jump.Value(); got != "prod/identity/jwt-signing-key" {
		t.Fatalf("tab tab cycled to %q", got)
	}
	h.press("enter")
	// The filter hid it: it is cleared, and the cursor is on the secret.
	if name, _ := h.list().selected(); name != "prod/identity/jwt-signing-key" {
		t.Fatalf("jumped to %q", name)
	}
	if h.list().filter.Value() != "" || len(h.listNames()) != 7 {
		t.Fatalf("the filter that hid the secret stays: %q", h.list().filter.Value())
	}
	// A deleted secret is shown to be jumped to.
	h.press(":")
	h.typeText("prod/legacy")
	h.press("enter")
	if name, _ := h.list().selected(); name != "prod/legacy/old-api-key" || !h.list().showDeleted {
		t.Fatalf("jump to a deleted secret: on %q", name)
	}
	h.press(":")
	h.typeText("nope")
	if v := h.view(); !strings.Contains(v, "✗ no secret name starts with this") {
		t.Fatalf("no match not said:\n%s", v)
	}
	h.press("esc")
	if h.list().jumping {
		t.Fatal("esc did not leave the jump field")
	}
}

func TestCompletionsAreAPrefixRange(t *testing.T) {
	var rows []row
	for _, n := range []string{"a", "ab", "abc", "abd", "b", "ba"} {
		rows = append(rows, row{name: n})
	}
	order := sortedOrder(rows, sortName)
	for _, tc := range []struct {
		prefix string
		lo, hi int
	}{{"", 0, 6}, {"a", 0, 4}, {"ab", 1, 4}, {"abc", 2, 3}, {"b", 4, 6}, {"c", 6, 6}, {"aa", 1, 1}} {
		if lo, hi := completions(rows, order, tc.prefix); lo != tc.lo || hi != tc.hi {
			t.Errorf("completions(%q) = [%d,%d), want [%d,%d)", tc.prefix, lo, hi, tc.lo, tc.hi)
		}
	}
	if got := commonPrefix("prod/é1", "prod/é2"); got != "prod/é" {
		t.Errorf("commonPrefix = %q", got)
	}
	if got := commonPrefix("x\u00e9", "x\u00e8"); got != "x" {
		t.Errorf("commonPrefix split a rune: %q", got)
	}
}

func TestContentWidthsIgnoreAFewVeryLongNames(t *testing.T) {
	var rows []row
	for i := 0; i < 100; i++ {
		rows = append(rows, row{name: strings.Repeat("n", 20), desc: strings.Repeat("d", 60)})
	}
	rows[0].name = strings.Repeat("n", 200)
	v := make([]int32, len(rows))
	for i := range v {
		v[i] = int32(i)
	}
	name, desc := contentWidths(rows, v)
	if name != 20 || desc != 60 {
		t.Fatalf("content widths %d, %d; want 20, 60", name, desc)
	}
	widths := []int{35, 35}
	shareByContent(widths, 0, 1, name, desc, 20, 12)
	if widths[0] != 20 || widths[1] != 50 {
		t.Fatalf("shared %v, want the name its 20 and the rest to the description", widths)
	}
	widths = []int{35, 35}
	shareByContent(widths, 0, 1, 60, 60, 20, 12)
	if widths[0] != 35 || widths[1] != 35 {
		t.Fatalf("both long: %v, want halves", widths)
	}
}
