package ui

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/local/localtest"
	"github.com/secretary-sh/secretary/backend/rotation"
)

const rotated = "prod/payments/postgres"

// errRefused is what the failing rotation function's setSecret says, as a
// database refusing ALTER USER would.
var errRefused = errors.New("the database refused the new password")

// failAtSet is a rotation function whose setSecret always fails.
type failAtSet struct{ rotation.Function }

func (f failAtSet) Step(ctx context.Context, req rotation.Request) error {
	if req.Step == rotation.StepSet {
		return errRefused
	}
	return f.Function.Step(ctx, req)
}

// rotationStore is a real store whose rotation functions are the built-in
// password function and "fail-at-set": the password function with a
// setSecret that always fails, the way a database that refuses the new
// password fails it.
func rotationStore(t testing.TB) (*local.Store, *settableClock) {
	t.Helper()
	reg := rotation.NewRegistry()
	rotation.RegisterBuiltins(reg, nil)
	reg.Register("fail-at-set", func(opts string) (rotation.Function, error) {
		pw, err := rotation.NewPassword(opts)
		if err != nil {
			return nil, err
		}
		return failAtSet{pw}, nil
	})
	clk := &settableClock{t: testNow}
	s := localtest.NewPassphraseStore(t, testPassphrase, local.Options{Now: clk.now, Actor: "test@console", Rotation: reg}).Store
	fill(t, s, clk, fixtureSecrets())
	return s, clk
}

// configure sets rotation up directly, without rotating.
func configure(t testing.TB, s *local.Store, name, function string) {
	t.Helper()
	no := false
	if _, err := s.RotateSecret(context.Background(), &backend.RotateSecretInput{
		SecretID: name, RotationLambdaARN: function,
		RotationRules: &backend.RotationRules{AutomaticallyAfterDays: 30}, RotateImmediately: &no,
	}); err != nil {
		t.Fatalf("configure rotation of %s: %v", name, err)
	}
}

func rotationFixture(t *testing.T, readOnly bool) (*harness, *local.Store) {
	t.Helper()
	s, _ := rotationStore(t)
	return newHarness(t, Config{Backend: s, ReadOnly: readOnly}, 120, 40), s
}

func (h *harness) rotationForm() *rotationForm {
	h.t.Helper()
	f, ok := h.m.top().(*rotationForm)
	if !ok {
		h.t.Fatalf("top page is %T, not the rotation form", h.m.top())
	}
	return f
}

func (h *harness) progress() *rotationProgressPage {
	h.t.Helper()
	p, ok := h.m.top().(*rotationProgressPage)
	if !ok {
		h.t.Fatalf("top page is %T, not the rotation progress panel", h.m.top())
	}
	return p
}

func (h *harness) wantView(want ...string) string {
	h.t.Helper()
	v := h.view()
	// Long messages wrap: compare with the lines joined as well.
	flat := strings.Join(strings.Fields(v), " ")
	for _, w := range want {
		if !strings.Contains(v, w) && !strings.Contains(flat, w) {
			h.t.Fatalf("the screen lacks %q:\n%s", w, v)
		}
	}
	return v
}

func labels(t *testing.T, b backend.Backend, name string) map[string]string {
	t.Helper()
	out, err := b.ListSecretVersionIds(context.Background(), &backend.ListSecretVersionIdsInput{SecretID: name})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, v := range out.Versions {
		for _, s := range v.VersionStages {
			m[s] = v.VersionID
		}
	}
	return m
}

