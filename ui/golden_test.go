package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/ui/clipboard"
)

// fixedLocation stands in for the temporary store path in goldens.
const fixedLocation = "/home/ops/.local/share/secretary/store.db"

// fixedInfo reports a fixed location so goldens do not depend on the
// temporary directory; it keeps the store's streaming listing.
type fixedInfo struct{ *local.Store }

func (f fixedInfo) Info() backend.Info {
	i := f.Store.Info()
	i.Location = fixedLocation
	return i
}

// program runs the console in a real Bubble Tea program through teatest,
// with the ASCII profile and a fixed clock.
type program struct {
	t   *testing.T
	tm  *teatest.TestModel
	m   *model
	out bytes.Buffer // every byte written to the terminal
}

func startProgram(t *testing.T, cfg Config, w, h int) *program {
	t.Helper()
	r, st := asciiStyles(t)
	clip := clipboard.New(clipboard.WithSystem(&fakeSystem{}), clipboard.WithWriter(io.Discard),
		clipboard.WithEnv(func(string) string { return "" }))
	if cfg.Location == "" {
		cfg.Location = fixedLocation
	}
	m := newModel(context.Background(), &cfg, r, st, options{now: func() time.Time { return testNow }, clip: clip, tick: noTick})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	return &program{t: t, tm: tm, m: m}
}

// waitFor reads the terminal output until it shows s.
func (p *program) waitFor(s string) {
	p.t.Helper()
	mark := p.out.Len()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := io.Copy(&p.out, p.tm.Output()); err != nil {
			p.t.Fatal(err)
		}
		if bytes.Contains(p.out.Bytes()[mark:], []byte(s)) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.t.Fatalf("the terminal never showed %q; last output:\n%s", s, p.out.Bytes()[mark:])
}

func (p *program) press(keys ...string) {
	for _, k := range keys {
		p.tm.Send(keyMsg(k))
	}
}

