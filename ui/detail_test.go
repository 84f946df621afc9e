package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

func (h *harness) detail() *detailPage {
	h.t.Helper()
	d, ok := h.m.top().(*detailPage)
	if !ok {
		h.t.Fatalf("top page is %T, not the detail page", h.m.top())
	}
	return d
}

func (h *harness) openDetail(name string) *detailPage {
	h.t.Helper()
	h.selectName(name)
	h.press("enter")
	return h.detail()
}

func TestDetailShowsMetadataAndMasksTheValue(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	d := h.openDetail("prod/payments/postgres")
	if d.meta == nil {
		t.Fatal("metadata not loaded")
	}
	v := h.view()
	for _, want := range []string{"arn:aws:secretsmanager:", "PostgreSQL credentials for the payments service",
		"team = payments", "env = prod", "AWSCURRENT", "AWSPREVIOUS", "blue", "••••", "masked", "Rotation    off"} {
		if !strings.Contains(v, want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "S3cret-Pa55word") || d.value != nil {
		t.Fatal("the value was fetched or drawn before it was revealed")
	}
}

func TestDetailAccessedDateFollowsAReveal(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.openDetail("prod/payments/postgres")
	// The fixture's secret was last read the day before the fixture's now.
	if v := h.view(); !strings.Contains(v, "(yesterday)") || strings.Contains(v, "(today)") {
		t.Fatalf("access date before the reveal:\n%s", v)
	}
	h.press("r")
	if v := h.view(); !strings.Contains(v, "(today)") {
		t.Fatalf("the access date did not follow the reveal:\n%s", v)
	}
}

func TestDetailRevealHideAndLeaveWipe(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	d := h.openDetail("prod/payments/postgres")
	h.press("r")
	if !d.revealed || d.value == nil {
		t.Fatal("r did not reveal")
	}
	v := h.view()
	if !strings.Contains(v, "password  S3cret-Pa55word") || !strings.Contains(v, "host      pg.payments.internal") {
		t.Fatalf("JSON value not shown as a key/value table:\n%s", v)
	}
	h.press("f") // raw
	if !strings.Contains(h.view(), `"password":"S3cret-Pa55word"`) {
		t.Fatalf("f did not show the raw JSON:\n%s", h.view())
	}
	h.press("f", "r") // table again, then hide
	if d.value != nil || d.revealed || strings.Contains(h.view(), "S3cret") {
		t.Fatal("r again did not hide and drop the value")
	}
	h.press("r")
	held := d.value
	h.press("esc")
	if _, ok := h.m.top().(*listPage); !ok {
		t.Fatalf("esc left %T on top", h.m.top())
	}
	if held.SecretString != nil {
		t.Fatal("leaving the page did not wipe the value")
	}
}

func TestDetailBinaryValueAsHexAndBase64(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.openDetail("prod/identity/jwt-signing-key")
	h.press("r")
	v := h.view()
	if !strings.Contains(v, "binary, 23 bytes · hex") || !strings.Contains(v, "00000000  00 01 02 62 69 6e") {
		t.Fatalf("binary not shown as hex:\n%s", v)
	}
	h.press("f")
	if !strings.Contains(h.view(), "AAECYmluYXJ5LWtleS1tYXRlcmlhbP8=") {
		t.Fatalf("f did not switch to base64:\n%s", h.view())
	}
}

func TestDetailCopyValueAndField(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.openDetail("prod/payments/postgres")
	h.press("c")
	if got, _ := h.clip.ReadAll(); !strings.Contains(got, `"password":"S3cret-Pa55word"`) {
		t.Fatalf("clipboard holds %q", got)
	}
	h.wantStatus("Copied to the system clipboard; clears at")
	h.wantStatus("value of prod/payments/postgres")
	if d := h.detail(); d.revealed {
		t.Fatal("copying revealed the value")
	}
	h.press("r", "j", "j", "j", "j") // engine host port username password
	h.press("y")
	if got, _ := h.clip.ReadAll(); got != "S3cret-Pa55word" {
		t.Fatalf("copied field %q, want the password", got)
	}
}

func TestEditJSONValueConfirmsWithSummaryAndSavesNewCurrent(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	ctx := context.Background()
	name := "staging/search/elastic"
	h.openDetail(name)
	h.press("e")
	if _, ok := h.m.top().(*editPage); !ok {
		t.Fatalf("e opened %T", h.m.top())
	}
	if strings.Contains(h.view(), "el4stic-2") {
		t.Fatal("the key/value editor shows values unmasked")
	}
	// password is the second key: edit it, then add a key.
	h.press("j", "enter", "ctrl+u")
	h.typeText("new-pass")
	h.press("enter", "a")
	h.typeText("tls")
	h.press("enter")
	h.typeText("on")
	h.press("enter", "ctrl+s")
	c, ok := h.m.dialog.(*confirmDialog)
	if !ok {
		t.Fatalf("no confirmation before saving, dialog %T", h.m.dialog)
	}
	v := h.view()
	if !strings.Contains(v, "1 key added (tls)") || !strings.Contains(v, "1 key changed (password)") || strings.Contains(v, "new-pass") {
		t.Fatalf("summary wrong or leaks the value:\n%s", v)
	}
	if c.choice {
		t.Fatal("the confirmation does not default to No")
	}
	h.press("enter") // No
	cur, _ := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name})
	if *cur.SecretString != `{"username":"search","password":"el4stic-2"}` {
		t.Fatal("enter on the default No saved the value")
	}
	old := cur.VersionID
	h.press("ctrl+s", "y")
	cur, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name})
	if err != nil || !strings.Contains(*cur.SecretString, `"password":"new-pass"`) || !strings.Contains(*cur.SecretString, `"tls":"on"`) {
		t.Fatalf("new value not AWSCURRENT: %v", err)
	}
	prev, _ := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name, VersionStage: backend.StagePrevious})
	if prev.VersionID != old {
		t.Fatalf("AWSPREVIOUS is %s, want the old current %s", prev.VersionID, old)
	}
	h.wantStatus("saved as AWSCURRENT")
	if _, ok := h.m.top().(*detailPage); !ok {
		t.Fatalf("after saving the console shows %T, want the detail page", h.m.top())
	}
}

