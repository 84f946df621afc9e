package ui

import (
	"strings"
	"testing"
	"time"
)

func TestInYearDropsOnlyTheCurrentYear(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), "01-02 03:04"},
		{time.Date(2025, 12, 31, 23, 59, 0, 0, time.UTC), "2025-12-31 23:59"},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), "2027-01-01 00:00"},
		// The year is UTC's: 2027 in Tokyo is still 2026 in UTC.
		{time.Date(2027, 1, 1, 8, 0, 0, 0, time.FixedZone("JST", 9*3600)), "12-31 23:00"},
	} {
		if got := inYear(now, c.t, "2006-01-02 15:04"); got != c.want {
			t.Errorf("inYear(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}

// The detail, versions and audit screens show this year's dates without
// the year and other years' with it.
func TestDatesCarryTheYearOnlyWhenNotThisYear(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.openDetail("prod/payments/postgres")
	v := h.view()
	// Created in 2025, changed this year (testNow is in 2026).
	if !strings.Contains(v, "Created     2025-10-16 12:00 UTC") || !strings.Contains(v, "Changed     05-04 12:00 UTC") {
		t.Fatalf("detail dates:\n%s", v)
	}
	h.press("v")
	if v := h.view(); !strings.Contains(v, "2025-10-16 12:00") || !strings.Contains(v, " 05-04 12:00 ") {
		t.Fatalf("versions dates:\n%s", v)
	}
	h.press("esc", "a")
	if v := h.view(); !strings.Contains(v, "2025-10-16 12:00:00") || !strings.Contains(v, " 05-04 12:00:00 ") {
		t.Fatalf("audit dates:\n%s", v)
	}
}

// A long error is cut on the status bar, which says so; ! opens it in full,
// wrapped, and esc goes back.
func TestLongErrorCanBeReadInFull(t *testing.T) {
	h, _ := fixture(t, false, 80, 24)
	h.openDetail("prod/payments/postgres")
	long := "AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ReadOnly/ops is not authorized to perform: secretsmanager:PutSecretValue on resource: prod/payments/postgres because no identity-based policy allows the secretsmanager:PutSecretValue action (the end)"
	h.send(flashMsg{text: line(long), isErr: true})
	ls := strings.Split(h.view(), "\n")
	if bar := ls[len(ls)-2]; !strings.Contains(bar, "! full text") || strings.Contains(bar, "(the end)") {
		t.Fatalf("the bar does not say the error is cut: %q", bar)
	}
	h.press("!")
	v := h.view()
	if !strings.Contains(v, "Latest error") || !strings.Contains(strings.Join(strings.Fields(v), " "), "the secretsmanager:PutSecretValue action (the end)") {
		t.Fatalf("the error is not shown in full:\n%s", v)
	}
	h.press("esc")
	h.detail()
}
