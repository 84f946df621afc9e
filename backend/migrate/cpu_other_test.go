//go:build !unix

package migrate

import "time"

func processCPU() time.Duration { return -1 }
