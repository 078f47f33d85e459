package bash

import (
	"strconv"
	"testing"
)

// hookText is an extras.d script of the shape plugins write.
const hookText = `# a plugin's hook
echo "demo $*" >> "$RECORD"
if [[ "$1" == "source" ]]; then
    DEMO_DIR=$DEST/demo
    function demo_configure {
        local conf=$DEMO_DIR/demo.conf
        echo "configure ${conf#$TOP_DIR/}" >> "$RECORD"
    }
elif [[ "$1" == "stack" && "$2" == "install" ]]; then
    if is_service_enabled demo; then
        echo "install ${DEMO_DIR#$TOP_DIR/}" >> "$RECORD"
    fi
elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
    demo_configure
elif [[ "$1" == "unstack" ]]; then
    :
fi
`

// BenchmarkParseHook is the parse, with the session's rewrites, of one
// hook script: the cost per hook of a run's up-front check.
func BenchmarkParseHook(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		// Each text differs, as each hook's does: nothing is served
		// from what the last parse left.
		i++
		text := []byte(hookText + "# " + strconv.Itoa(i) + "\n")
		if _, err := Parse("demo.sh", "demo.sh", text); err != nil {
			b.Fatal(err)
		}
	}
}