func TestEditTextValue(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	name := "dev/cart/redis"
	h.openDetail(name)
	h.press("e")
	h.typeText("-2")
	h.press("ctrl+s")
	if !strings.Contains(h.view(), "text changed, 1 line") {
		t.Fatalf("no text summary:\n%s", h.view())
	}
	h.press("y")
	v, _ := s.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: name})
	if *v.SecretString != "redis-token-dev-2" {
		t.Fatalf("saved %q", *v.SecretString)
	}
}

func TestEditRejectsEmptyAndDiscards(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	name := "dev/cart/redis"
	h.openDetail(name)
	h.press("e")
	for range len("redis-token-dev") {
		h.press("backspace")
	}
	h.press("ctrl+s")
	if h.m.dialog != nil {
		t.Fatal("an empty value reached the confirmation")
	}
	h.wantStatus("empty")
	h.press("esc")
	h.wantStatus("nothing saved")
	if _, ok := h.m.top().(*detailPage); !ok {
		t.Fatalf("esc left %T", h.m.top())
	}
	v, _ := s.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: name})
	if *v.SecretString != "redis-token-dev" {
		t.Fatal("a rejected edit changed the value")
	}
}

func TestEditDescriptionAndTags(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	name := "dev/cart/redis"
	h.openDetail(name)
	h.press("i", "ctrl+u")
	h.typeText("Cart cache token")
	h.press("enter")
	// The tags editor: the env row goes, an owner row is added.
	h.press("t")
	for h.m.top().(*tagsPage).rows[h.m.top().(*tagsPage).row].key.value() != "env" {
		h.press("down")
	}
	h.press("ctrl+d", "ctrl+n")
	h.typeText("owner")
	h.press("tab")
	h.typeText("j.chen")
	h.press("ctrl+s", "y")
	m, err := s.DescribeSecret(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	if m.Description != "Cart cache token" {
		t.Fatalf("description %q", m.Description)
	}
	tags := map[string]string{}
	for _, tg := range m.Tags {
		tags[tg.Key] = tg.Value
	}
	if tags["owner"] != "j.chen" || tags["team"] != "commerce" || len(tags) != 2 {
		t.Fatalf("tags %v", tags)
	}
	if v := h.view(); !strings.Contains(v, "owner = j.chen") || !strings.Contains(v, "Cart cache token") {
		t.Fatalf("detail not refreshed after the edit:\n%s", v)
	}
}

func TestDeleteDefaultsToNoAndTakesAWindow(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	ctx := context.Background()
	name := "qa/notifications/sendgrid-api-key"
	h.selectName(name)
	h.press("d")
	d, ok := h.m.dialog.(*confirmDialog)
	if !ok || d.days == nil || d.days.Value() != "30" || d.choice {
		t.Fatalf("delete dialog %T: want a 30-day window defaulting to No", h.m.dialog)
	}
	h.press("enter")
	if m, _ := s.DescribeSecret(ctx, name); m.Deleted() {
		t.Fatal("enter on the default No deleted the secret")
	}
	h.press("d", "backspace", "backspace")
	h.typeText("5")
	h.press("y")
	if d := h.m.dialog.(*confirmDialog); !strings.Contains(d.errText, "between 7 and 30") {
		t.Fatalf("window 5 not rejected: %q", d.errText)
	}
	if m, _ := s.DescribeSecret(ctx, name); m.Deleted() {
		t.Fatal("an invalid window deleted the secret")
	}
	h.press("backspace")
	h.typeText("7")
	h.press("y")
	m, _ := s.DescribeSecret(ctx, name)
	if !m.Deleted() || !m.DeletionDate.Equal(testNow.Add(7*24*time.Hour)) {
		t.Fatalf("deleted %v, deletion date %v", m.Deleted(), m.DeletionDate)
	}
	if slices.Contains(h.listNames(), name) {
		t.Fatal("the deleted secret is still listed")
	}
	h.wantStatus("scheduled for deletion in 7 days")
	// Restore from the deleted view.
	h.press("x")
	h.selectName(name)
	h.press("u")
	if m, _ := s.DescribeSecret(ctx, name); m.Deleted() {
		t.Fatal("u did not restore")
	}
	h.wantStatus("restored")
}

func TestForceDeleteNeedsTheName(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	ctx := context.Background()
	name := "dev/cart/redis"
	h.openDetail(name)
	h.press("D")
	h.typeText("dev/cart/redi")
	h.press("enter")
	if p := h.m.dialog.(*promptDialog); !strings.Contains(p.errText.String(), "does not match") {
		t.Fatalf("wrong name accepted: %q", p.errText)
	}
	if _, err := s.DescribeSecret(ctx, name); err != nil {
		t.Fatal("a mistyped name deleted the secret")
	}
	h.typeText("s")
	h.press("enter")
	if _, err := s.DescribeSecret(ctx, name); backend.Code(err) != backend.CodeResourceNotFound {
		t.Fatalf("force delete: %v", err)
	}
	if _, ok := h.m.top().(*listPage); !ok || slices.Contains(h.listNames(), name) {
		t.Fatal("after force delete the console should be back on a list without it")
	}
}

func TestReadOnlyRefusesMutations(t *testing.T) {
	h, s := fixture(t, true, 120, 40)
	h.selectName("dev/cart/redis")
	v := h.view()
	if !strings.Contains(v, "READ-ONLY") || strings.Contains(v, "d delete") {
		t.Fatalf("read-only not shown or delete still offered:\n%s", v)
	}
	for _, k := range []string{"d", "D", "n", "u"} {
		h.press(k)
		if h.m.dialog != nil {
			t.Fatalf("%s opened a dialog in read-only mode", k)
		}
		h.wantStatus("read-only")
	}
	h.press("enter")
	for _, k := range []string{"e", "E", "i", "t", "d", "D"} {
		h.press(k)
		if h.m.dialog != nil {
			t.Fatalf("%s opened a dialog in read-only mode", k)
		}
	}
	h.press("?")
	if hv := h.view(); strings.Contains(hv, "edit value") || !strings.Contains(hv, "reveal/hide") {
		t.Fatalf("help offers mutations in read-only mode:\n%s", hv)
	}
	if m, _ := s.DescribeSecret(context.Background(), "dev/cart/redis"); m.Deleted() {
		t.Fatal("read-only console changed the store")
	}
}

func TestErrorsShowTheExceptionName(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	d := h.openDetail("dev/cart/redis")
	// Another process deletes it for good; the next refresh says so.
	if _, err := s.DeleteSecret(context.Background(), &backend.DeleteSecretInput{SecretID: "dev/cart/redis", ForceDeleteWithoutRecovery: true}); err != nil {
		t.Fatal(err)
	}
	h.press("r")
	h.wantStatus("ResourceNotFoundException: ")
	h.press("ctrl+r")
	if d.metaErr == nil || !strings.Contains(h.view(), "ResourceNotFoundException") {
		t.Fatalf("error not shown:\n%s", h.view())
	}
}

func TestCreateSecretThroughTheForm(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	h.press("n")
	if _, ok := h.m.top().(*createPage); !ok {
		t.Fatalf("n opened %T", h.m.top())
	}
	h.typeText("prod/new/api-key")
	h.press("tab", "tab", "tab", "tab", "right", "tab")
	h.typeText("tok-123")
	h.press("ctrl+s")
	v, err := s.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: "prod/new/api-key"})
	if err != nil || *v.SecretString != "tok-123" {
		t.Fatalf("created secret: %v\n%s", err, h.view())
	}
	if _, ok := h.m.top().(*listPage); !ok || !slices.Contains(h.listNames(), "prod/new/api-key") {
		t.Fatal("after creating, the list does not show the new secret")
	}
	if name, ok := h.list().selected(); !ok || name != "prod/new/api-key" {
		t.Fatalf("after creating, the cursor is on %q, not the new secret", name)
	}
}

