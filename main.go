// Command secretary is a terminal console and an AWS-compatible CLI for
// secrets, on AWS Secrets Manager or on an embedded encrypted store.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "secretary: not built yet")
	os.Exit(1)
}
