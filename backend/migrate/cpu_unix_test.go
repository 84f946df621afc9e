//go:build unix

package migrate

import (
	"syscall"
	"time"
)

// processCPU returns the user and system CPU time this process has used,
// or -1 when it cannot be read. Unlike wall time it barely moves when other
// work shares the machine's cores.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
