package ui

import (
	"context"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/google/uuid"
	"github.com/muesli/termenv"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/local/localtest"
	"github.com/secretary-sh/secretary/theme"
	"github.com/secretary-sh/secretary/ui/clipboard"
)

// testNow is the console's clock in tests; fixtures are dated before it.
var testNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

const testPassphrase = "correct horse battery staple"

// settableClock drives the store's clock so fixtures get realistic dates.
type settableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settableClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *settableClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// newStore creates a real embedded store in a temporary directory, with a
// cheap KDF so tests stay fast.
func newStore(t testing.TB) (*local.Store, *settableClock, string) {
	t.Helper()
	clk := &settableClock{t: testNow}
	s := localtest.NewPassphraseStore(t, testPassphrase, local.Options{Now: clk.now, Actor: "test@console"})
	return s.Store, clk, s.Path
}

// versionID is a deterministic version id, so goldens do not change.
func versionID(name string, n int) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(name+"#"+string(rune('a'+n)))).String()
}

func str(s string) *string { return &s }

type fixtureSecret struct {
	name, desc string
	tags       []backend.Tag
	values     []string // one version each, oldest first
	binary     []byte
	age        time.Duration
	label      string // custom label on the first version
	deleteDays int
}

func fixtureSecrets() []fixtureSecret {
	day := 24 * time.Hour
	return []fixtureSecret{
		{name: "prod/payments/postgres", desc: "PostgreSQL credentials for the payments service",
			tags: []backend.Tag{{Key: "team", Value: "payments"}, {Key: "env", Value: "prod"}},
			values: []string{
				`{"engine":"postgres","host":"pg.payments.internal","port":5432,"username":"payments","password":"Old-Pa55word","dbname":"payments"}`,
				`{"engine":"postgres","host":"pg.payments.internal","port":5432,"username":"payments","password":"Mid-Pa55word","dbname":"payments"}`,
				`{"engine":"postgres","host":"pg.payments.internal","port":5432,"username":"payments","password":"S3cret-Pa55word","dbname":"payments"}`,
			}, age: 400 * day, label: "blue"},
		{name: "prod/checkout/stripe-api-key", desc: "Stripe secret key used by checkout",
			tags: []backend.Tag{{Key: "team", Value: "commerce"}, {Key: "env", Value: "prod"}}, values: []string{"sk_live_51HxFAKEFAKEFAKE"}, age: 90 * day},
		{name: "prod/identity/jwt-signing-key", desc: "JWT signing key for identity sessions",
			tags: []backend.Tag{{Key: "team", Value: "platform-security"}}, binary: []byte("\x00\x01\x02binary-key-material\xff"), age: 30 * day},
		{name: "staging/orders/mysql", desc: "MySQL credentials for the orders service",
			tags:   []backend.Tag{{Key: "team", Value: "commerce"}, {Key: "env", Value: "staging"}},
			values: []string{`{"engine":"mysql","host":"db.orders.staging","port":3306,"username":"orders","password":"stg-pass-1","dbname":"orders"}`}, age: 12 * day},
		{name: "staging/search/elastic", desc: "Elasticsearch credentials for search",
			tags: []backend.Tag{{Key: "team", Value: "discovery"}}, values: []string{`{"username":"search","password":"el4stic"}`, `{"username":"search","password":"el4stic-2"}`}, age: 5 * day},
		{name: "dev/cart/redis", desc: "Redis AUTH token for the cart cache",
			tags: []backend.Tag{{Key: "team", Value: "commerce"}, {Key: "env", Value: "dev"}}, values: []string{"redis-token-dev"}, age: 2 * day},
		{name: "qa/notifications/sendgrid-api-key", desc: "SendGrid API key for notifications email",
			values: []string{"SG.fake.key"}, age: 40 * day},
		{name: "prod/legacy/old-api-key", desc: "Retired partner API key",
			tags: []backend.Tag{{Key: "team", Value: "payments"}}, values: []string{"retired"}, age: 700 * day, deleteDays: 7},
	}
}

// fill writes the fixture secrets, dating each version along its life.
func fill(t testing.TB, s backend.Backend, clk *settableClock, secrets []fixtureSecret) {
	t.Helper()
	ctx := context.Background()
	for _, f := range secrets {
		at := testNow.Add(-f.age)
		clk.set(at)
		in := &backend.CreateSecretInput{Name: f.name, Description: f.desc, Tags: f.tags, ClientRequestToken: versionID(f.name, 0)}
		if f.binary != nil {
			in.SecretBinary = f.binary
		} else {
			in.SecretString = str(f.values[0])
		}
		if _, err := s.CreateSecret(ctx, in); err != nil {
			t.Fatalf("create %s: %v", f.name, err)
		}
		for i := 1; i < len(f.values); i++ {
			clk.set(at.Add(time.Duration(i) * f.age / time.Duration(len(f.values)+1)))
			if _, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{
				SecretID: f.name, SecretString: str(f.values[i]), ClientRequestToken: versionID(f.name, i),
			}); err != nil {
				t.Fatalf("put %s: %v", f.name, err)
			}
		}
		if f.label != "" {
			if _, err := s.UpdateSecretVersionStage(ctx, &backend.UpdateSecretVersionStageInput{
				SecretID: f.name, VersionStage: f.label, MoveToVersionID: versionID(f.name, 0),
			}); err != nil {
				t.Fatalf("label %s: %v", f.name, err)
			}
		}
		// Read it once, a day before now, so "accessed" is filled in.
		clk.set(testNow.Add(-24 * time.Hour))
		if v, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: f.name}); err != nil {
			t.Fatalf("get %s: %v", f.name, err)
		} else {
			v.Wipe()
		}
		if f.deleteDays > 0 {
			clk.set(testNow.Add(-48 * time.Hour))
			if _, err := s.DeleteSecret(ctx, &backend.DeleteSecretInput{SecretID: f.name, RecoveryWindowInDays: &f.deleteDays}); err != nil {
				t.Fatalf("delete %s: %v", f.name, err)
			}
		}
	}
	clk.set(testNow)
}

