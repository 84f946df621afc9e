//go:build unix

package local

import (
	"errors"
	"syscall"
)

// processGone reports whether no process with this id exists on this
// host. Signal 0 checks without sending anything; EPERM means the process
// exists under another user.
func processGone(pid int) bool {
	if pid <= 0 {
		return true
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
