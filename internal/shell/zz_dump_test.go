package shell

import (
	"fmt"
	"os"
	"testing"
)

func TestZZDump(t *testing.T) {
	src, _ := os.ReadFile(os.Getenv("DUMP"))
	fmt.Println(string(xtraceSource("x", compatSource("x", src))))
}
