package local

import (
	"testing"

	"golang.org/x/crypto/argon2"
)

// BenchmarkArgon2Default measures one unlock at the default passphrase
// cost; the target is 0.5–1 s on a 2-core machine.
func BenchmarkArgon2Default(b *testing.B) {
	p := DefaultKDF()
	salt := make([]byte, 16)
	for b.Loop() {
		argon2.IDKey([]byte("passphrase"), salt, p.Time, p.MemoryKiB, p.Threads, keyLen)
	}
}
