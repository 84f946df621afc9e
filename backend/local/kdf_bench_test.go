package local

import (
	"testing"

	"golang.org/x/crypto/argon2"
)

// BenchmarkArgon2Default measures one unlock at the default passphrase
// cost; the target is 0.5–1 s on a 2-core machine. cpu-ms/op divided by
// the thread count estimates the wall time on otherwise idle cores.
func BenchmarkArgon2Default(b *testing.B) {
	p := DefaultKDF()
	salt := make([]byte, 16)
	cpu0 := processCPU()
	n := 0
	for b.Loop() {
		argon2.IDKey([]byte("passphrase"), salt, p.Time, p.MemoryKiB, p.Threads, keyLen)
		n++
	}
	if cpu0 >= 0 {
		b.ReportMetric(float64((processCPU()-cpu0).Milliseconds())/float64(n), "cpu-ms/op")
	}
}
