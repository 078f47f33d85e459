package bash

import (
	"os"
	"testing"
)

// TestMain lets the test binary run the background jobs of the scripts
// its tests run, as the program does.
func TestMain(m *testing.M) {
	RegisterExtension("greeting", greeting)
	RegisterExtension("overlaid", overlaid)
	if status, isJob := RunJobProcess(); isJob {
		os.Exit(status)
	}
	os.Exit(m.Run())
}
