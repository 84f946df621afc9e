package ui

import (
	"strings"
	"time"
)

// inYear formats t in UTC with layout, which starts with the year
// ("2006-01-02 15:04"), and drops the year when t falls in now's year:
// the room goes to what tells dates apart, and a date from another year
// always says which.
func inYear(now, t time.Time, layout string) string {
	t = t.UTC()
	if t.Year() == now.UTC().Year() {
		layout = strings.TrimPrefix(layout, "2006-")
	}
	return t.Format(layout)
}
