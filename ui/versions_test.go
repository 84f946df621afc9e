package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
)

func (h *harness) versions() *versionsPage {
	h.t.Helper()
	v, ok := h.m.top().(*versionsPage)
	if !ok {
		h.t.Fatalf("top page is %T, not versions", h.m.top())
	}
	return v
}

func TestVersionsListAndDeprecatedToggle(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	name := "prod/payments/postgres"
	// Move blue away so the oldest version is deprecated.
	if _, err := s.UpdateSecretVersionStage(context.Background(), &backend.UpdateSecretVersionStageInput{
		SecretID: name, VersionStage: "blue", RemoveFromVersionID: versionID(name, 0)}); err != nil {
		t.Fatal(err)
	}
	h.selectName(name)
	h.press("v")
	v := h.versions()
	if len(v.versions) != 2 || v.versions[0].VersionID != versionID(name, 2) {
		t.Fatalf("versions %v, want current then previous", v.versions)
	}
	h.press("p")
	if len(v.versions) != 3 || !strings.Contains(h.view(), "(deprecated)") {
		t.Fatalf("p did not show the deprecated version:\n%s", h.view())
	}
}

func TestVersionValueMaskedUntilRevealed(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.selectName("prod/payments/postgres")
	h.press("v", "j", "enter")
	v := h.versions()
	if v.mode != modeValue || v.value != nil || strings.Contains(h.view(), "Mid-Pa55word") {
		t.Fatal("version value fetched or shown before reveal")
	}
	h.press("r")
	if !strings.Contains(h.view(), "password  Mid-Pa55word") {
		t.Fatalf("revealed version value:\n%s", h.view())
	}
	held := v.value
	h.press("esc")
	if v.mode != modeTable || held.SecretString != nil {
		t.Fatal("esc did not go back and wipe the value")
	}
	h.press("esc")
	if _, ok := h.m.top().(*listPage); !ok {
		t.Fatal("esc from the versions table did not go back")
	}
}

func TestVersionsDiffMasksUntilRevealed(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.selectName("prod/payments/postgres")
	h.press("v", "m", "j", "=")
	v := h.versions()
	if v.mode != modeDiff || len(v.diffLines) == 0 {
		t.Fatalf("no diff: mode %d", v.mode)
	}
	out := h.view()
	if !strings.Contains(out, "~ password: •••• → ••••") || strings.Contains(out, "Pa55word") {
		t.Fatalf("masked diff:\n%s", out)
	}
	if !strings.Contains(out, "--- "+versionID("prod/payments/postgres", 1)+" (older)") {
		t.Fatalf("diff sides:\n%s", out)
	}
	h.press("r")
	if out := h.view(); !strings.Contains(out, "~ password: Mid-Pa55word → S3cret-Pa55word") || !strings.Contains(out, "  host: pg.payments.internal") {
		t.Fatalf("revealed diff:\n%s", out)
	}
	h.press("esc")
	if v.diffOld != nil || v.diffLines != nil {
		t.Fatal("leaving the diff kept the values")
	}
}

func TestRollbackNamesBothVersionsAndMovesCurrent(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	ctx := context.Background()
	name := "prod/payments/postgres"
	cur, prev := versionID(name, 2), versionID(name, 1)
	h.selectName(name)
	h.press("v", "j", "b")
	d, ok := h.m.dialog.(*confirmDialog)
	if !ok || d.choice {
		t.Fatalf("rollback dialog %T should default to No", h.m.dialog)
	}
	body := escaped.Join(d.body, "\n").String()
	if !strings.Contains(body, "from "+cur) || !strings.Contains(body, "to   "+prev) {
		t.Fatalf("confirmation does not name both versions:\n%s", body)
	}
	h.press("enter") // No
	if v, _ := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name}); v.VersionID != cur {
		t.Fatal("No rolled back")
	}
	h.press("b", "y")
	v, _ := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name})
	if v.VersionID != prev {
		t.Fatalf("AWSCURRENT on %s, want %s", v.VersionID, prev)
	}
	p, _ := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name, VersionStage: backend.StagePrevious})
	if p.VersionID != cur {
		t.Fatalf("AWSPREVIOUS on %s, want %s", p.VersionID, cur)
	}
	if vs := h.versions(); !slices.Contains(vs.versions[1].VersionStages, backend.StageCurrent) {
		t.Fatalf("versions page not refreshed: %v", vs.versions)
	}
	h.wantStatus("AWSCURRENT of prod/payments/postgres moved to " + prev)
}

