//go:build unix

package scratch

import (
	"errors"
	"os"
	"syscall"
)

// alive reports whether a process exists. EPERM means it does, under
// another user; only ESRCH says it is gone.
func alive(pid int) bool {
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

func ownedByMe(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}
