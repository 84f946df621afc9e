package boundedread_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/secretary-sh/secretary/backend/boundedread"
)

func TestFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := boundedread.File(ctx, p, 5); err != nil || string(b) != "12345" {
		t.Fatalf("at the limit: %q %v", b, err)
	}
	if _, err := boundedread.File(ctx, p, 4); !errors.Is(err, boundedread.ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	if _, err := boundedread.File(ctx, dir, 4); err == nil {
		t.Fatal("a directory was read")
	}
	if runtime.GOOS != "windows" {
		// An endless device is refused after max+1 bytes.
		if _, err := boundedread.File(ctx, "/dev/zero", 1<<16); !errors.Is(err, boundedread.ErrTooLarge) {
			t.Fatalf("/dev/zero: %v", err)
		}
	}
}