func TestDiscardedEditLeavesTheValueMasked(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	d := h.openDetail("prod/payments/postgres")
	h.press("e")
	if _, ok := h.m.top().(*editPage); !ok {
		t.Fatalf("e opened %T", h.m.top())
	}
	h.press("esc")
	if h.detail() != d {
		t.Fatalf("esc left %T on top", h.m.top())
	}
	if v := h.view(); d.revealed || strings.Contains(v, "S3cret-Pa55word") || !strings.Contains(v, "masked") {
		t.Fatalf("after a discarded edit the value is on screen:\n%s", v)
	}
	h.press("r")
	if !strings.Contains(h.view(), "S3cret-Pa55word") {
		t.Fatalf("r does not reveal after a discarded edit:\n%s", h.view())
	}
}

// valueOnScreen is what the screen shows below the VALUE heading, wrapped
// lines joined back together.
func valueOnScreen(screen string) string {
	ls := strings.Split(screen, "\n")
	var b strings.Builder
	in := false
	for _, l := range ls[:len(ls)-2] { // the status bar and key help
		if strings.HasPrefix(l, "VALUE") {
			in = true
			continue
		}
		if in {
			b.WriteString(strings.TrimRight(l, " "))
		}
	}
	return b.String()
}

func TestRevealedRawValueWrapsAndScrollsIntoSight(t *testing.T) {
	h, _ := fixture(t, false, 60, 20)
	h.openDetail("prod/payments/postgres")
	h.press("r", "f")
	want := `{"engine":"postgres","host":"pg.payments.internal","port":5432,"username":"payments","password":"S3cret-Pa55word","dbname":"payments"}`
	if got := valueOnScreen(h.view()); got != want {
		t.Fatalf("raw value on a 60-column screen is %q, want all of it:\n%s", got, h.view())
	}
	for _, l := range strings.Split(h.view(), "\n") {
		if ansiWidth(l) > 60 {
			t.Fatalf("line wider than the terminal: %q", l)
		}
	}
	h.press("esc")
	h.openDetail("dev/cart/redis")
	h.press("r")
	if got := valueOnScreen(h.view()); got != "redis-token-dev" {
		t.Fatalf("revealed text value not in sight (%q):\n%s", got, h.view())
	}
}