func (p *program) typeText(s string) {
	for _, r := range s {
		p.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// finish quits and returns the last frame.
func (p *program) finish() string {
	p.t.Helper()
	if err := p.tm.Quit(); err != nil {
		p.t.Fatal(err)
	}
	fm := p.tm.FinalModel(p.t, teatest.WithFinalTimeout(10*time.Second)).(*model)
	if _, err := io.Copy(&p.out, p.tm.FinalOutput(p.t)); err != nil {
		p.t.Fatal(err)
	}
	return fm.View()
}

// goldenStore is the fixture store with its ARNs' random suffixes replaced
// in what the goldens record.
func goldenStore(t *testing.T) (backend.Backend, func(string) string) {
	s, clk, _ := newStore(t)
	fill(t, s, clk, fixtureSecrets())
	var pairs []string
	for _, f := range fixtureSecrets() {
		m, err := s.DescribeSecret(context.Background(), f.name)
		if err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, m.ARN, m.ARN[:len(m.ARN)-6]+"AbCdEf")
	}
	rep := strings.NewReplacer(pairs...)
	return fixedInfo{s}, rep.Replace
}

func TestGolden(t *testing.T) {
	screens := []struct {
		name  string
		drive func(p *program)
	}{
		{"list", func(p *program) {}},
		{"list-filtered", func(p *program) {
			p.press("/")
			p.typeText("tag-value:commerce")
			p.waitFor("3 of 7")
		}},
		{"detail-masked", func(p *program) {
			p.press("j", "j", "j", "enter")
			p.waitFor("PostgreSQL credentials for the payments")
		}},
		{"detail-revealed", func(p *program) {
			p.press("j", "j", "j", "enter")
			p.waitFor("PostgreSQL credentials for the payments")
			p.press("r")
			p.waitFor("S3cret-Pa55word")
		}},
		{"versions", func(p *program) {
			p.press("j", "j", "j", "v")
			p.waitFor("AWSPREVIOUS")
		}},
		{"diff", func(p *program) {
			p.press("j", "j", "j", "v")
			p.waitFor("AWSPREVIOUS")
			p.press("m", "j", "=")
			p.waitFor("(older)")
		}},
		{"delete-confirm", func(p *program) {
			p.press("j", "d")
			p.waitFor("Recovery window")
		}},
		{"rollback-confirm", func(p *program) {
			p.press("j", "j", "j", "v")
			p.waitFor("AWSPREVIOUS")
			p.press("j", "b")
			p.waitFor("Roll back")
		}},
		{"help", func(p *program) {
			p.press("?")
			p.waitFor("clear filter")
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
		for _, init := range []bool{false, true} {
			name := "unlock"
			if init {
				name = "first-run"
			}
			t.Run(fmt.Sprintf("%s_%dx%d", name, size[0], size[1]), func(t *testing.T) {
				cfg := Config{
					NeedsInit: init,
					Unlock: func(context.Context, []byte) (backend.Backend, error) {
						return nil, fmt.Errorf("%w", local.ErrWrongCredential)
					},
					Init: func(context.Context, []byte, string) (backend.Backend, error) {
						return nil, fmt.Errorf("not in this test")
					},
				}
				p := startProgram(t, cfg, size[0], size[1])
				if init {
					p.waitFor("Create a new store")
				} else {
					p.waitFor("Unlock the store")
					p.typeText("wrong")
					p.press("enter")
					p.waitFor("does not unlock")
				}
				golden.RequireEqual(t, []byte(p.finish()))
			})
		}
	}
}

// TestResizeRedrawsEverySize walks the console through every size from
// 60×20 to 250×80: each frame must be exactly the terminal's size, and
// smaller terminals get a message instead of a broken layout.
func TestResizeRedrawsEverySize(t *testing.T) {
	h, _ := fixture(t, false, 80, 24)
	h.press("j", "j", "j", "enter", "r")
	for w := 40; w <= 250; w += 7 {
		for ht := 10; ht <= 80; ht += 5 {
			h.send(tea.WindowSizeMsg{Width: w, Height: ht})
			for _, screen := range []string{"detail", "list"} {
				v := h.view()
				lines := strings.Split(v, "\n")
				if w < minWidth || ht < minHeight {
					if !strings.Contains(v, "Terminal too small") {
						t.Fatalf("%dx%d: no too-small message", w, ht)
					}
					continue
				}
				if len(lines) != ht {
					t.Fatalf("%s %dx%d: %d lines", screen, w, ht, len(lines))
				}
				for i, l := range lines {
					if lw := len([]rune(l)); lw != w && ansiWidth(l) != w {
						t.Fatalf("%s %dx%d: line %d is %d cells: %q", screen, w, ht, i, ansiWidth(l), l)
					}
				}
				if screen == "detail" {
					h.press("esc")
					h.press("enter", "r")
				}
			}
		}
	}
}

// TestEscapeSequencesNeverReachTheTerminal stores a secret whose
// description, staging label and value carry terminal escape sequences
// (tags refuse them, as in AWS), lists it
// under a name that carries them too (as a hostile or broken server
// could), and checks that neither any frame nor the byte stream sent to
// the terminal contains them.
func TestEscapeSequencesNeverReachTheTerminal(t *testing.T) {
	const (
		clearScreen = "\x1b[2J"
		osc52       = "\x1b]52;c;cHduZWQ=\x07"
		osc8        = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
		title       = "\x1b]0;pwned\x07"
		bareCR      = "\rover"
		c1CSI       = "\u009b2J"
	)
	evil := clearScreen + osc52 + osc8 + title + bareCR + c1CSI
	s, clk, _ := newStore(t)
	fill(t, s, clk, []fixtureSecret{{
		name: "evil/secret", desc: "desc " + evil,
		tags:   []backend.Tag{{Key: "k", Value: "v"}},
		label:  "blue" + evil,
		values: []string{`{"field` + strings.ReplaceAll(evil, "\x1b", `\u001b`) + `":"` + strings.ReplaceAll(strings.ReplaceAll(evil, "\x1b", `\u001b`), "\r", `\r`) + `"}`, "plain " + evil},
		age:    time.Hour,
	}})
	b := &evilNames{Store: s, real: "evil/secret", shown: "evil/" + evil}
	p := startProgram(t, Config{Backend: b}, 120, 40)
	p.waitFor("evil/")
	frames := []string{p.m.View()}
	p.press("enter")
	p.waitFor("Description")
	p.press("r")
	p.waitFor("plain")
	p.press("f") // raw (plain text is shown raw anyway)
	p.press("v")
	p.waitFor("AWSPREVIOUS")
	p.press("j", "enter", "r")
	p.waitFor("field")
	p.press("esc", "m", "k", "=", "r")
	p.waitFor("(older)")
	frames = append(frames, p.finish())
	for _, f := range frames {
		for _, bad := range []string{"\x1b", "\x07", "\r", "\u009b"} {
			if strings.Contains(f, bad) {
				t.Fatalf("a frame contains %q:\n%s", bad, f)
			}
		}
	}
	stream := p.out.String()
	for _, bad := range []string{clearScreen, "\x1b]52", "\x1b]8;", "\x1b]0;", "\x07", "\u009b", "\x9b"} {
		if strings.Contains(stream, bad) {
			t.Fatalf("the terminal received %q", bad)
		}
	}
	for _, shown := range []string{`\x1b[2J`, `\x1b]52;c;cHduZWQ=`, `\x1b]0;pwned`, `\r`} {
		if !strings.Contains(stream, shown) {
			t.Errorf("the escape is not drawn visibly as %q", shown)
		}
	}
}

// evilNames reports a secret under a name full of escape sequences, as a
// hostile or broken Secrets Manager endpoint could; the embedded store
// rightly refuses such names, so the test has to inject it here.
type evilNames struct {
	*local.Store
	real, shown string
}

func (e *evilNames) id(s string) string {
	if s == e.shown {
		return e.real
	}
	return s
}

func (e *evilNames) rename(ms []backend.SecretMetadata) {
	for i := range ms {
		if ms[i].Name == e.real {
			ms[i].Name = e.shown
		}
	}
}

func (e *evilNames) StreamSecrets(ctx context.Context, in *backend.ListSecretsInput, fn func([]backend.SecretMetadata) error) error {
	return e.Store.StreamSecrets(ctx, in, func(ms []backend.SecretMetadata) error {
		e.rename(ms)
		return fn(ms)
	})
}

func (e *evilNames) DescribeSecret(ctx context.Context, id string) (*backend.SecretMetadata, error) {
	m, err := e.Store.DescribeSecret(ctx, e.id(id))
	if m != nil {
		m.Name = e.shown
	}
	return m, err
}

func (e *evilNames) GetSecretValue(ctx context.Context, in *backend.GetSecretValueInput) (*backend.SecretValue, error) {
	c := *in
	c.SecretID = e.id(in.SecretID)
	return e.Store.GetSecretValue(ctx, &c)
}

func (e *evilNames) ListSecretVersionIds(ctx context.Context, in *backend.ListSecretVersionIdsInput) (*backend.ListSecretVersionIdsOutput, error) {
	c := *in
	c.SecretID = e.id(in.SecretID)
	return e.Store.ListSecretVersionIds(ctx, &c)
}

// slowStream holds the listing back until released, like a store on a
// slow disk or AWS over a slow link.
type slowStream struct {
	*local.Store
	release chan struct{}
}

func (s *slowStream) StreamSecrets(ctx context.Context, in *backend.ListSecretsInput, fn func([]backend.SecretMetadata) error) error {
	select {
	case <-s.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return s.Store.StreamSecrets(ctx, in, fn)
}

// The first frame is drawn while the listing is still outstanding, and
// keys work meanwhile.
func TestFirstFrameDoesNotWaitForTheBackend(t *testing.T) {
	s, clk, _ := newStore(t)
	fill(t, s, clk, fixtureSecrets())
	b := &slowStream{Store: s, release: make(chan struct{})}
	p := startProgram(t, Config{Backend: b}, 80, 24)
	p.waitFor("loading…")
	p.press("?")
	p.waitFor("Keys")
	p.press("esc")
	close(b.release)
	p.waitFor("prod/payments/postgres")
	p.finish()
}