func describe(t *testing.T, b backend.Backend, name string) *backend.SecretMetadata {
	t.Helper()
	m, err := b.DescribeSecret(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The form composes the password function's options into the function
// name the store expects, validates the schedule as it is typed with
// AWS's messages, refuses to submit an invalid one, and saves with
// RotateSecret.
func TestRotationFormValidatesAsYouTypeAndSaves(t *testing.T) {
	h, s := rotationFixture(t, false)
	h.selectName(rotated)
	h.press("R")
	f := h.rotationForm()
	// The value is JSON with a password key: that key is proposed.
	h.wantView("Rotation of "+rotated, "‹ password ›", "RotationLambdaARN password?keys=password&length=32", "NEXT ROTATIONS")

	// No punctuation, then a schedule too frequent for AWS.
	h.press("tab", "tab", "tab")
	h.press("tab", "space", "tab")
	if f.focus != rfSchedule {
		t.Fatalf("focus on %v, want the schedule", f.focus)
	}
	h.press("backspace", "backspace")
	h.typeText("rate(2 hours)")
	h.wantView("InvalidParameterException: RotationRules.ScheduleExpression rate(2 hours) is not valid:", "you can rotate a secret as often as every 4 hours")
	if strings.Contains(h.view(), "NEXT ROTATIONS") {
		t.Fatal("next rotations shown for an invalid schedule")
	}
	h.press("ctrl+s")
	if _, ok := h.m.top().(*rotationForm); !ok {
		t.Fatal("an invalid schedule was submitted")
	}
	h.wantView("✗ InvalidParameterException")
	if describe(t, s, rotated).RotationEnabled {
		t.Fatal("rotation turned on by an invalid form")
	}

	// Days out of range get AWS's own message.
	for range "rate(2 hours)" {
		h.press("backspace")
	}
	h.typeText("1001")
	h.wantView("RotationRules.AutomaticallyAfterDays must be within 1-1000.")

	// A valid cron with a window: the next three windows in UTC.
	for range "1001" {
		h.press("backspace")
	}
	h.typeText("cron(0 4 ? * SUN *)")
	h.press("tab")
	h.typeText("3h")
	h.press("tab") // rotate now stays unticked: save only
	v := h.wantView("RotationLambdaARN password?exclude-punctuation=true&keys=password&length=32")
	sun := testNow
	for sun.Weekday() != time.Sunday || !sun.After(testNow) {
		sun = time.Date(sun.Year(), sun.Month(), sun.Day()+1, 4, 0, 0, 0, time.UTC)
	}
	for i := range 3 {
		want := sun.AddDate(0, 0, 7*i).Format("Mon 2006-01-02 15:04") + "–07:00 UTC"
		if !strings.Contains(v, want) {
			t.Fatalf("next rotation %d: want %q in:\n%s", i+1, want, v)
		}
	}

	h.press("ctrl+s")
	if _, ok := h.m.top().(*rotationForm); ok {
		t.Fatalf("the form stayed open after saving:\n%s", h.view())
	}
	m := describe(t, s, rotated)
	if !m.RotationEnabled || m.RotationLambdaARN != "password?exclude-punctuation=true&keys=password&length=32" ||
		m.RotationRules == nil || m.RotationRules.ScheduleExpression != "cron(0 4 ? * SUN *)" || m.RotationRules.Duration != "3h" {
		t.Fatalf("saved settings: %+v %+v", m, m.RotationRules)
	}
	if !m.NextRotationDate.Equal(sun) {
		t.Fatalf("next rotation %v, want %v", m.NextRotationDate, sun)
	}
	if _, ok := labels(t, s, rotated)[backend.StagePending]; ok {
		t.Fatal("saving without rotating now left an AWSPENDING version")
	}
	// The form reopens on what was saved.
	h.press("R")
	f = h.rotationForm()
	if f.inputs[rfKeys].Value() != "password" || !f.noPunct || f.inputs[rfSchedule].Value() != "cron(0 4 ? * SUN *)" || f.inputs[rfWindow].Value() != "3h" {
		t.Fatalf("the form did not reopen on the saved settings: keys %q punct %v schedule %q window %q",
			f.inputs[rfKeys].Value(), f.noPunct, f.inputs[rfSchedule].Value(), f.inputs[rfWindow].Value())
	}
	h.press("esc")
	if _, ok := h.m.top().(*rotationForm); ok {
		t.Fatal("esc did not leave the form")
	}
}

// The next rotations show in local time as well, and count from now when
// the secret rotates at once.
func TestRotationFormShowsLocalTimes(t *testing.T) {
	h, _ := rotationFixture(t, false)
	cet := time.FixedZone("CET", 3600)
	h.m.c.now = func() time.Time { return testNow.In(cet) }
	h.selectName(rotated)
	h.press("R")
	h.press("down", "down", "down", "down", "down")
	h.press("backspace", "backspace")
	h.typeText("rate(12 hours)")
	// testNow is 12:00 UTC: the next windows open at 00:00 and 12:00 UTC.
	h.wantView(
		"1. Sat 2026-11-21 00:00–01:00 UTC  · Sat 2026-11-21 01:00 CET",
		"2. Sat 2026-11-21 12:00–13:00 UTC  · Sat 2026-11-21 13:00 CET",
		"3. Sun 2026-11-22 00:00–01:00 UTC  · Sun 2026-11-22 01:00 CET",
		"local time CET")
}

// On a machine whose local time is UTC (TZ unset, a server) the next
// rotations are not listed twice, nor labelled "local time Local".
func TestRotationFormOnAUTCMachineShowsOneTime(t *testing.T) {
	h, _ := rotationFixture(t, false)
	h.m.c.now = func() time.Time { return testNow.In(time.FixedZone("UTC", 0)) }
	h.selectName(rotated)
	h.press("R")
	h.press("down", "down", "down", "down", "down")
	h.press("backspace", "backspace")
	h.typeText("rate(12 hours)")
	v := h.wantView("1. Sat 2026-11-21 00:00–01:00 UTC")
	if strings.Contains(v, "local time") || strings.Contains(v, "· Sat 2026-11-21 00:00 UTC") {
		t.Fatalf("UTC shown twice as local time:\n%s", v)
	}
}

// Rotate now asks first (naming the secret and the function, defaulting
// to No), then shows the four steps done and leaves a new AWSCURRENT with
// the old one AWSPREVIOUS; the list and the detail page show the state.
func TestRotateNowShowsFourStepsAndMovesLabels(t *testing.T) {
	h, s := rotationFixture(t, false)
	configure(t, s, rotated, "password?keys=password")
	before := labels(t, s, rotated)
	d := h.openDetail(rotated)
	h.wantView("Rotation    on", "Function    password?keys=password", "Schedule    every 30 days")

	h.press("o")
	h.wantView("Rotate "+rotated+" now?", "Function: password?keys=password", "[No]")
	h.press("enter") // the default is No
	if _, ok := h.m.top().(*detailPage); !ok || h.m.dialog != nil {
		t.Fatal("enter on the default choice did not just close the dialog")
	}
	if got := labels(t, s, rotated); got[backend.StageCurrent] != before[backend.StageCurrent] {
		t.Fatal("declining rotated anyway")
	}

	h.press("o", "y")
	p := h.progress()
	v := h.wantView("✓ createSecret", "✓ setSecret", "✓ testSecret", "✓ finishSecret", "✓ Rotated.")
	if strings.Count(v, "✓") < 5 {
		t.Fatalf("not every step is done:\n%s", v)
	}
	after := labels(t, s, rotated)
	if after[backend.StageCurrent] != p.in.ClientRequestToken || after[backend.StagePrevious] != before[backend.StageCurrent] {
		t.Fatalf("labels after rotating: %v (before %v, token %s)", after, before, p.in.ClientRequestToken)
	}
	if _, ok := after[backend.StagePending]; ok {
		t.Fatal("AWSPENDING left after a successful rotation")
	}
	if len(h.m.c.tasks.running) != 0 {
		t.Fatalf("the task is still running: %v", h.m.c.tasks.running)
	}
	h.wantStatus(rotated + " rotated")

	// The versions screen from the panel shows the new labels.
	h.press("v")
	h.wantView(p.in.ClientRequestToken, "AWSCURRENT", "AWSPREVIOUS")
	h.press("esc", "esc")
	if h.m.top() != d {
		t.Fatalf("esc twice did not lead back to the detail page but to %T", h.m.top())
	}
	h.wantView("Rotated     11-20 12:00 UTC", "Next        12-20 00:00 UTC")
	h.press("esc")
	// The list's rotation column shows the next date.
	if v := h.view(); !rowWith(v, rotated, "on 12-20") {
		t.Fatalf("the list does not show the next rotation:\n%s", v)
	}
}

// A rotation failing at setSecret names the step and the error, leaves
// AWSCURRENT alone and the new version AWSPENDING; the versions screen,
// the detail page and the list show it pending.
func TestRotationFailingAtSetSecretShowsTheStep(t *testing.T) {
	h, s := rotationFixture(t, false)
	configure(t, s, rotated, "fail-at-set?keys=password")
	before := labels(t, s, rotated)
	h.selectName(rotated)
	h.press("o") // from the list
	h.wantView("Rotate "+rotated+" now?", "Function: fail-at-set")
	h.press("y")
	p := h.progress()
	v := h.wantView("✓ createSecret", "✗ setSecret", "failed", "· testSecret", "not run",
		"✗ Rotation failed at setSecret.", "InvalidRequestException: Rotation step setSecret failed",
		"the database refused the new password", "AWSCURRENT is unchanged.", "stays AWSPENDING", "version history")
	if strings.Contains(v, "✓ setSecret") || strings.Contains(v, "✓ Rotated") {
		t.Fatalf("a failed step shows as done:\n%s", v)
	}
	after := labels(t, s, rotated)
	if after[backend.StageCurrent] != before[backend.StageCurrent] || after[backend.StagePending] != p.in.ClientRequestToken {
		t.Fatalf("labels after a failed rotation: %v (before %v)", after, before)
	}
	if !strings.Contains(h.m.status.text.String(), "setSecret") || !h.m.status.isErr {
		t.Fatalf("status %q does not report the failure", h.m.status.text)
	}
	h.press("v")
	vv := h.view()
	if !rowWith(vv, p.in.ClientRequestToken[:8], "AWSPENDING") {
		t.Fatalf("the versions screen does not show the AWSPENDING version:\n%s", vv)
	}
	h.press("esc", "esc")
	if v := h.view(); !rowWith(v, rotated, "pending") {
		t.Fatalf("the list does not show the rotation pending:\n%s", v)
	}
	h.press("enter")
	h.wantView("pending: version " + p.in.ClientRequestToken + " is AWSPENDING")

	// Rotating again retries the unfinished rotation under its own token.
	h.press("o")
	h.wantView("is still AWSPENDING", "this retries that rotation")
	h.press("y")
	if got := h.progress().in.ClientRequestToken; got != p.in.ClientRequestToken {
		t.Fatalf("the retry used token %s, not the pending %s", got, p.in.ClientRequestToken)
	}
	h.wantView("✗ Rotation failed at setSecret.")
}

// Configuring with "rotate immediately" runs the rotation on the progress
// panel at once.
func TestRotationFormRotatesImmediately(t *testing.T) {
	h, s := rotationFixture(t, false)
	before := labels(t, s, rotated)
	h.openDetail(rotated)
	// The secret holds JSON credentials: its password key is proposed.
	// Rotate now is ticked by hand, and saving asks first, as o does.
	h.press("R", "up", "space", "ctrl+s")
	h.wantView("Rotate " + rotated + " now?")
	h.press("y")
	p := h.progress()
	h.wantView("✓ finishSecret", "✓ Rotated.")
	if got := labels(t, s, rotated); got[backend.StageCurrent] != p.in.ClientRequestToken || got[backend.StagePrevious] != before[backend.StageCurrent] {
		t.Fatalf("labels: %v", got)
	}
	h.press("esc")
	if _, ok := h.m.top().(*detailPage); !ok {
		t.Fatalf("esc from the panel led to %T, not the detail page (the form must be gone)", h.m.top())
	}
}

// Turning rotation off asks, defaults to No, and keeps the settings.
func TestCancelRotationDefaultsToNo(t *testing.T) {
	h, s := rotationFixture(t, false)
	configure(t, s, rotated, "password")
	h.openDetail(rotated)
	h.press("O")
	h.wantView("Turn off automatic rotation of "+rotated+"?", "[No]")
	h.press("enter")
	if !describe(t, s, rotated).RotationEnabled {
		t.Fatal("the default choice turned rotation off")
	}
	h.press("O", "y")
	m := describe(t, s, rotated)
	if m.RotationEnabled || m.RotationLambdaARN != "password" {
		t.Fatalf("after turning off: enabled %v function %q", m.RotationEnabled, m.RotationLambdaARN)
	}
	h.wantStatus("rotation of " + rotated + " turned off")
	h.wantView("Rotation    off", "Function    password")
	h.press("O")
	h.wantStatus("already off")
}

func TestRotateNowWithoutAFunctionSaysHow(t *testing.T) {
	h, _ := rotationFixture(t, false)
	h.openDetail(rotated)
	h.press("o")
	if h.m.dialog != nil {
		t.Fatal("a dialog opened for a secret without a rotation function")
	}
	h.wantStatus("no rotation function yet: R sets one up")
}

// Read-only consoles refuse every rotation action and do not offer them.
func TestReadOnlyRefusesRotation(t *testing.T) {
	h, s := rotationFixture(t, true)
	h.selectName(rotated)
	for _, k := range []string{"R", "o", "O"} {
		h.press(k)
		if h.m.dialog != nil || h.m.top() != h.m.pages[0] {
			t.Fatalf("%s opened something in read-only mode", k)
		}
		h.wantStatus("read-only")
	}
	h.press("enter")
	for _, k := range []string{"R", "o", "O"} {
		h.press(k)
		if h.m.dialog != nil {
			t.Fatalf("%s opened a dialog in read-only mode", k)
		}
		h.wantStatus("read-only")
	}
	for _, p := range []page{h.m.pages[0], h.m.top()} {
		for _, group := range p.help().full {
			for _, b := range group {
				if d := b.Help().Desc; d == "rotation settings" || d == "rotate now" || d == "turn rotation off" {
					t.Fatalf("%T offers %q in read-only mode", p, d)
				}
			}
		}
	}
	if describe(t, s, rotated).RotationEnabled {
		t.Fatal("read-only console changed rotation")
	}
}

// lambdaRotator stands in for AWS: it can rotate (RotateSecret starts a
// Lambda and returns) but reports no steps, so the console must not show
// the progress panel. It records what it was asked.
type lambdaRotator struct {
	backend.Backend
	calls []backend.RotateSecretInput
}

func (l *lambdaRotator) RotateSecret(_ context.Context, in *backend.RotateSecretInput) (*backend.RotateSecretOutput, error) {
	l.calls = append(l.calls, *in)
	return &backend.RotateSecretOutput{Name: in.SecretID, VersionID: in.ClientRequestToken}, nil
}

func (l *lambdaRotator) CancelRotateSecret(_ context.Context, id string) (*backend.RotateSecretOutput, error) {
	return &backend.RotateSecretOutput{Name: id}, nil
}

func TestRotationWithALambdaBackend(t *testing.T) {
	s, _ := rotationStore(t)
	lr := &lambdaRotator{Backend: s}
	h := newHarness(t, Config{Backend: lr}, 120, 40)
	const arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate-pg"
	h.openDetail(rotated)
	h.press("R")
	h.wantView("Function", "Type the ARN of the rotation Lambda function.")
	h.typeText(arn)
	h.wantView("✓ RotationLambdaARN " + arn)
	h.press("up", "space", "ctrl+s", "y")
	if len(lr.calls) != 1 || lr.calls[0].RotationLambdaARN != arn || lr.calls[0].RotationRules.AutomaticallyAfterDays != 30 ||
		lr.calls[0].RotateImmediately == nil || !*lr.calls[0].RotateImmediately {
		t.Fatalf("RotateSecret calls: %+v", lr.calls)
	}
	if _, ok := h.m.top().(*detailPage); !ok {
		t.Fatalf("after starting a Lambda rotation the top page is %T", h.m.top())
	}
	h.wantStatus("Rotation started by Lambda " + arn + "; versions refresh")

	// Rotate now asks, then starts the secret's Lambda without a panel.
	configure(t, s, rotated, "password")
	h.press("ctrl+r", "o")
	h.wantView("Rotate "+rotated+" now?", "Function: password")
	h.press("y")
	if len(lr.calls) != 2 || lr.calls[1].SecretID != rotated || lr.calls[1].RotationLambdaARN != "" || lr.calls[1].ClientRequestToken == "" {
		t.Fatalf("rotate now sent %+v", lr.calls[1:])
	}
	if _, ok := h.m.top().(*detailPage); !ok {
		t.Fatalf("rotate now on a Lambda backend opened %T", h.m.top())
	}
	h.wantStatus("Rotation started by Lambda password; versions refresh")
}

// Step events arrive in order through tea.Sequence, but the panel must
// not move a step backwards whatever arrives.
func TestProgressPhasesOnlyMoveForward(t *testing.T) {
	h, _ := rotationFixture(t, false)
	p := newRotationProgress(h.m.c, rotated, "password", &backend.RotateSecretInput{SecretID: rotated, ClientRequestToken: "t"})
	p.run = 7
	p.SetSize(80, 20)
	p.Update(rotationStepMsg{run: 7, ev: backend.RotationProgress{Step: rotation.StepCreate, Phase: backend.RotationFinished}})
	p.Update(rotationStepMsg{run: 7, ev: backend.RotationProgress{Step: rotation.StepCreate, Phase: backend.RotationStarted}})
	p.Update(rotationStepMsg{run: 8, ev: backend.RotationProgress{Step: rotation.StepSet, Phase: backend.RotationFailed}})
	p.Update(rotationStepMsg{run: 7, ev: backend.RotationProgress{Step: rotation.StepSet, Phase: backend.RotationStarted}})
	v := p.View()
	for _, want := range []string{"✓ createSecret", "setSecret     running…", "· testSecret", "pending"} {
		if !strings.Contains(v, want) {
			t.Fatalf("panel lacks %q:\n%s", want, v)
		}
	}
	if p.status() != "rotating" {
		t.Fatalf("status %q while running", p.status())
	}
	p.Update(rotationEndMsg{run: 7, err: backend.RotationInProgressError()})
	if v := p.View(); !strings.Contains(v, "The rotation did not start.") || !strings.Contains(v, "A previous rotation isn't complete.") {
		t.Fatalf("a refused rotation:\n%s", v)
	}
}

// v4 UUIDs are the versions a rotation makes (fixture versions are v5):
// the goldens record them as one fixed id.
var newVersionIDs = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`)

func TestRotationGolden(t *testing.T) {
	screens := []struct {
		name     string
		function string
		drive    func(p *program)
	}{
		{"rotation-form", "", func(p *program) {
			p.press("j", "j", "j", "R")
			p.waitFor("NEXT ROTATIONS")
			// JSON keys: the proposed password key.
			p.press("tab", "tab", "tab")
			p.press("tab", "tab", "tab")
			p.typeText("3h")
			p.waitFor("03:00 UTC")
		}},
		{"rotation-done", "password?keys=password", func(p *program) {
			p.press("j", "j", "j", "enter")
			p.waitFor("Function")
			p.press("o")
			p.waitFor("Rotate now")
			p.press("y")
			p.waitFor("Rotated.")
		}},
		{"rotation-failed-set", "fail-at-set?keys=password", func(p *program) {
			p.press("j", "j", "j", "enter")
			p.waitFor("Function")
			p.press("o")
			p.waitFor("Rotate now")
			p.press("y")
			p.waitFor("version history")
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				s, _ := rotationStore(t)
				if sc.function != "" {
					configure(t, s, rotated, sc.function)
				}
				var pairs []string
				for _, f := range fixtureSecrets() {
					m := describe(t, s, f.name)
					pairs = append(pairs, m.ARN, m.ARN[:len(m.ARN)-6]+"AbCdEf")
				}
				rep := strings.NewReplacer(pairs...)
				p := startProgram(t, Config{Backend: fixedInfo{s}, Version: "v1.0.0"}, size[0], size[1])
				p.waitFor(rotated)
				sc.drive(p)
				frame := newVersionIDs.ReplaceAllString(rep.Replace(p.finish()), "00000000-0000-4000-8000-000000000000")
				golden.RequireEqual(t, []byte(frame))
			})
		}
	}
}

// rowWith reports whether one line of the screen contains all of parts.
func rowWith(screen string, parts ...string) bool {
	for _, row := range strings.Split(screen, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(row, p)
		}
		if all {
			return true
		}
	}
	return false
}

// The form checks the password function against the current value: a JSON
// value needs keys chosen from its own keys; nothing is saved until they
// fit. A plain third-party key is not rotated by one ctrl+s: rotate now
// starts unticked, and ticked it asks first, as o does.
func TestRotationFormChecksTheValueAndAsksBeforeRotating(t *testing.T) {
	h, s := rotationFixture(t, false)
	ctx := context.Background()
	for name, v := range map[string]string{"app/json": `{"user":"u","pass":"p"}`, "vendor/stripe": "sk_live_abc"} {
		if _, err := s.CreateSecret(ctx, &backend.CreateSecretInput{Name: name, SecretString: str(v)}); err != nil {
			t.Fatal(err)
		}
	}
	h.press("ctrl+r")

	h.openDetail("app/json")
	h.press("R")
	h.wantView("The value is a JSON object (user, pass): choose the keys to replace")
	h.press("ctrl+s")
	if _, ok := h.m.top().(*rotationForm); !ok || describe(t, s, "app/json").RotationEnabled {
		t.Fatal("a password over the whole JSON value was saved")
	}
	// The refusal put the focus on JSON keys.
	h.typeText("nope")
	h.wantView("The value has no key nope (it has user, pass).")
	for range "nope" {
		h.press("backspace")
	}
	h.typeText("pass")
	h.wantView("✓ RotationLambdaARN password?keys=pass")
	h.press("esc", "esc")

	h.openDetail("vendor/stripe")
	h.press("R")
	h.wantView("[ ] rotate immediately after saving")
	h.press("up", "space", "ctrl+s")
	h.wantView("Rotate vendor/stripe now?")
	h.press("n")
	if v, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "vendor/stripe"}); err != nil || *v.SecretString != "sk_live_abc" {
		t.Fatalf("the key was replaced without a yes: %v", err)
	}
}