func TestCopyStatusSaysWhereAndWhenAt80Columns(t *testing.T) {
	h, _ := fixture(t, false, 80, 24)
	h.openDetail("prod/payments/postgres")
	h.press("r", "y")
	ls := strings.Split(h.view(), "\n")
	bar := ls[len(ls)-2]
	if !strings.Contains(bar, "Copied to the system clipboard; clears at") {
		t.Fatalf("the status bar hides where the copy went or when it clears: %q", bar)
	}
}

func TestDeletionDateFitsAt60Columns(t *testing.T) {
	h, _ := fixture(t, false, 60, 20)
	h.press("x")
	h.openDetail("prod/legacy/old-api-key")
	// Deleted two days before now with a 7-day window.
	want := "gone for good on " + testNow.Add(5*24*time.Hour).UTC().Format("01-02 15:04 UTC")
	if v := h.view(); !strings.Contains(v, want) || !strings.Contains(v, "scheduled ") {
		t.Fatalf("detail of a deleted secret lacks %q at 60 columns:\n%s", want, v)
	}
}

func TestKeyValueEditorFooterShowsHowToSaveAt80Columns(t *testing.T) {
	h, _ := fixture(t, false, 80, 24)
	h.openDetail("prod/payments/postgres")
	h.press("e")
	ls := strings.Split(h.view(), "\n")
	if footer := ls[len(ls)-1]; !strings.Contains(footer, "ctrl+s review & save") || !strings.Contains(footer, "esc discard") {
		t.Fatalf("the editor's footer hides how to save or leave: %q", footer)
	}
}

