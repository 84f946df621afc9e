// Package e2e holds end-to-end tests of the secretary binary: each test
// builds it, starts the console in a private tmux server at a fixed size,
// types keys into it, reads the screen back, and checks the store through
// the CLI. On Linux a second harness runs the binary on a pseudo-terminal of
// its own, with no terminal emulator and nothing answering its queries, to
// time the console's output byte by byte (BenchmarkConsoleLatency).
//
// The tests need tmux. Without it they fail when CI=true and skip with the
// reason elsewhere.
package e2e
