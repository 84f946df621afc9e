package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/editor"
)

const compactJSON = `{"host":"db1","password":"p\u003cw\u003e","port":1.50,"hosts":["a","b"]}`

// E hands one line of JSON to the editor indented, and writes the edit
// back compact with every untouched key exactly as it was encoded.
func TestExternalEditPrettyPrintsAndWritesBackCompact(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	ctx := context.Background()
	if _, err := s.CreateSecret(ctx, &backend.CreateSecretInput{Name: "prod/compact", SecretString: str(compactJSON)}); err != nil {
		t.Fatal(err)
	}
	v, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/compact"})
	if err != nil {
		t.Fatal(err)
	}
	e, shown := prepareExternal("prod/compact", v)
	want := "{\n  \"host\": \"db1\",\n  \"password\": \"p\\u003cw\\u003e\",\n  \"port\": 1.50,\n  \"hosts\": [\n    \"a\",\n    \"b\"\n  ]\n}\n"
	if !e.pretty || shown != want {
		t.Fatalf("the editor gets %q, want %q", shown, want)
	}
	h.send(startExternalMsg{e})
	h.send(editor.SavedMsg{Value: []byte(strings.Replace(shown, `"db1"`, `"db2"`, 1))})
	if v := h.view(); !strings.Contains(v, "Save new version") || !strings.Contains(v, "1 key changed (host)") {
		t.Fatalf("no confirmation naming host only:\n%s", v)
	}
	h.press("y")
	got, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/compact"})
	if err != nil {
		t.Fatal(err)
	}
	if *got.SecretString != strings.Replace(compactJSON, "db1", "db2", 1) {
		t.Fatalf("saved %s", *got.SecretString)
	}
	// Saving the indented text unchanged in meaning saves nothing.
	h.send(startExternalMsg{e})
	h.send(editor.SavedMsg{Value: []byte(strings.TrimSuffix(shown, "\n"))})
	h.wantStatus("value unchanged; nothing saved")
}

// An edit that breaks the JSON offers to edit again or discard; discard
// saves nothing and says so.
func TestExternalEditInvalidJSONOffersEditAgain(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	ctx := context.Background()
	if _, err := s.CreateSecret(ctx, &backend.CreateSecretInput{Name: "prod/compact", SecretString: str(compactJSON)}); err != nil {
		t.Fatal(err)
	}
	v, _ := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/compact"})
	e, shown := prepareExternal("prod/compact", v)
	h.send(startExternalMsg{e})
	h.send(editor.SavedMsg{Value: []byte(strings.Replace(shown, `"db1",`, `"db1"`, 1))})
	scr := h.view()
	for _, want := range []string{"Nothing saved", "not valid JSON (syntax error at line 3", "e edit again", "d discard"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("no %q:\n%s", want, scr)
		}
	}
	h.press("d")
	h.wantStatus("edit discarded; nothing saved")
	if h.m.dialog != nil {
		t.Fatal("the dialog stayed open")
	}
	got, _ := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "prod/compact"})
	if *got.SecretString != compactJSON {
		t.Fatalf("saved %s", *got.SecretString)
	}
}

// ctrl+c in an edit form with unsaved changes asks first, defaulting to
// No; a second ctrl+c quits. With nothing changed it quits at once.
func TestCtrlCInEditFormAsksBeforeDroppingChanges(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.openDetail("prod/payments/postgres")
	h.press("e")
	h.press("ctrl+c")
	if !h.quit {
		t.Fatal("ctrl+c with nothing changed did not quit")
	}

	h, _ = fixture(t, false, 120, 40)
	h.openDetail("prod/payments/postgres")
	h.press("e", "enter", "ctrl+u")
	h.typeText("db2")
	h.press("enter")
	h.press("ctrl+c")
	if h.quit || !strings.Contains(h.view(), "Quit without saving?") {
		t.Fatalf("ctrl+c with a change did not ask:\n%s", h.view())
	}
	h.press("enter") // No, the default
	if h.quit || h.m.dialog != nil {
		t.Fatal("enter on the default did not keep the form")
	}
	if _, ok := h.m.top().(*editPage); !ok {
		t.Fatalf("top page is %T, not the editor", h.m.top())
	}
	h.press("ctrl+c", "ctrl+c")
	if !h.quit {
		t.Fatal("a second ctrl+c did not quit")
	}
}

// The create form counts as an edit form: ctrl+c asks once something is
// typed, and quits at once while it is empty.
func TestCtrlCInCreateFormAsks(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.press("n", "ctrl+c")
	if !h.quit {
		t.Fatal("ctrl+c on an empty create form did not quit")
	}
	h, _ = fixture(t, false, 120, 40)
	h.press("n")
	h.typeText("prod/new")
	h.press("ctrl+c")
	if h.quit || !strings.Contains(h.view(), "Quit without saving?") {
		t.Fatalf("ctrl+c with a name typed did not ask:\n%s", h.view())
	}
}

// A key that needs the metadata, typed before it arrived (enter then t at
// once), runs when it arrives instead of being lost.
func TestDetailKeyBeforeMetadataRunsWhenItArrives(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.selectName("dev/cart/redis")
	d := newDetailPage(h.m.c, "dev/cart/redis")
	h.m.push(d)
	load := d.load() // the DescribeSecret that Init started
	h.press("t")
	if _, ok := h.m.top().(*tagsPage); ok {
		t.Fatal("the tags editor opened before the metadata")
	}
	h.run(load)
	if _, ok := h.m.top().(*tagsPage); !ok {
		t.Fatalf("t typed early was lost; top page is %T", h.m.top())
	}
}