// fakeSystem is an in-memory system clipboard: the machine running the
// tests has no display, so the real one cannot run here.
type fakeSystem struct {
	mu   sync.Mutex
	text string
}

func (f *fakeSystem) Available() bool { return true }
func (f *fakeSystem) ReadAll() (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.text, nil
}
func (f *fakeSystem) WriteAll(s string) error {
	f.mu.Lock()
	f.text = s
	f.mu.Unlock()
	return nil
}

func asciiStyles(t testing.TB) (*lipgloss.Renderer, theme.Styles) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	st, err := theme.New(r, theme.Auto)
	if err != nil {
		t.Fatal(err)
	}
	return r, st
}

// harness drives a root model synchronously: it runs each command, feeds
// its message back to Update and follows the commands that returns, the
// way the Bubble Tea loop would. Timers are not waited for.
type harness struct {
	t    testing.TB
	m    *model
	clip *fakeSystem
	quit bool
}

func noTick(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }

func newHarness(t testing.TB, cfg Config, w, h int) *harness {
	t.Helper()
	r, st := asciiStyles(t)
	sys := &fakeSystem{}
	clip := clipboard.New(clipboard.WithSystem(sys), clipboard.WithWriter(io.Discard),
		clipboard.WithTimeout(time.Hour), clipboard.WithEnv(func(string) string { return "" }),
		clipboard.WithClock(func() time.Time { return testNow }),
		// The clear timer is an hour away; the harness would wait on it.
		clipboard.WithTick(noTick))
	if cfg.Location == "" {
		cfg.Location = "/home/ops/.local/share/secretary/store.db"
	}
	m := newModel(context.Background(), &cfg, r, st, options{now: func() time.Time { return testNow }, clip: clip, tick: noTick})
	hs := &harness{t: t, m: m, clip: sys}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(m.Init())
	return hs
}

// cmdTimeout is how long one command may take before the harness treats it
// as a timer (clipboard clears) and drops it.
const cmdTimeout = 5 * time.Second

func (h *harness) exec(cmd tea.Cmd) (tea.Msg, bool) {
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		return msg, true
	case <-time.After(cmdTimeout):
		return nil, false
	}
}

var cmdType = reflect.TypeOf(tea.Cmd(nil))

func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg, ok := h.exec(cmd)
	if !ok || msg == nil {
		return
	}
	// Cursor blinks are timers that never end; the harness does not wait.
	if _, blink := msg.(cursor.BlinkMsg); blink || strings.Contains(reflect.TypeOf(msg).String(), "initialBlinkMsg") {
		return
	}
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
		return
	case tea.QuitMsg:
		h.quit = true
		return
	}
	// tea.Sequence's message is an unexported slice of commands.
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == cmdType {
		for i := 0; i < v.Len(); i++ {
			h.run(v.Index(i).Interface().(tea.Cmd))
		}
		return
	}
	h.send(msg)
}

func (h *harness) send(msg tea.Msg) {
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

// keyMsg builds a key press from its name ("enter", "ctrl+r") or text.
func keyMsg(k string) tea.KeyMsg {
	named := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "up": tea.KeyUp, "down": tea.KeyDown,
		"left": tea.KeyLeft, "right": tea.KeyRight, "backspace": tea.KeyBackspace, "ctrl+r": tea.KeyCtrlR,
		"ctrl+c": tea.KeyCtrlC, "ctrl+u": tea.KeyCtrlU, "pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp,
		"home": tea.KeyHome, "end": tea.KeyEnd, "space": tea.KeySpace, "ctrl+n": tea.KeyCtrlN, "ctrl+p": tea.KeyCtrlP, "ctrl+a": tea.KeyCtrlA,
	}
	if t, ok := named[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// press sends named keys one after another.
func (h *harness) press(keys ...string) {
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

// typeText types s character by character.
func (h *harness) typeText(s string) {
	for _, r := range s {
		h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func (h *harness) view() string { return h.m.View() }

func (h *harness) list() *listPage {
	l, ok := h.m.pages[0].(*listPage)
	if !ok {
		h.t.Fatalf("first page is %T, not the list", h.m.pages[0])
	}
	return l
}

// selectName moves the list cursor onto name.
func (h *harness) selectName(name string) {
	h.t.Helper()
	l := h.list()
	for i, ri := range l.view {
		if l.viewRows[ri].name == name {
			l.cursor = i
			l.offset = scroll(l.cursor, l.offset, l.bodyHeight(), len(l.view))
			return
		}
	}
	h.t.Fatalf("%s is not in the list view", name)
}

func (h *harness) listNames() []string {
	l := h.list()
	out := make([]string, len(l.view))
	for i, ri := range l.view {
		out[i] = l.viewRows[ri].name
	}
	return out
}

func (h *harness) wantStatus(sub string) {
	h.t.Helper()
	if !strings.Contains(h.m.status.text.String(), sub) {
		h.t.Fatalf("status is %q, want it to contain %q", h.m.status.text, sub)
	}
}

// fixture opens a store with the fixture secrets and a harness on it.
func fixture(t testing.TB, readOnly bool, w, h int) (*harness, *local.Store) {
	t.Helper()
	s, clk, _ := newStore(t)
	fill(t, s, clk, fixtureSecrets())
	hs := newHarness(t, Config{Backend: s, ReadOnly: readOnly}, w, h)
	return hs, s
}

func ansiWidth(s string) int { return ansi.StringWidth(s) }
