package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

func TestMarkedSecretsAreDeletedAfterTheCountIsTyped(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	// dev/cart/redis, prod/checkout/stripe-api-key, prod/identity/jwt-signing-key
	h.press("space", "space", "space")
	v := h.view()
	if !strings.Contains(v, "3 marked") || strings.Count(v, "● ") != 3 {
		t.Fatalf("marks not shown:\n%s", v)
	}
	h.press("space") // the fourth, then unmark it
	h.press("k", "space")
	if n := len(h.list().marked); n != 3 {
		t.Fatalf("%d marked after unmarking one, want 3", n)
	}
	h.press("d")
	v = h.view()
	if !strings.Contains(v, "Delete 3 secrets") || !strings.Contains(v, "Type 3 to delete 3 secrets:") ||
		!strings.Contains(v, "prod/identity/jwt-signing-key") {
		t.Fatalf("the confirmation does not name the count:\n%s", v)
	}
	h.press("tab")
	h.typeText("2")
	h.press("enter")
	if v := h.view(); !strings.Contains(v, "Type 3 to delete 3 secrets; nothing was changed.") {
		t.Fatalf("a wrong count is not refused:\n%s", v)
	}
	h.press("backspace")
	h.typeText("3")
	// The recovery window is checked too.
	h.press("tab", "backspace", "backspace")
	h.typeText("7")
	h.press("enter", "enter")
	h.wantStatus("3 of 3 secrets scheduled for deletion")
	for _, name := range []string{"dev/cart/redis", "prod/checkout/stripe-api-key", "prod/identity/jwt-signing-key"} {
		m, err := s.DescribeSecret(context.Background(), name)
		if err != nil || !m.Deleted() {
			t.Errorf("%s not scheduled for deletion: %v", name, err)
		}
		if m != nil && m.DeletionDate.Sub(m.DeletedDate).Hours() != 7*24 {
			t.Errorf("%s: window %v, want 7 days", name, m.DeletionDate.Sub(m.DeletedDate))
		}
	}
	if len(h.list().marked) != 0 || len(h.listNames()) != 4 {
		t.Fatalf("after the deletion: %d marked, list %v", len(h.list().marked), h.listNames())
	}
	// Restore them: mark the deleted ones, with x.
	h.press("x", "/")
	h.typeText("deleted")
	h.press("enter")
	h.send(keyMsg("ctrl+a"))
	if n := len(h.list().marked); n != 4 {
		t.Fatalf("ctrl+a marked %d, want the 4 deleted", n)
	}
	h.press("u")
	if v := h.view(); !strings.Contains(v, "Type 4 to restore 4 secrets:") {
		t.Fatalf("restore confirmation:\n%s", v)
	}
	h.typeText("4")
	h.press("enter")
	h.wantStatus("4 of 4 secrets restored")
}

func TestBulkFailuresAreReportedAndStayMarked(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	// dev/cart/redis, and prod/legacy/old-api-key: scheduled for
	// deletion, so it cannot be tagged.
	h.press("x", "space", "j", "j", "space")
	h.press("t")
	h.typeText("owner=ops")
	h.press("enter")
	h.typeText("2")
	h.press("enter")
	v := h.view()
	for _, want := range []string{"1 of 2 secrets tagged · 1 failed", "prod/legacy/old-api-key: InvalidRequestException"} {
		if !strings.Contains(v, want) {
			t.Errorf("report lacks %q:\n%s", want, v)
		}
	}
	h.press("enter")
	if got := h.list().marked; len(got) != 1 || !got["prod/legacy/old-api-key"] {
		t.Fatalf("marked after the failure: %v", got)
	}
	m, err := s.DescribeSecret(context.Background(), "dev/cart/redis")
	if err != nil || !slices.Contains(m.Tags, backend.Tag{Key: "owner", Value: "ops"}) {
		t.Fatalf("dev/cart/redis not tagged: %v %v", m, err)
	}
	h.press("esc")
	if len(h.list().marked) != 0 {
		t.Fatal("esc did not clear the marks")
	}
}

func TestBulkActionsAreRefusedReadOnly(t *testing.T) {
	h, _ := fixture(t, true, 120, 40)
	h.press("space", "d")
	h.wantStatus("is disabled: the console is read-only")
}

func TestMarksOfSecretsGoneForGoodAreDropped(t *testing.T) {
	h, s := fixture(t, false, 120, 40)
	h.press("space", "space")
	if _, err := s.DeleteSecret(context.Background(), &backend.DeleteSecretInput{SecretID: "dev/cart/redis", ForceDeleteWithoutRecovery: true}); err != nil {
		t.Fatal(err)
	}
	h.press("ctrl+r")
	if got := h.list().marked; len(got) != 1 || !got["prod/checkout/stripe-api-key"] {
		t.Fatalf("marks after the reload: %v", got)
	}
	if v := h.view(); !strings.Contains(v, "1 marked") {
		t.Fatalf("the count still includes the gone secret:\n%s", v)
	}
}
