package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// ptyConsole is the real binary on a pseudo-terminal of its own, with no
// terminal emulator in between: every byte it writes is kept with the time
// it arrived, so latency and volume can be measured byte-exactly, and
// nothing answers the queries a terminal would (a silent terminal).
type ptyConsole struct {
	tb     testing.TB
	master *os.File
	cmd    *exec.Cmd
	start  time.Time // just before the exec

	mu     sync.Mutex
	out    []byte
	chunks []chunk
	exited bool
}

// chunk is one read from the pty: its end offset in out and when it came.
type chunk struct {
	end int
	at  time.Time
}

// openPTY opens a pseudo-terminal pair of w×h cells.
func openPTY(w, h int) (master, slave *os.File, err error) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open /dev/ptmx: %w", err)
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		return nil, nil, fmt.Errorf("unlock pty: %w", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		m.Close()
		return nil, nil, fmt.Errorf("pty number: %w", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		return nil, nil, fmt.Errorf("open pty %d: %w", n, err)
	}
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: uint16(h), Col: uint16(w)}); err != nil {
		m.Close()
		s.Close()
		return nil, nil, fmt.Errorf("pty size: %w", err)
	}
	return m, s, nil
}

// startPTY starts the console on s on a w×h pty; env is added to the
// store's environment (TERM, COLORFGBG, …).
func startPTY(tb testing.TB, s store, w, h int, env ...string) *ptyConsole {
	tb.Helper()
	master, slave, err := openPTY(w, h)
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(suite.bin)
	cmd.Env = append(s.env(), env...)
	cmd.Dir = s.dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	// A session of its own with the pty as its controlling terminal, as a
	// login shell would start it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	c := &ptyConsole{tb: tb, master: master, cmd: cmd}
	c.start = time.Now()
	if err := cmd.Start(); err != nil {
		master.Close()
		slave.Close()
		tb.Fatalf("start the console: %v", err)
	}
	slave.Close()
	go c.read()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		master.Close()
	})
	return c
}

func (c *ptyConsole) read() {
	buf := make([]byte, 64<<10)
	for {
		n, err := c.master.Read(buf)
		at := time.Now()
		c.mu.Lock()
		if n > 0 {
			c.out = append(c.out, buf[:n]...)
			c.chunks = append(c.chunks, chunk{end: len(c.out), at: at})
		}
		if err != nil {
			// EIO once the console has exited and closed the pty.
			c.exited = true
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
	}
}

// send writes keys to the terminal's input and returns when it did.
func (c *ptyConsole) send(keys string) time.Time {
	c.tb.Helper()
	at := time.Now()
	if _, err := c.master.WriteString(keys); err != nil {
		c.tb.Fatalf("send %q: %v", keys, err)
	}
	return at
}

// mark is the number of bytes received so far.
func (c *ptyConsole) mark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.out)
}

// since returns what arrived after offset from.
func (c *ptyConsole) since(from int) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.out[from:]...)
}

// settle waits until the console has written nothing for quiet, and
// returns when the last byte after offset from arrived and how many bytes
// came after from. Without any output within limit it reports zero.
func (c *ptyConsole) settle(from int, quiet, limit time.Duration) (last time.Time, n int) {
	c.tb.Helper()
	deadline := time.Now().Add(limit)
	for {
		c.mu.Lock()
		var lastAt time.Time
		if k := len(c.chunks); k > 0 && c.chunks[k-1].end > from {
			lastAt = c.chunks[k-1].at
		}
		n = len(c.out) - from
		exited := c.exited
		c.mu.Unlock()
		now := time.Now()
		switch {
		case !lastAt.IsZero() && now.Sub(lastAt) >= quiet:
			return lastAt, n
		case exited:
			return lastAt, n
		case now.After(deadline):
			if lastAt.IsZero() {
				return time.Time{}, 0
			}
			c.tb.Fatalf("the console kept writing for %v", limit)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitFor waits until what arrived after offset from satisfies ok, and
// returns when the chunk that satisfied it arrived.
func (c *ptyConsole) waitFor(from int, timeout time.Duration, what string, ok func([]byte) bool) time.Time {
	c.tb.Helper()
	deadline := time.Now().Add(timeout)
	seen := 0
	for {
		c.mu.Lock()
		for ; seen < len(c.chunks); seen++ {
			if ch := c.chunks[seen]; ch.end > from && ok(c.out[from:ch.end]) {
				c.mu.Unlock()
				return ch.at
			}
		}
		exited := c.exited
		c.mu.Unlock()
		if exited || time.Now().After(deadline) {
			c.tb.Fatalf("after %v (exited %v), still waiting until %s; the last output:\n%q", timeout, exited, what, tail(c.since(from), 2000))
		}
		time.Sleep(time.Millisecond)
	}
}

// peakRSS is the console's peak resident memory (VmHWM), in bytes.
func (c *ptyConsole) peakRSS() int64 {
	c.tb.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		c.tb.Fatalf("read the console's status: %v", err)
	}
	for _, ln := range bytes.Split(status, []byte("\n")) {
		var kb int64
		if _, err := fmt.Sscanf(string(ln), "VmHWM: %d kB", &kb); err == nil {
			return kb << 10
		}
	}
	c.tb.Fatal("no VmHWM in the console's status")
	return 0
}

// cpu is the CPU time the console has used so far, user and system, as
// the kernel counts it (in clock ticks of 10 ms: sum many keys).
func (c *ptyConsole) cpu() time.Duration {
	c.tb.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	if err != nil {
		c.tb.Fatalf("read the console's stat: %v", err)
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after its closing one. utime and stime are fields 14 and 15.
	i := bytes.LastIndexByte(stat, ')')
	f := bytes.Fields(stat[i+1:])
	var ut, st int64
	if _, err := fmt.Sscan(string(f[11])+" "+string(f[12]), &ut, &st); err != nil {
		c.tb.Fatalf("parse the console's stat: %v", err)
	}
	return time.Duration(ut+st) * (time.Second / clockTicks)
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times: 100 on
// Linux everywhere it runs.
const clockTicks = 100

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