func TestAddMoveAndRemoveLabels(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	ctx := context.Background()
	name := "prod/payments/postgres"
	h.selectName(name)
	h.press("v", "a")
	h.typeText("green")
	h.press("enter")
	m, _ := s.DescribeSecret(ctx, name)
	if !slices.Contains(m.VersionIdsToStages[versionID(name, 2)], "green") {
		t.Fatalf("green not added: %v", m.VersionIdsToStages)
	}
	h.wantStatus("green added to")
	// Move blue from the oldest version to the current one.
	h.press("a")
	h.typeText("blue")
	h.press("enter")
	m, _ = s.DescribeSecret(ctx, name)
	if !slices.Contains(m.VersionIdsToStages[versionID(name, 2)], "blue") {
		t.Fatalf("blue not moved: %v", m.VersionIdsToStages)
	}
	h.wantStatus("blue moved from " + versionID(name, 0))
	// Remove green; AWSCURRENT cannot be removed.
	h.press("x", "ctrl+u")
	h.typeText("AWSCURRENT")
	h.press("enter")
	if p := h.m.dialog.(*promptDialog); !strings.Contains(p.errText.String(), "only moved") {
		t.Fatalf("AWSCURRENT removal not refused: %q", p.errText)
	}
	h.press("ctrl+u")
	h.typeText("green")
	h.press("enter")
	m, _ = s.DescribeSecret(ctx, name)
	if slices.Contains(m.VersionIdsToStages[versionID(name, 2)], "green") {
		t.Fatalf("green not removed: %v", m.VersionIdsToStages)
	}
}

func TestLongVersionValueScrolls(t *testing.T) {
	s, clk, _ := newStore(t)
	var long strings.Builder
	for i := range 60 {
		fmt.Fprintf(&long, "line %02d\n", i)
	}
	fill(t, s, clk, []fixtureSecret{{name: "tls/cert", values: []string{long.String()}, age: time.Hour}})
	h := newHarness(t, Config{Backend: s}, 80, 24)
	h.press("v", "enter", "r")
	if v := h.view(); !strings.Contains(v, "line 00") || strings.Contains(v, "line 40") {
		t.Fatalf("first page of the value:\n%s", v)
	}
	h.press("pgdown", "pgdown")
	if v := h.view(); !strings.Contains(v, "line 40") || !strings.Contains(v, "tls/cert · version") {
		t.Fatalf("after paging down the title must stay and line 40 show:\n%s", v)
	}
	h.press("G")
	if v := h.view(); !strings.Contains(v, "line 59") {
		t.Fatalf("G did not reach the end:\n%s", v)
	}
}

func TestMarkForDiffSaysWhatNextAt80Columns(t *testing.T) {
	h, _ := fixture(t, false, 80, 24)
	h.selectName("prod/payments/postgres")
	h.press("v", "m")
	ls := strings.Split(h.view(), "\n")
	if bar := ls[len(ls)-2]; !strings.Contains(bar, "press =") {
		t.Fatalf("the status bar cuts how to diff after marking: %q", bar)
	}
}

// The note that says how to diff ends when the diff opens: it would
// otherwise stand under the diff it asked for.
func TestMarkNoteEndsWhenTheDiffOpens(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.selectName("prod/payments/postgres")
	h.press("v", "m")
	h.wantStatus("press =")
	h.press("j", "=")
	if h.m.status.text != "" {
		t.Fatalf("the diff opened under the note %q", h.m.status.text)
	}
}

func TestMovingCurrentForwardDoesNotCallItOlder(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	name := "prod/payments/postgres"
	h.selectName(name)
	h.press("v", "j", "b", "y") // roll back to the previous version
	h.press("g", "b")           // and forward again, to the newest
	d, ok := h.m.dialog.(*confirmDialog)
	if !ok {
		t.Fatalf("no confirmation, dialog %T", h.m.dialog)
	}
	if body := escaped.Join(d.body, "\n").String(); strings.Contains(body, "older value") || !strings.Contains(body, "to   "+versionID(name, 2)) {
		t.Fatalf("confirmation for moving AWSCURRENT to the newest version:\n%s", body)
	}
}

// Moving AWSCURRENT back is titled a roll back, and forward again (to a
// newer version than it holds) a roll forward.
func TestRollForwardIsTitledSo(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	name := "prod/payments/postgres"
	h.selectName(name)
	h.press("v", "j", "b")
	if d, ok := h.m.dialog.(*confirmDialog); !ok || d.title != "Roll back" || d.yes != "Roll back" {
		t.Fatalf("moving to the older version: %#v", h.m.dialog)
	}
	h.press("y")
	h.press("g", "b")
	if d, ok := h.m.dialog.(*confirmDialog); !ok || d.title != "Roll forward" || d.yes != "Roll forward" {
		t.Fatalf("moving to the newer version: %#v", h.m.dialog)
	}
}