// sixFields is a value whose fields do not all fit below the metadata at
// 80×24.
const sixFields = `{"f1":"v-one","f2":"v-two","f3":"v-three","f4":"v-four","f5":"v-five","f6":"v-six"}`

func openSixFields(t *testing.T) *harness {
	t.Helper()
	h, s := fixture(t, false, 80, 24)
	ctx := context.Background()
	// Labelled versions put a line each above the value, as on a secret
	// that has been rolled back and forth: the fields no longer fit.
	for _, label := range []string{"blue", "green", "canary", "old", "eu", "us", "ap", "dr", "qa", "ci"} {
		if _, err := s.CreateSecret(ctx, &backend.CreateSecretInput{Name: "prod/six", SecretString: str(sixFields)}); err != nil && !strings.Contains(err.Error(), "already exists") {
			t.Fatal(err)
		}
		if _, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "prod/six", SecretString: str(label), VersionStages: []string{label}}); err != nil {
			t.Fatal(err)
		}
	}
	h.press("ctrl+r")
	h.openDetail("prod/six")
	return h
}

// At 80×24 the selected field is on screen, and y copies the field the
// operator sees selected.
func TestDetailSelectedFieldIsAlwaysVisible(t *testing.T) {
	h := openSixFields(t)
	h.press("r")
	for i := 1; i <= 6; i++ {
		v := h.view()
		if !rowHas(v, "› f"+string(rune('0'+i)), "v-") {
			t.Fatalf("field %d is selected but not on screen:\n%s", i, v)
		}
		if i < 6 {
			h.press("j")
		}
	}
	h.press("k")
	h.press("y")
	if got, _ := h.clip.ReadAll(); got != "v-five" {
		t.Fatalf("copied %q, want v-five", got)
	}
}

// While masked, y shows the fields with masked values; j moves, y copies
// the selected one and space reveals only it.
func TestDetailFieldWorkWhileMasked(t *testing.T) {
	h := openSixFields(t)
	h.press("y")
	v := h.view()
	if !strings.Contains(v, "› f1") || strings.Contains(v, "v-") {
		t.Fatalf("fields not shown masked:\n%s", v)
	}
	h.press("j", "j", "j", "j")
	if v := h.view(); !rowHas(v, "› f5", "••") || strings.Contains(v, "v-") {
		t.Fatalf("field 5 not selected and masked:\n%s", v)
	}
	h.press("y")
	if got, _ := h.clip.ReadAll(); got != "v-five" {
		t.Fatalf("copied %q, want v-five", got)
	}
	h.press("space")
	v = h.view()
	if !rowHas(v, "› f5", "v-five") || strings.Contains(v, "v-four") || strings.Contains(v, "v-six") {
		t.Fatalf("space did not reveal only field 5:\n%s", v)
	}
	if d := h.detail(); d.revealed {
		t.Fatal("the whole value counts as revealed")
	}
}

func rowHas(screen string, parts ...string) bool {
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
