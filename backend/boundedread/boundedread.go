// Package boundedread reads files whose size is not known in advance (a key
// file, a file:// parameter) with an upper bound, so /dev/zero or a huge
// file is refused at once instead of exhausting memory, and with a context,
// so a FIFO or a terminal that never delivers can be interrupted.
package boundedread

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/secretary-sh/secretary/backend/abandon"
)

// ErrTooLarge is returned when a file holds more than the limit.
var ErrTooLarge = errors.New("file is too large")

// File reads at most max bytes of path. It refuses a directory, and a file
// with more than max bytes with an error wrapping ErrTooLarge, having read
// only max+1 bytes of it.
//
// Opening or reading a FIFO or a device can block for ever, and neither
// system call can be cancelled, so the read runs in its own goroutine and
// File returns ctx.Err() when ctx ends first; that goroutine stays blocked
// until the file delivers or the process exits, which is what a command
// interrupted by Ctrl-C does next.
func File(ctx context.Context, path string, max int64) ([]byte, error) {
	return abandon.Run(ctx, func() ([]byte, error) { return read(path, max) }, func(b []byte) { clear(b) })
}

func read(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		clear(data)
		return nil, err
	}
	if int64(len(data)) > max {
		clear(data)
		return nil, fmt.Errorf("%s: %w: more than %d bytes", path, ErrTooLarge, max)
	}
	return data, nil
}
