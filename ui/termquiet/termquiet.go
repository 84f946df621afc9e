// Package termquiet keeps the terminal from being asked anything while
// the program's packages initialise.
//
// Bubble Tea v1's init asks Lip Gloss whether the terminal's background is
// dark; termenv then writes an OSC 11 and a cursor-position query to the
// terminal and waits up to five seconds for an answer. A terminal that
// answers neither (some multiplexers, serial consoles, slow links) held
// every command that starts on a terminal, the console's first frame
// included, for those five seconds. The console decides light or dark
// without asking (COLORFGBG, --theme), so the question is never needed.
//
// termenv asks nothing when CI is set. This package sets it for the time
// of initialisation and Restore takes it back. It imports only the
// standard library: packages initialise in import-path order among those
// whose imports are ready, and this one is ready long before Bubble Tea,
// which waits on termenv and golang.org/x/sys. An end-to-end test on a
// terminal that never answers holds that in place.
package termquiet

import "os"

// set says init set CI, so Restore must remove it. It is written only
// during initialisation and by Restore, before main starts any goroutine.
var set bool

func init() {
	if _, ok := os.LookupEnv("CI"); ok {
		return
	}
	set = os.Setenv("CI", "1") == nil
}

// Restore removes the CI variable init set, so that nothing started later
// (child processes, colour detection) sees it. Call it first thing in main.
func Restore() {
	if set {
		_ = os.Unsetenv("CI")
		set = false
	}
}
