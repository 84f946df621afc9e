package schedule

import (
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

// Decide: nothing before the window, rotate inside it, and after a missed
// explicit window wait for the next opening; without Duration rotate late.
func TestDecide(t *testing.T) {
	cases := []struct {
		rules     backend.RotationRules
		next, now string
		due       bool
		open      string
	}{
		{backend.RotationRules{ScheduleExpression: "cron(0 2 * * ? *)", Duration: "2h"}, "2024-03-15 02:00", "2024-03-15 01:59", false, "2024-03-15 02:00"},
		{backend.RotationRules{ScheduleExpression: "cron(0 2 * * ? *)", Duration: "2h"}, "2024-03-15 02:00", "2024-03-15 03:59", true, "2024-03-15 02:00"},
		{backend.RotationRules{ScheduleExpression: "cron(0 2 * * ? *)", Duration: "2h"}, "2024-03-15 02:00", "2024-03-15 04:00", false, "2024-03-16 02:00"},
		// Missed days ago, but now falls inside today's window.
		{backend.RotationRules{ScheduleExpression: "cron(0 2 * * ? *)", Duration: "2h"}, "2024-03-12 02:00", "2024-03-15 03:00", true, "2024-03-15 02:00"},
		{backend.RotationRules{ScheduleExpression: "rate(10 days)", Duration: "3h"}, "2024-03-15 00:00", "2024-03-15 05:00", false, "2024-03-16 00:00"},
		{backend.RotationRules{ScheduleExpression: "rate(10 days)", Duration: "3h"}, "2024-03-15 00:00", "2024-03-17 01:00", true, "2024-03-17 00:00"},
		{backend.RotationRules{ScheduleExpression: "rate(6 hours)", Duration: "1h"}, "2024-03-15 06:00", "2024-03-15 07:30", false, "2024-03-15 12:00"},
		// No Duration: a missed default window is still due.
		{backend.RotationRules{AutomaticallyAfterDays: 7}, "2024-03-15 00:00", "2024-03-20 09:00", true, "2024-03-15 00:00"},
		{backend.RotationRules{ScheduleExpression: "cron(0 2 * * ? *)"}, "2024-03-15 02:00", "2024-03-15 05:00", true, "2024-03-15 02:00"},
	}
	for _, c := range cases {
		s, err := Parse(c.rules)
		if err != nil {
			t.Fatalf("%+v: %v", c.rules, err)
		}
		due, open := s.Decide(utc(c.next), utc(c.now))
		if due != c.due || !open.Equal(utc(c.open)) {
			t.Errorf("%+v next %s now %s: due=%v open=%v, want %v %s", c.rules, c.next, c.now, due, open, c.due, c.open)
		}
	}
}
